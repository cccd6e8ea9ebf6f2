"""The layers, one family per file as in torch.nn.modules."""
from .module import Module  # noqa: F401
from .container import Sequential, ModuleList, ModuleDict  # noqa: F401
from .linear import Linear, Identity  # noqa: F401
from .activation import ReLU, Sigmoid, Tanh, Softmax, LogSoftmax  # noqa: F401
from .flatten import Flatten  # noqa: F401
from .dropout import Dropout  # noqa: F401
from .conv import Conv2d  # noqa: F401
from .pooling import MaxPool2d, AvgPool2d  # noqa: F401
from .loss import MSELoss, BCELoss, BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss  # noqa: F401
from .activation import GELU, LeakyReLU  # noqa: F401
from .loss import L1Loss  # noqa: F401
from .sparse import Embedding  # noqa: F401
from .normalization import LayerNorm  # noqa: F401
from .batchnorm import BatchNorm1d, BatchNorm2d  # noqa: F401
from .lazy import LazyLinear, UninitializedParameter  # noqa: F401
