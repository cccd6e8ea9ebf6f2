"""tinygrad_edu: a small NumPy autograd engine that mirrors PyTorch, for learning what
``loss.backward()`` does.  ``import tinygrad_edu as torch`` and run course code unchanged."""
__version__ = "0.1.0"

from .dtypes import (  # noqa: F401
    dtype, float32, float64, float16, int64, int32, int16, int8, uint8, bool,
    float, double, half, long, int, short, set_default_dtype, get_default_dtype)
from .tensor import Tensor, Size, device  # noqa: F401
from .creation import (  # noqa: F401
    tensor, as_tensor, from_numpy, zeros, ones, empty, full, eye, arange, linspace,
    zeros_like, ones_like, full_like, empty_like, rand, randn, rand_like, randn_like,
    randint, randperm, FloatTensor, DoubleTensor, LongTensor, IntTensor, BoolTensor, ByteTensor,
    set_default_device, get_default_device)
from .random import (  # noqa: F401
    Generator, manual_seed, seed, initial_seed, get_rng_state, set_rng_state, default_generator,
    normal, multinomial)
from .autograd.grad_mode import (  # noqa: F401
    no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode)

# torch.xxx(x, ...) is the Tensor method x.xxx(...): torch.sigmoid is Tensor.sigmoid, defined in
# tensor_math.py (math) or tensor_shape.py (shapes), which calls the Function in ops/.
# (abs, all, any, max, min, pow and sum hide Python's built-ins here, as in torch.)
from .tensor_math import where, maximum, minimum  # noqa: F401,E402
from .tensor_functions import (  # noqa: F401,E402
    add, sub, mul, div, power as pow, remainder, floor_divide)
from .tensor_shape import cat, stack  # noqa: F401,E402
_T = Tensor
neg, matmul, mm = _T.neg, _T.matmul, _T.mm
exp, log, sqrt, abs, clamp, clip = _T.exp, _T.log, _T.sqrt, _T.abs, _T.clamp, _T.clamp
sigmoid, relu, tanh, softmax, log_softmax = _T.sigmoid, _T.relu, _T.tanh, _T.softmax, _T.log_softmax
sum, mean, var, std, max, min = _T.sum, _T.mean, _T.var, _T.std, _T.max, _T.min
argmax, argmin, all, any = _T.argmax, _T.argmin, _T.all, _T.any
eq, equal, allclose = _T.eq, _T.equal, _T.allclose
reshape, flatten, squeeze, unsqueeze = _T.reshape, _T.flatten, _T.squeeze, _T.unsqueeze
transpose, t, permute, numel, is_floating_point = (
    _T.transpose, _T.t, _T.permute, _T.numel, _T.is_floating_point)
from .tensor_functions import TORCH_FUNCTIONS as _F1  # noqa: E402
from .tensor_index import TORCH_FUNCTIONS as _F2  # noqa: E402
from .tensor_counting import TORCH_FUNCTIONS as _F3, meshgrid  # noqa: E402,F401
globals().update({name: getattr(_T, name) for name in _F1 + _F2 + _F3})  # torch.sin: Tensor.sin
from .out_argument import WITH_OUT as _OUT, with_out as _with_out  # noqa: E402
globals().update({name: _with_out(name, globals()[name]) for name in _OUT})  # torch.mul(out=)
masked_fill = _T.masked_fill
del _T, _F1, _F2, _F3, _OUT, _with_out


def is_tensor(obj):
    return isinstance(obj, Tensor)
from ._repr import set_printoptions  # noqa: F401
from . import autograd  # noqa: F401
from . import accelerator, cuda, backends, distributions  # noqa: F401,E402
from . import nn  # noqa: F401,E402
from . import optim, utils, datasets  # noqa: F401,E402
from .serialization import save, load  # noqa: F401,E402
