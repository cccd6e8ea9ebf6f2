"""torch.nn: Module and Parameter, layers, losses, ``functional`` and ``init``."""
from .parameter import Parameter  # noqa: F401
from .modules import (  # noqa: F401
    Module, Sequential, ModuleList, ModuleDict, Linear, Identity, ReLU, Sigmoid, Tanh, Softmax,
    LogSoftmax, Flatten, Dropout, Conv2d, MaxPool2d, AvgPool2d, MSELoss, BCELoss,
    BCEWithLogitsLoss, NLLLoss, CrossEntropyLoss)
from . import functional, init, modules  # noqa: F401
