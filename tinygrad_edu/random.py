"""Random numbers: one seeded default generator, like torch's (``torch.manual_seed``).
The streams are NumPy's (PCG64), so the numbers differ from torch's own; lessons that
compare the two engines copy the initial weights across instead."""
import numpy as np


class Generator:
    """torch.Generator: an independent random stream, e.g. for random_split / DataLoader."""

    def __init__(self, device="cpu"):
        self.device = device
        self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63))

    def manual_seed(self, seed):
        self._seed = int(seed)
        self.np = np.random.default_rng(self._seed)
        return self

    def seed(self):
        return self.manual_seed(np.random.SeedSequence().entropy % (2 ** 63))._seed

    def initial_seed(self):
        return self._seed

    def get_state(self):
        return self.np.bit_generator.state

    def set_state(self, state):
        self.np.bit_generator.state = state
        return self


default_generator = Generator().manual_seed(0)


def manual_seed(seed):
    """torch.manual_seed(seed): reseed the default generator (returns it)."""
    return default_generator.manual_seed(seed)


def seed():
    return default_generator.seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(state):
    default_generator.set_state(state)


def rng(generator=None):
    """The NumPy generator behind ``generator`` (or behind the default one)."""
    return (generator or default_generator).np


# -- sampling functions: torch.normal, torch.multinomial ----------------------------------------
# (Tensor is imported inside them: tensor.py imports this module, so not at the top.)

_NORMAL_FORMS = (" * (Tensor mean, Tensor std, *, torch.Generator generator = None)\n"
                 " * (Tensor mean, float std = 1, *, torch.Generator generator = None)\n"
                 " * (float mean, Tensor std, *, torch.Generator generator = None)\n"
                 " * (float mean, float std, tuple of ints size, *, torch.Generator generator"
                 " = None, torch.dtype dtype = None, torch.device device = None, bool "
                 "requires_grad = False)")


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False):
    """torch.normal: numbers drawn from N(mean, std²), in four forms:

        normal(mean_tensor, std_tensor)    one draw per element (the shapes broadcast)
        normal(mean_tensor, std=1.0)       the shape and dtype of mean
        normal(mean, std_tensor)           the shape and dtype of std
        normal(mean, std, size)            e.g. torch.normal(0, 0.01, (2, 1), requires_grad=True)

    The draw is mean + std * z with z ~ N(0, 1) from ``generator`` (or the default one).
    (torch also records a graph when mean or std requires grad, whose gradients are zero;
    here the result is a new tensor without one.)"""
    from .tensor import Tensor
    from . import creation
    from .checks import check_broadcast

    tensors = isinstance(mean, Tensor) or isinstance(std, Tensor)
    if tensors == (size is not None) or (tensors and (dtype is not None or requires_grad)) \
            or not (size is None or isinstance(size, (tuple, list))):
        given = ", ".join(type(a).__name__ for a in (mean, std, size) if a is not None)
        raise TypeError(f"normal() received an invalid combination of arguments - got "
                        f"({given}), but expected one of:\n{_NORMAL_FORMS}")
    creation.check_device(device)
    if not tensors:
        if not std >= 0.0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
        out_dtype = np.dtype(creation._float(dtype))
        _check_floating("normal_kernel_cpu", out_dtype)
        shape = creation._size((size,), name="normal")
        z = rng(generator).standard_normal(shape)
        return creation._new((mean + std * z).astype(out_dtype), None, None, requires_grad)
    mean_data, std_data = (x._data if isinstance(x, Tensor) else x for x in (mean, std))
    out_dtype = (mean_data if isinstance(mean, Tensor) else std_data).dtype
    _check_floating("normal_kernel_cpu", out_dtype)
    if isinstance(std, Tensor) and std_data.dtype.kind == "f":
        if not (std_data >= 0.0).all():
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not isinstance(std, Tensor) and not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    check_broadcast(np.shape(mean_data), np.shape(std_data))
    shape = np.broadcast_shapes(np.shape(mean_data), np.shape(std_data))
    z = rng(generator).standard_normal(shape)
    return Tensor._make((mean_data + std_data * z).astype(out_dtype), False, None)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """torch.multinomial: ``num_samples`` category indices (int64) drawn with probabilities
    proportional to the weights in ``input`` (1-D: one distribution; 2-D: one per row; the
    weights need not sum to 1). Without replacement a category is drawn at most once."""
    from .tensor import Tensor

    weights = input._data
    if weights.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    _check_floating(None, weights.dtype)
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)):
        raise TypeError(f"multinomial(): argument 'num_samples' (position 2) must be int, "
                        f"not {type(num_samples).__name__}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    categories = weights.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           f"replacement (there are only {categories} categories)")
    p = weights.reshape(-1, categories).astype(np.float64)
    if not (np.isfinite(p).all() and (p >= 0).all()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if p.shape[0] and not (p.sum(axis=1) > 0).all():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    gen = rng(generator)
    if replacement:
        drawn = _draw_with_replacement(p, num_samples, gen)
    else:  # the largest p / E with E ~ Exponential(1): a weighted draw without repeats
        with np.errstate(divide="ignore", invalid="ignore"):
            keys = p / gen.standard_exponential(p.shape)
        drawn = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    drawn = drawn.astype(np.int64, copy=False)
    return Tensor._make(drawn.reshape(weights.shape[:-1] + (num_samples,)), False, None)


def _draw_with_replacement(p, num_samples, gen):
    """Inverse CDF: draw u uniform in [0, row total) and take the first category whose
    running sum exceeds u (categories of weight 0 never qualify). A binary search runs for
    every draw at once: about log2(categories) vectorised rounds."""
    cdf = np.cumsum(p, axis=1)
    u = gen.random((p.shape[0], num_samples)) * cdf[:, -1:]
    low = np.zeros(u.shape, np.int64)
    high = np.full(u.shape, p.shape[1], np.int64)  # the answer lies in [low, high]
    while (low < high).any():
        mid = (low + high) // 2
        right = np.take_along_axis(cdf, mid, axis=1) <= u
        low, high = np.where(right, mid + 1, low), np.where(right, high, mid)
    last_positive = p.shape[1] - 1 - np.argmax(p[:, ::-1] > 0, axis=1)
    return np.minimum(low, last_positive[:, None])  # u rounded up to the total: last category


def _check_floating(kernel, np_dtype):
    from .checks import scalar_name
    if np.dtype(np_dtype).kind != "f":
        if kernel is None:
            raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                               f"{scalar_name(np_dtype)}")
        raise NotImplementedError(f'"{kernel}" not implemented for '
                                  f"'{scalar_name(np_dtype)}'")
