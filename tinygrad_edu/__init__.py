"""tinygrad_edu: a small NumPy autograd engine that mirrors PyTorch, for learning what
``loss.backward()`` does.  ``import tinygrad_edu as torch`` and run course code unchanged."""
__version__ = "0.1.0"

from .dtypes import (  # noqa: F401
    dtype, float32, float64, float16, int64, int32, int16, int8, uint8, bool,
    float, double, half, long, int, short)
from .tensor import Tensor, Size, device  # noqa: F401
from .creation import (  # noqa: F401
    tensor, as_tensor, from_numpy, zeros, ones, empty, full, eye, arange, linspace,
    zeros_like, ones_like, full_like, empty_like, rand, randn, rand_like, randn_like,
    randint, randperm, FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor, ByteTensor)
from .random import (  # noqa: F401
    Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator)
from .autograd.grad_mode import (  # noqa: F401
    no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode)
from .functions import *  # noqa: F401,F403
from .functions import abs, all, any, max, min, pow, sum  # noqa: F401  (shadow builtins, as torch)
from ._repr import set_printoptions  # noqa: F401
from . import autograd  # noqa: F401
from . import cuda, backends  # noqa: F401,E402
from . import nn  # noqa: F401,E402
from . import optim, utils, datasets  # noqa: F401,E402
from .serialization import save, load  # noqa: F401,E402
