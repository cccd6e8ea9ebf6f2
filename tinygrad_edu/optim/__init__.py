"""torch.optim: the optimizers that turn gradients into parameter updates.

    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
    optimizer.zero_grad(); loss.backward(); optimizer.step()
"""
from .optimizer import Optimizer  # noqa: F401
from .sgd import SGD  # noqa: F401
from .adam import Adam, AdamW  # noqa: F401
