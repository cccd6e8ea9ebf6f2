"""The operations: one Function class per operation, forward and backward side by side.

    elementwise.py     ADD SUB MUL DIV MOD NEG EXP LOG SQRT ABS CLAMP MAX MIN CAST
    power_ops.py       POW (a ** n, a ** b, c ** a)
    activation_ops.py  SIGMOID RELU TANH SOFTMAX LOG_SOFTMAX
    linalg.py          MM (a @ b), LINEAR (x @ Wᵀ + b)
    reduce.py          SUM MEAN MAX MIN
    variance.py        VAR STD
    shape.py           RESHAPE PERMUTE EXPAND REPEAT INDEX CAT STACK WHERE
    loss_ops.py        MSE BCE BCE_LOGITS CE NLL
    conv_ops.py        CONV MAXPOOL AVGPOOL DROPOUT
    grad_fn_names.py   what torch calls each node (fidelity only, no math)
"""
from . import grad_fn_names  # noqa: F401  (gives every Function torch's grad_fn name)
