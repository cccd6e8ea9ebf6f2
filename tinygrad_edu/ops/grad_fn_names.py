"""What torch calls each node: the name printed in ``grad_fn=<AddmmBackward0>``.

Only fidelity, no math: kept here so that the Functions hold nothing but their math.
A Function not listed is named <ClassName>Backward0 (Add -> AddBackward0). Some names
depend on the call (torch picks a different kernel for a vector than for a matrix): those
are functions of the call's output, inputs and options, run when the node is recorded.
The Tensor methods that reuse a Function under another torch name (squeeze is a
RESHAPE, t() a PERMUTE, clone() a CAST) rename their node with ``renamed``."""
import numpy as np

from . import activation_ops as A, conv_ops as C, elementwise as E, linalg as L
from . import loss_ops as LS, power_ops as P, reduce as R, shape as S
from . import index_ops, inplace_ops, layer_ops, math_ops, norm_ops

FIXED = {
    E.RSub: "RsubBackward1", E.RDiv: "MulBackward0",   # torch computes c / a as (1/a) · c
    P.PowTensor: "PowBackward1", P.RPow: "PowBackward2",
    E.Cast: "ToCopyBackward0",
    L.Linear: "AddmmBackward0",
    R.MaxAll: "MaxBackward1", R.MinAll: "MinBackward1",
    R.MaxDim: "MaxBackward0", R.MinDim: "MinBackward0",
    LS.MSELoss: "MseLossBackward0", LS.BCELoss: "BinaryCrossEntropyBackward0",
    LS.BCEWithLogitsLoss: "BinaryCrossEntropyWithLogitsBackward0",
    LS.NLLLoss: "NllLossBackward0", LS.CrossEntropyLoss: "NllLossBackward0",
    C.Conv2d: "ConvolutionBackward0", C.MaxPool2d: "MaxPool2DWithIndicesBackward0",
    C.AvgPool2d: "AvgPool2DBackward0",
    C.Dropout: "MulBackward0",                          # torch's dropout is input * mask
}
for _module in (math_ops, index_ops, norm_ops, layer_ops):  # each lists its own exceptions
    FIXED.update(_module.TORCH_NAMES)

_MATMUL = {(1, 1): "DotBackward0", (2, 1): "MvBackward0", (1, 2): "SqueezeBackward4",
           (2, 2): "MmBackward0"}   # batched products end in a reshape: UnsafeViewBackward0
_LINEAR = {(2, True): "AddmmBackward0", (2, False): "MmBackward0",
           (1, False): "SqueezeBackward4"}


def _matmul(out, a, b):
    return _MATMUL.get((a.ndim, b.ndim), "UnsafeViewBackward0")


def _linear(out, x, weight, bias=None):
    return _LINEAR.get((x.ndim, bias is not None),
                       "ViewBackward0" if bias is not None else "UnsafeViewBackward0")


def _reduction(torch_name):
    """sum() / mean() of everything is kernel 0, along a dim kernel 1."""
    return lambda out, a, dim=None, keepdim=False: torch_name + ("0" if dim is None else "1")


def _clamp(out, a, min=None, max=None):
    """clamp by numbers is kernel 1; by tensors (arrays here) kernel 0."""
    return "ClampBackward0" if isinstance(min, np.ndarray) or isinstance(max, np.ndarray) \
        else "ClampBackward1"


def _remainder(out, a, b):
    return "RemainderBackward1" if isinstance(b, np.ndarray) else "RemainderBackward0"


def _reshape(out, a, shape):
    """A view when the numbers could stay where they are; else torch copies (unsafe view)."""
    return "ViewBackward0" if not a.size or np.may_share_memory(out, a) else "UnsafeViewBackward0"


def _class_loss(out, x, target, weight=None, ignore_index=-100, reduction="mean"):
    """Image-shaped (N, C, d1, ...) inputs use torch's 2-D kernel (or end in a view)."""
    if x.ndim < 3:
        return "NllLossBackward0"
    return "ViewBackward0" if reduction == "none" and x.ndim != 4 else "NllLoss2DBackward0"


def _soft_ce(out, x, y, reduction="mean"):
    return "DivBackward1" if reduction == "mean" else "NegBackward0"   # torch's last step


def _index(out, a, key):
    parts = key if isinstance(key, tuple) else (key,)
    if any(isinstance(k, (np.ndarray, list)) for k in parts):
        return "IndexBackward0"
    return _basic_index_name(key, a.shape)


def _index_put(out, a, v, key):
    """x[mask] = v and x[[0, 2]] = v are kernel IndexPut; x[0] = v, x[1:] = v copy into a
    slice (CopySlices); x.copy_(v) is CopyBackwards."""
    if key is Ellipsis:
        return "torch::autograd::CopyBackwards"
    return "IndexPutBackward0" if inplace_ops.is_advanced(key) else "torch::autograd::CopySlices"


CALL_DEPENDENT = {
    L.MatMul: _matmul, L.Linear: _linear,
    R.Sum: _reduction("SumBackward"), R.Mean: _reduction("MeanBackward"),
    E.Remainder: _remainder, E.Clamp: _clamp, S.Reshape: _reshape, S.Index: _index,
    LS.NLLLoss: _class_loss, LS.CrossEntropyLoss: _class_loss,
    LS.SoftCrossEntropyLoss: _soft_ce, inplace_ops.IndexPut: _index_put,
}


def renamed(out, torch_name):
    """Give ``out``'s node torch's name for the method that made it (e.g. SqueezeBackward1)."""
    if out.grad_fn is not None:
        out.grad_fn.torch_name = torch_name
    return out


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


for _function, _name in FIXED.items():
    _function.torch_name = _name
for _function, _namer in CALL_DEPENDENT.items():
    _function.name_from = staticmethod(_namer)
