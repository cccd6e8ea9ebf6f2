"""Shape operations and indexing. They move numbers around without changing them, so
backward moves g back: reshape it back, transpose it back, scatter it back."""
import numpy as np

from ..autograd.function import Function
from ._util import unbroadcast


class Reshape(Function):  # view / reshape / flatten / squeeze / unsqueeze
    label = "RESHAPE"
    formula = "∂reshape(a)/∂a = g reshaped to a's shape"

    @staticmethod
    def forward(ctx, a, shape, torch_name="ViewBackward0", view=False):
        try:
            out = a.reshape(shape)
        except ValueError:
            raise RuntimeError(f"shape '[{', '.join(str(n) for n in shape)}]' is invalid for "
                               f"input of size {a.size}") from None
        if a.size and not np.may_share_memory(out, a):  # the numbers had to be copied
            if view:
                raise RuntimeError("view size is not compatible with input tensor's size and "
                                   "stride (at least one dimension spans across two contiguous "
                                   "subspaces). Use .reshape(...) instead.")
            torch_name = "UnsafeViewBackward0"
        ctx.shape = a.shape
        ctx.torch_name = torch_name
        return out

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape)


class Permute(Function):  # permute / transpose / t / .T
    label = "PERMUTE"
    formula = "∂permute(a)/∂a = g permuted back"

    @staticmethod
    def forward(ctx, a, dims, torch_name="PermuteBackward0"):
        ctx.inverse = tuple(np.argsort(dims))
        ctx.torch_name = torch_name
        return a.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.transpose(ctx.inverse)


class Expand(Function):
    label = "EXPAND"
    formula = "∂expand(a)/∂a = g summed over the copied axes"

    @staticmethod
    def forward(ctx, a, shape):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return unbroadcast(g, ctx.shape)


class Repeat(Function):
    label = "REPEAT"
    formula = "∂repeat(a)/∂a = g summed over the copies"

    @staticmethod
    def forward(ctx, a, sizes):
        shape = (1,) * (len(sizes) - a.ndim) + a.shape
        ctx.shape, ctx.tiled = a.shape, shape
        return np.tile(a.reshape(shape), sizes)

    @staticmethod
    def backward(ctx, g):
        # view g as (copies₀, n₀, copies₁, n₁, ...) and add up the copies
        split = [k for pair in zip(np.array(g.shape) // ctx.tiled, ctx.tiled) for k in pair]
        return g.reshape(split).sum(axis=tuple(range(0, len(split), 2))).reshape(ctx.shape)


def _is_advanced(key):
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list)) for k in parts)


class Index(Function):  # a[key]
    label = "INDEX"
    formula = "∂a[i]/∂a = g placed back at positions i (summed where i repeats), 0 elsewhere"

    @staticmethod
    def forward(ctx, a, key):
        ctx.key, ctx.shape = key, a.shape
        ctx.advanced = _is_advanced(key)
        try:
            out = a[key]
        except IndexError as error:
            raise index_error(error, a.ndim) from None
        return out if isinstance(out, np.ndarray) else np.asarray(out)

    def name(self):
        if self.advanced:
            return "IndexBackward0"
        return _basic_index_name(self.key, self.shape)

    @staticmethod
    def backward(ctx, g):
        grad = np.zeros(ctx.shape, dtype=g.dtype)
        if ctx.advanced:
            np.add.at(grad, ctx.key, g)  # repeated indices add up
        else:
            grad[ctx.key] = g
        return grad, None


class Cat(Function):
    label = "CAT"
    formula = "∂cat(a, b)/∂a = the slice of g that came from a"

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] for x in arrays]
        try:
            return np.concatenate(arrays, axis=dim)
        except ValueError:  # say which tensor does not fit, in torch's words
            first = arrays[0].shape
            for k, x in enumerate(arrays):
                if x.ndim != len(first):
                    raise RuntimeError(f"Tensors must have same number of dimensions: got "
                                       f"{len(first)} and {x.ndim}") from None
                for d, (n, m) in enumerate(zip(first, x.shape)):
                    if d != dim and n != m:
                        raise RuntimeError(
                            f"Sizes of tensors must match except in dimension {dim}. Expected "
                            f"size {n} but got size {m} for tensor number {k} in the list.") from None
            raise

    @staticmethod
    def backward(ctx, g):
        return tuple(np.split(g, np.cumsum(ctx.sizes)[:-1], axis=ctx.dim))


class Stack(Function):
    label = "STACK"
    formula = "∂stack(a, b)/∂a = g[..., i, ...] for the i-th input"

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        for k, x in enumerate(arrays):
            if x.shape != arrays[0].shape:
                raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                                   f"{list(arrays[0].shape)} at entry 0 and {list(x.shape)} at "
                                   f"entry {k}")
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return tuple(np.moveaxis(g, ctx.dim, 0))


class Where(Function):
    label = "WHERE"
    formula = "∂where(c, a, b)/∂a = g where c, else 0   ∂/∂b = g where not c"

    @staticmethod
    def forward(ctx, condition, a, b):
        ctx.condition = condition
        ctx.shapes = (getattr(a, "shape", None), getattr(b, "shape", None))
        return np.asarray(np.where(condition, a, b))

    @staticmethod
    def backward(ctx, g):
        c = ctx.condition
        sa, sb = ctx.shapes
        ga = unbroadcast(np.where(c, g, 0), sa) if ctx.needs_input_grad[1] else None
        gb = unbroadcast(np.where(c, 0, g), sb) if ctx.needs_input_grad[2] else None
        return None, ga, gb


def index_error(error, ndim):
    """NumPy's IndexError in torch's words: tensors have dimensions, not axes."""
    text = str(error)
    if text.startswith("too many indices"):
        return IndexError(f"too many indices for tensor of dimension {ndim}")
    return IndexError(text.replace(" for axis ", " for dimension ").replace("array", "tensor"))


def _basic_index_name(key, shape):
    """torch's grad_fn for a[key] without index arrays: torch applies the parts one by one,
    skipping those that change nothing (a full slice inside a tuple, ...), so the name is
    that of the last part that did something."""
    if not isinstance(key, tuple):
        return {int: "SelectBackward0", slice: "SliceBackward0",
                type(None): "UnsqueezeBackward0"}.get(type(key), "AliasBackward0")
    name, dim = "AliasBackward0", 0
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - used
        elif k is None:
            name = "UnsqueezeBackward0"
        elif isinstance(k, slice):
            whole = (k.start in (None, 0) and (k.stop is None or k.stop >= shape[dim])
                     and k.step in (None, 1))
            if not whole:
                name = "SliceBackward0"
            dim += 1
        else:
            name = "SelectBackward0"
            dim += 1
    return name
