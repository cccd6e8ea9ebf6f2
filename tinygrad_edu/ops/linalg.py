"""Matrix products: the MM node of every linear layer."""
import numpy as np

from ..autograd.function import Function
from ._util import check_broadcast, unbroadcast


def _dims(shape):
    return "x".join(str(n) for n in shape)


def check_matmul(a_shape, b_shape):
    """Raise torch's message, naming both shapes, when a @ b is impossible."""
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(a_shape)}D and {len(b_shape)}D")
    inner_a = a_shape[-1]
    inner_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if inner_a != inner_b:
        if len(a_shape) == 2 and len(b_shape) == 2:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({_dims(a_shape)} and {_dims(b_shape)})")
        raise RuntimeError(f"shapes cannot be multiplied: ({_dims(a_shape)}) @ ({_dims(b_shape)})"
                           f": the last dim of the first ({inner_a}) must equal the "
                           f"{'only' if len(b_shape) == 1 else 'second-to-last'} dim of the "
                           f"second ({inner_b})")
    if len(a_shape) > 2 and len(b_shape) > 2 and a_shape[:-2] != b_shape[:-2]:
        check_broadcast(a_shape[:-2], b_shape[:-2])  # the batch dims broadcast


# torch's grad_fn name by (a.ndim, b.ndim); batched products end in a reshape there
_NAMES = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4",
          (2, 2): "MmBackward0"}


class MatMul(Function):
    label = "MM"
    formula = "∂(a@b)/∂a = g @ bᵀ   ∂(a@b)/∂b = aᵀ @ g"

    @staticmethod
    def forward(ctx, a, b):
        check_matmul(a.shape, b.shape)
        ctx.save_for_backward(a, b)
        ctx.torch_name = _NAMES.get((a.ndim, b.ndim), "UnsafeViewBackward0")
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved
        # treat a vector as a one-row (a) or one-column (b) matrix, then drop that axis again
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = g
        if b.ndim == 1:  # give g back the axes the vectors lost: first the column's ...
            g2 = np.expand_dims(g2, -1)
        if a.ndim == 1:  # ... then the row's
            g2 = np.expand_dims(g2, -2)
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
        return ga, gb


# torch's grad_fn name for x @ Wᵀ + b by (x.ndim, has bias): addmm for a batch with bias,
# mm without; other ranks end in a view of the flattened product
_LINEAR_NAMES = {(2, True): "AddmmBackward0", (2, False): "MmBackward0",
                 (1, False): "SqueezeBackward4"}


class Linear(Function):
    label = "LINEAR"
    formula = "y = x@Wᵀ + b:  ∂y/∂x = g @ W   ∂y/∂W = gᵀ @ x   ∂y/∂b = Σ g"
    torch_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        if x.shape[-1:] != weight.shape[1:]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied "
                               f"({_dims((int(np.prod(x.shape[:-1])),) + x.shape[-1:])} and "
                               f"{_dims(weight.shape[::-1])})")
        ctx.save_for_backward(x, weight)
        key = (x.ndim, bias is not None)
        if key != (2, True):
            ctx.torch_name = _LINEAR_NAMES.get(
                key, "ViewBackward0" if bias is not None else "UnsafeViewBackward0")
        out = x @ weight.T
        if bias is not None:
            out += bias
        return out

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved
        need_x, need_w, need_b = (ctx.needs_input_grad + (False,))[:3]
        gx = g @ weight if need_x else None
        if g.ndim != 2:  # a batch of any shape: its rows are all the samples
            g, x = g.reshape(-1, g.shape[-1]), x.reshape(-1, x.shape[-1])
        gw = g.T @ x if need_w else None
        gb = g.sum(axis=0) if need_b else None
        return gx, gw, gb
