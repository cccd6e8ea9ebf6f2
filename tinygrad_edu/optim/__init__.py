"""torch.optim: the optimizers that turn gradients into parameter updates, and the
learning-rate schedulers (optim.lr_scheduler) that change their step size over time.

    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    optimizer.zero_grad(); loss.backward(); optimizer.step()
"""
from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD  # noqa: F401
from .adam import Adam, AdamW  # noqa: F401
from .rmsprop import RMSprop  # noqa: F401
from .adagrad import Adagrad  # noqa: F401
from . import lr_scheduler  # noqa: F401
