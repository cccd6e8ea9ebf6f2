"""The case table (see cases.py): math functions of the canon: trig, logs, rounding, prod,
logsumexp, cumsum, dot, mv, norm."""
import numpy as np

from specs import C, const, signed


class exact:
    """These very numbers (zeros included) in the run's float dtype, requiring grad: where the
    derivative has a special case at an exact value (a product with one zero)."""

    def __init__(self, values):
        self.values = values

    def sample(self, rng, dtype):
        return np.asarray(self.values, dtype=dtype)


INF = float("inf")

# rows with no zero, one zero, two zeros and three: each takes another branch of prod's
# derivative (out / aᵢ; the product of the others at the zero; 0 everywhere)
ZEROS = [[1.5, -0.5, 2.0, 0.7], [1.2, 0.0, -1.3, 0.9], [0.0, 1.1, 0.0, 2.0], [0.0, 0.0, 0.0, 1.4]]

FUNCTION_CASES = [
    # -- trigonometric and hyperbolic: method and torch.xxx spellings ------------------------
    C("sin", lambda torch, a: [a.sin(), torch.sin(a)], (2, 3)),
    C("cos", lambda torch, a: [a.cos(), torch.cos(a)], (2, 3)),
    C("tan", lambda torch, a: [a.tan(), torch.tan(a)], (2, 3), low=-1.2, high=1.2),
    C("sinh", lambda torch, a: [a.sinh(), torch.sinh(a)], (2, 3)),
    C("cosh", lambda torch, a: [a.cosh(), torch.cosh(a)], (2, 3)),
    C("asin", lambda torch, a: [a.asin(), torch.asin(a), torch.arcsin(a)], (2, 3),
      low=-0.9, high=0.9),
    C("acos", lambda torch, a: [a.acos(), torch.acos(a), a.arccos()], (2, 3), low=-0.9, high=0.9),
    C("atan", lambda torch, a: [a.atan(), torch.atan(a), torch.arctan(a)], (2, 3)),
    C("asinh", lambda torch, a: [a.asinh(), torch.asinh(a)], (2, 3)),
    C("acosh", lambda torch, a: [a.acosh(), torch.acosh(a)], (2, 3), low=1.2, high=3),
    C("atanh", lambda torch, a: [a.atanh(), torch.atanh(a)], (2, 3), low=-0.9, high=0.9),
    C("trig_chain", lambda torch, a: (a.sin() * a.cos() + a.tanh().atan()).sum(), (3, 4)),
    # -- logarithms --------------------------------------------------------------------------
    C("log10", lambda torch, a: [a.log10(), torch.log10(a)], (2, 3), low=0.2, high=3),
    C("log2", lambda torch, a: [a.log2(), torch.log2(a)], (2, 3), low=0.2, high=3),
    C("log1p", lambda torch, a: [a.log1p(), torch.log1p(a)], (2, 3), low=-0.5, high=3),
    C("expm1", lambda torch, a: [a.expm1(), torch.expm1(a)], (2, 3)),
    C("log1p_tiny", lambda torch, a: [(a * 1e-6).log1p(), (a * 1e-6).expm1()], (4,)),
    # -- signs and rounding: zero gradients (inputs kept away from the jumps) ----------------
    C("sign", lambda torch, a: [a.sign(), torch.sign(a)], signed(2, 3)),
    C("floor", lambda torch, a: [a.floor(), torch.floor(a)], (2, 3), low=0.1, high=0.9),
    C("ceil", lambda torch, a: [a.ceil(), torch.ceil(a)], (2, 3), low=-1.9, high=-1.1),
    C("round", lambda torch, a: [a.round(), torch.round(a)], (2, 3), low=1.6, high=2.4),
    C("round_decimals", lambda torch, a: [a.round(decimals=1), torch.round(a, decimals=0)],
      (2, 3), low=0.31, high=0.34),
    C("trunc", lambda torch, a: [a.trunc(), torch.trunc(a), torch.fix(a)], (2, 3),
      low=-0.9, high=0.9),
    C("step_chain", lambda torch, a: (a * a.sign() + a.floor() * a).sum(), (3,),
      low=0.2, high=0.8),
    # -- reductions ---------------------------------------------------------------------------
    C("prod", lambda torch, a: [a.prod(), torch.prod(a)], (2, 3), low=0.5, high=1.5),
    C("prod_dim", lambda torch, a: [a.prod(1), a.prod(dim=0, keepdim=True), torch.prod(a, -1)],
      (3, 4)),
    C("prod_zeros", lambda torch, a: [a.prod(1), a.prod(0), a.prod(-1, keepdim=True)],
      exact(ZEROS)),
    C("prod_one_zero_all", lambda torch, a: a.prod(), exact([1.5, 0.0, -2.0, 0.5])),
    C("prod_two_zeros_all", lambda torch, a: a.prod(), exact([1.5, 0.0, -2.0, 0.0])),
    C("prod_scalar", lambda torch, a: [a.prod(), a.prod(0)], ()),
    C("logsumexp", lambda torch, a: [a.logsumexp(1), torch.logsumexp(a, dim=0),
                                     a.logsumexp(-1, keepdim=True)], (3, 4)),
    C("logsumexp_dims", lambda torch, a: [a.logsumexp((0, 2)), a.logsumexp([1, 2], keepdim=True)],
      (2, 3, 4)),
    C("logsumexp_large", lambda torch, a: (a * 100).logsumexp(1), (3, 4)),
    C("cumsum", lambda torch, a: [a.cumsum(1), torch.cumsum(a, dim=0), a.cumsum(-1)], (3, 4)),
    C("cumsum_3d", lambda torch, a: [a.cumsum(1), a.cumsum(0)], (2, 3, 4)),
    C("dot", lambda torch, a, b: [a.dot(b), torch.dot(a, b)], (5,), (5,)),
    C("dot_one_side", lambda torch, a, b: a.dot(b), (4,), const([1.0, -2.0, 0.5, 3.0])),
    C("mv", lambda torch, a, b: [a.mv(b), torch.mv(a, b)], (3, 4), (4,)),
    C("mv_one_side", lambda torch, a, b: torch.mv(a, b), const([[1.0, -2.0], [0.5, 3.0]]), (2,)),
    C("norm", lambda torch, a: [a.norm(), torch.norm(a), a.norm(p="fro"), a.norm(2)], (3, 4)),
    C("norm_dim", lambda torch, a: [a.norm(dim=1), a.norm(p=2, dim=0, keepdim=True),
                                    torch.norm(a, dim=(0, 1)), a.norm(dim=-1, keepdim=True)],
      (3, 4)),
    C("norm_p1", lambda torch, a: [a.norm(p=1), a.norm(1, dim=1)], signed(3, 4)),
    C("norm_inf", lambda torch, a: [a.norm(p=INF), a.norm(INF, dim=1), torch.norm(a, -INF),
                                    a.norm(p=-INF, dim=0, keepdim=True)], signed(3, 4)),
    C("norm_p", lambda torch, a: [a.norm(p=3), a.norm(p=0.5, dim=1), a.norm(p=-1, dim=0)],
      signed(3, 4)),
    C("norm_dtype", lambda torch, a: a.norm(dim=1, dtype=torch.float64), (2, 3)),
    C("type_as", lambda torch, a, b: [a.type_as(b.double()), a.type_as(b)], (2, 3), (3,)),
    C("clone_function", lambda torch, a: torch.clone(a) * 2, (2, 3)),
]
