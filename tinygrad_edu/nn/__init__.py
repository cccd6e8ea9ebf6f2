"""torch.nn: Module and Parameter, layers, losses, ``functional`` and ``init``."""
from .parameter import Parameter  # noqa: F401
from .modules import (  # noqa: F401
    Module, Sequential, ModuleList, ModuleDict, Linear, Identity, ReLU, Sigmoid, Tanh, Softmax,
    LogSoftmax, Flatten, Dropout, Conv2d, MaxPool2d, AvgPool2d, MSELoss, BCELoss,
    BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss)
from . import functional, init, modules, utils  # noqa: F401
from .modules import (  # noqa: F401,E402  (the layers of the canon: makemore, GPT, d2l)
    Embedding, LayerNorm, BatchNorm1d, BatchNorm2d, GELU, LeakyReLU, L1Loss, LazyLinear,
    UninitializedParameter)
