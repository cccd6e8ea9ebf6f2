"""torch.distributions, the part the textbooks sample with: Categorical and Multinomial
(d2l's die rolls: ``Multinomial(1, fair_probs).sample((500,))``) and Normal. Samples come
from the engine's random generator (seeded by ``torch.manual_seed``), so they are not
torch's numbers; their laws are."""
from . import categorical, multinomial, normal  # noqa: F401
from .categorical import Categorical  # noqa: F401
from .multinomial import Multinomial  # noqa: F401
from .normal import Normal  # noqa: F401
