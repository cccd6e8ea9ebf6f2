"""The math families of the canon against real torch, beyond what the case table checks:
dtypes of integer, bool and float64 inputs, prod with zeros, logsumexp at the edges (large
values, -inf rows), the forms of norm, dot's errors, f"{x:.2f}", the torch.xxx function forms
and their keyword names."""
import math

import numpy as np
import pytest

import tinygrad_edu

torch = pytest.importorskip("torch")
from parity import assert_same, check_parity  # noqa: E402

ENGINES = (tinygrad_edu, torch)
INF, NAN = float("inf"), float("nan")

FLOAT_RESULT = ["sin", "cos", "tan", "sinh", "cosh", "asin", "acos", "atan", "asinh", "acosh",
                "atanh", "log10", "log2", "log1p", "expm1"]
ROUNDING = ["floor", "ceil", "round", "trunc"]
PREDICATES = ["isnan", "isinf", "isfinite"]

VALUES = {  # inputs of each dtype, as torch.tensor(values, dtype=...) makes them
    "int64": [3, -2, 0, 7], "int32": [3, -2, 0, 7], "uint8": [3, 200, 0, 7],
    "bool": [True, False, True, True], "float64": [0.5, -1.25, 2.5, 3.0],
    "float32": [0.5, -1.25, 2.5, 3.0],
}


def both(fn):
    """fn(engine) on tinygrad_edu and on torch."""
    return fn(tinygrad_edu), fn(torch)


def check_same(fn):
    """fn(engine) gives the same tensor (dtype, shape, numbers) on both engines."""
    ours, theirs = both(fn)
    for o, t in zip(ours if isinstance(ours, tuple) else (ours,),
                    theirs if isinstance(theirs, tuple) else (theirs,)):
        assert_same(o, t)
    return ours, theirs


def check_raises_like_torch(fn):
    """fn(engine) raises the same kind of error on both engines, with torch's message first
    (ours may add a hint after it)."""
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(tinygrad_edu)
    assert str(ours.value).startswith(str(theirs.value).strip()), (str(ours.value),
                                                                    str(theirs.value))


def make(engine, dtype_name, values=None, **options):
    return engine.tensor(VALUES[dtype_name] if values is None else values,
                         dtype=getattr(engine, dtype_name), **options)


# -- dtypes: integer and bool inputs give float32 results; float64 stays float64 ---------------
@pytest.mark.parametrize("dtype_name", list(VALUES))
@pytest.mark.parametrize("name", FLOAT_RESULT)
def test_float_functions_give_torchs_dtype_and_values(name, dtype_name):
    with np.errstate(all="ignore"):  # log of 0 or of negatives, acosh below 1: inf and nan
        check_same(lambda engine: getattr(make(engine, dtype_name), name)())


@pytest.mark.parametrize("dtype_name", ["int64", "int32", "uint8", "float64", "float32"])
@pytest.mark.parametrize("name", ROUNDING + ["sign"])
def test_rounding_keeps_the_dtype_and_integers_stay_integers(name, dtype_name):
    ours, _ = check_same(lambda engine: getattr(make(engine, dtype_name), name)())
    assert not ours.requires_grad


def test_sign_of_a_bool_tensor_is_itself():
    check_same(lambda engine: make(engine, "bool").sign())


@pytest.mark.parametrize("name", ROUNDING)
def test_rounding_a_bool_tensor_is_refused_like_torch(name):
    check_raises_like_torch(lambda engine: getattr(make(engine, "bool"), name)())


@pytest.mark.parametrize("dtype_name", ["int64", "bool"])
@pytest.mark.parametrize("decimals", [0, 2])
def test_round_with_decimals_of_integers_is_refused_like_torch(dtype_name, decimals):
    check_raises_like_torch(lambda engine: make(engine, dtype_name).round(decimals=decimals))


@pytest.mark.parametrize("decimals", [-2, -1, 0, 1, 2, 3])
@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_round_with_decimals_matches_torch_including_halves(dtype_name, decimals):
    values = np.concatenate([[0.5, 1.5, 2.5, -0.5, -2.5, 0.125, 0.375, 1234.5, 1250.0],
                             np.random.default_rng(0).standard_normal(200) * 100]).tolist()
    check_same(lambda engine: make(engine, dtype_name, values).round(decimals=decimals))


def test_sign_floor_ceil_trunc_round_at_special_values():
    values = [NAN, INF, -INF, -0.4, 0.0, -0.0, 0.5, -1.5, 2.5]
    for name in ROUNDING + ["sign"]:
        check_same(lambda engine: getattr(engine.tensor(values), name)())


@pytest.mark.parametrize("name", ["sign", "floor", "round"])
def test_steps_pass_zero_gradients_with_torchs_grad_fn(name):
    check_parity(lambda torch, a: getattr(a, name)(), [(2, 3)])
    check_parity(lambda torch, a: a.round(decimals=2), [(2, 3)])


# -- predicates ------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype_name", list(VALUES))
@pytest.mark.parametrize("name", PREDICATES)
def test_predicates_of_every_dtype(name, dtype_name):
    check_same(lambda engine: getattr(engine, name)(make(engine, dtype_name)))


@pytest.mark.parametrize("name", PREDICATES)
def test_predicates_find_nan_and_inf_outside_the_graph(name):
    ours, _ = check_same(lambda engine: getattr(
        engine.tensor([1.0, NAN, INF, -INF, 0.0], requires_grad=True), name)())
    assert not ours.requires_grad and ours.grad_fn is None


# -- prod --------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype_name", ["int64", "int32", "uint8", "bool", "float64"])
def test_prod_of_integers_and_bools_is_int64(dtype_name):
    check_same(lambda engine: make(engine, dtype_name).prod())
    check_same(lambda engine: make(engine, dtype_name).reshape(2, 2).prod(1, keepdim=True))


def test_prod_with_dtype():
    check_same(lambda engine: make(engine, "int32").prod(dtype=engine.float64))
    check_same(lambda engine: make(engine, "int32").prod(dtype=engine.int32))
    check_parity(lambda torch, a: a.prod(0, dtype=torch.float64), [(3, 4)])


@pytest.mark.parametrize("row", [[2.0, 0.0, 3.0], [0.0, 0.0, 3.0], [0.0, 3.0, 0.0, 4.0, 0.0],
                                 [0.0], [0.0, 0.0], [-1.5, 2.0, 0.5]], ids=str)
def test_prod_gradient_with_zeros_in_the_input(row):
    def fn(engine):
        x = engine.tensor(row, requires_grad=True)
        x.prod().backward()
        return x.grad
    check_same(fn)


def test_prod_gradient_along_a_dim_with_zeros():
    rows = [[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [2.0, 3.0, 4.0]]
    for dim in (0, 1):
        def fn(engine):
            x = engine.tensor(rows, requires_grad=True)
            x.prod(dim).backward(engine.tensor([1.0, -2.0, 0.5]))
            return x.grad
        check_same(fn)


def test_prod_refuses_dim_none_and_tuples_like_torch():
    for call in (lambda x: x.prod(dim=None), lambda x: x.prod((0, 1))):
        for engine in ENGINES:
            with pytest.raises(TypeError, match="prod"):
                call(engine.ones(2, 3))


def test_prod_of_an_empty_tensor_is_one():
    check_same(lambda engine: engine.tensor([]).prod())
    check_same(lambda engine: engine.ones(2, 0).prod(1))


# -- logsumexp -------------------------------------------------------------------------------
def test_logsumexp_of_large_values_does_not_overflow():
    rows = [[1e4, 1e4 + 1, 1e4 - 3], [-1e4, -1e4, -1e4 + 2], [1e4, -1e4, 0.0]]
    check_parity(lambda torch, a: a.logsumexp(1), [np.array(rows, np.float32)])
    check_parity(lambda torch, a: a.logsumexp(0), [np.array(rows, np.float64)])


def test_logsumexp_with_infinite_rows():
    rows = [[-INF, -INF, -INF], [INF, 1.0, 2.0], [-INF, 1.0, 2.0], [INF, INF, 0.0]]

    def fn(engine):
        x = engine.tensor(rows, requires_grad=True)
        out = x.logsumexp(1)
        out.backward(engine.ones(4))
        return out.detach(), x.grad
    with np.errstate(invalid="ignore"):
        check_same(fn)


@pytest.mark.parametrize("dtype_name", ["int64", "bool", "uint8"])
def test_logsumexp_of_integers_is_float32(dtype_name):
    check_same(lambda engine: make(engine, dtype_name).logsumexp(0))


def test_logsumexp_needs_a_dim_and_takes_tuples():
    for engine in ENGINES:
        with pytest.raises(TypeError):
            engine.ones(2, 3).logsumexp()
    check_same(lambda engine: engine.tensor([[1.0, 2.0], [3.0, 4.0]]).logsumexp(dim=(0, 1)))
    check_same(lambda engine: engine.tensor([[]]).logsumexp(1))
    check_same(lambda engine: engine.tensor(1.5).logsumexp(0))
    check_raises_like_torch(lambda engine: engine.ones(2, 3).logsumexp(2))
    check_raises_like_torch(lambda engine: engine.ones(2, 3).logsumexp((0, 0)))


# -- cumsum ----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype_name", ["int64", "int32", "uint8", "bool", "float64"])
def test_cumsum_of_integers_and_bools_is_int64(dtype_name):
    check_same(lambda engine: make(engine, dtype_name).cumsum(0))


def test_cumsum_with_dtype_and_of_a_0d_tensor():
    check_same(lambda engine: make(engine, "int32").cumsum(0, dtype=engine.int32))
    check_parity(lambda torch, a: a.cumsum(dim=1, dtype=torch.float64), [(2, 3)])
    check_parity(lambda torch, a: [a.cumsum(0), torch.cumsum(a, -1)], [()])
    check_raises_like_torch(lambda engine: engine.ones(2).cumsum(2))


# -- dot ---------------------------------------------------------------------------------------
def test_dot_of_integers_keeps_their_dtype():
    check_same(lambda engine: engine.dot(engine.tensor([1, 2, 3]), engine.tensor([4, 5, 6])))
    check_same(lambda engine: make(engine, "int32").dot(make(engine, "int32")))


@pytest.mark.parametrize("a, b", [
    ((3,), (2, 3)), ((2, 3), (3,)), ((), ()), ((), (1,)),   # not two vectors
    ((3,), (2,)),                                            # different lengths
], ids=str)
def test_dot_refuses_what_torch_refuses(a, b):
    check_raises_like_torch(lambda engine: engine.ones(a).dot(engine.ones(b)))


def test_dot_refuses_mixed_dtypes_and_bools_like_torch():
    check_raises_like_torch(lambda engine: engine.ones(3).dot(engine.ones(3, dtype=engine.float64)))
    check_raises_like_torch(lambda engine: engine.dot(engine.tensor([1, 2]),
                                                      engine.tensor([1.0, 2.0])))
    check_raises_like_torch(lambda engine: make(engine, "bool").dot(make(engine, "bool")))
    check_raises_like_torch(lambda engine: engine.ones(2, dtype=engine.bool).dot(
        engine.ones(3, dtype=engine.bool)))
    check_raises_like_torch(lambda engine: engine.ones(3).dot(3))


def test_dot_of_empty_vectors_is_zero_with_its_grad_fn():
    check_parity(lambda torch, a, b: torch.dot(a, b), [(0,), (0,)])


# -- norm ----------------------------------------------------------------------------------------
NORM_ORDERS = [None, "fro", 2, 2.0, 1, 3, 0.5, -1, INF, -INF, 0]


@pytest.mark.parametrize("p", NORM_ORDERS, ids=str)
@pytest.mark.parametrize("dim, keepdim", [(None, False), (1, False), (0, True), ((0, 1), False),
                                          ([-1], True)], ids=str)
def test_norm_forms_match_torch(p, dim, keepdim):
    check_parity(lambda torch, a: a.norm(p, dim, keepdim), [(3, 4)], low=0.2, high=2)
    check_parity(lambda torch, a: torch.norm(a, p=p, dim=dim, keepdim=keepdim),
                 [np.array([[1.5, -2.0, 0.5, 3.0], [-0.25, 1.0, 2.5, -1.75], [0.75, -3.5, 1.25,
                                                                                2.0]])])


@pytest.mark.parametrize("p", NORM_ORDERS, ids=str)
def test_norm_gradient_at_the_zero_vector_is_zero(p):
    def fn(engine):
        x = engine.zeros(4, requires_grad=True)
        x.norm(p).backward()
        return x.grad
    ours, theirs = both(fn)
    if theirs is None:  # p = 0 counts: torch passes no gradient at all
        assert ours is None
    else:
        assert_same(ours, theirs)


@pytest.mark.parametrize("p", NORM_ORDERS, ids=str)
def test_norm_gradient_with_some_zero_elements(p):
    def fn(engine):
        x = engine.tensor([[0.0, 2.0, -2.0, 1.0], [0.0, 0.0, 0.0, 0.0]], requires_grad=True)
        x.norm(p, dim=1).backward(engine.tensor([1.0, 1.0]))
        return x.grad
    ours, theirs = both(fn)
    if theirs is None:
        assert ours is None
    else:
        assert_same(ours, theirs)


def test_norm_of_a_vector_is_its_euclidean_length():
    ours, _ = check_same(lambda engine: engine.tensor([3.0, 4.0]).norm())
    assert ours.item() == 5.0
    check_same(lambda engine: engine.tensor([1e-30, 1e-30]).norm())  # torch does not rescale


def test_norm_dtype_argument():
    check_same(lambda engine: engine.ones(2, 3).norm(dim=1, dtype=engine.float64))
    check_raises_like_torch(lambda engine: engine.ones(2, 3).norm(dtype=engine.int64))


@pytest.mark.parametrize("call", [
    lambda engine: engine.tensor([1, 2]).norm(),                       # an integer tensor
    lambda engine: engine.tensor([1, 2]).norm(p=1),
    lambda engine: engine.ones(3).norm(p="nuc"),                       # a matrix norm of a vector
    lambda engine: engine.ones(3, 3).norm(p="abc"),
    lambda engine: engine.ones(3, 4, 5).norm(p="fro", dim=(0, 1, 2)),
    lambda engine: engine.ones(3, 3).norm(p=2, dim=(0, 0)),
    lambda engine: engine.ones(3, 3).norm(dim=2),
    lambda engine: engine.tensor([]).norm(INF),                        # max of nothing
    lambda engine: engine.ones(2, 0).norm(INF, dim=1),
])
def test_norm_refuses_what_torch_refuses(call):
    check_raises_like_torch(call)


def test_norm_of_an_empty_dim_where_torch_gives_one():
    check_same(lambda engine: engine.ones(2, 0).norm(INF, dim=0))
    check_same(lambda engine: engine.ones(2, 0).norm(dim=1))


# -- type_as -----------------------------------------------------------------------------------
def test_type_as():
    check_same(lambda engine: engine.tensor([3.7, -4.2], dtype=engine.float64).type_as(
        engine.tensor([1])))
    check_parity(lambda torch, a, b: a.type_as(b), [(2,), np.array([1.0, 2.0])])
    check_raises_like_torch(lambda engine: engine.ones(2).type_as(3))


# -- f"{x}" ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make_tensor, spec", [
    (lambda e: e.tensor(4), ""), (lambda e: e.tensor(4), "5d"), (lambda e: e.tensor(4.5), ".2f"),
    (lambda e: e.tensor(4.5), ""), (lambda e: e.tensor(True), ""),
    (lambda e: e.tensor(0.123456, requires_grad=True), ".3f"),
    (lambda e: e.tensor(2.0, requires_grad=True) * 3, ".1e"),
    (lambda e: e.tensor([1.0, 2.0]), ""), (lambda e: e.tensor([[1, 2]]), ""),
    (lambda e: e.tensor(7, dtype=e.int32), "x"),
], ids=lambda x: x if isinstance(x, str) else "")
def test_format_like_torch(make_tensor, spec):
    ours, theirs = both(lambda engine: format(make_tensor(engine), spec))
    assert ours == theirs
    ours, theirs = both(lambda engine: f"loss {make_tensor(engine)}")
    assert ours == theirs


@pytest.mark.parametrize("spec", [".2f", "10", "d"])
def test_format_of_a_tensor_with_a_spec_raises_like_torch(spec):
    check_raises_like_torch(lambda engine: format(engine.tensor([1.0, 2.0]), spec))


# -- torch.xxx function forms and keyword names ------------------------------------------------
FUNCTION_FORMS = FLOAT_RESULT + ROUNDING + PREDICATES + [
    "sign", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh", "fix",
    "gt", "lt", "ge", "le", "eq", "ne", "clone", "numel", "prod", "logsumexp", "cumsum",
    "dot", "norm"]


@pytest.mark.parametrize("name", FUNCTION_FORMS)
def test_torch_function_form_exists_and_is_the_method(name):
    assert hasattr(torch, name)
    assert getattr(tinygrad_edu, name) is getattr(tinygrad_edu.Tensor, name)


@pytest.mark.parametrize("name", ["gt", "lt", "ge", "le", "eq", "ne"])
def test_comparison_functions_take_tensors_and_numbers(name):
    def fn(engine):
        a, b = engine.tensor([1.0, 2.0, 3.0]), engine.tensor([3.0, 2.0, 1.0])
        return getattr(engine, name)(a, b), getattr(engine, name)(a, 2)
    check_same(fn)


def test_clone_and_numel_functions():
    check_parity(lambda torch, a: torch.clone(a), [(2, 3)])
    ours, theirs = both(lambda engine: engine.numel(engine.ones(2, 3)))
    assert ours == theirs == 6


def test_keyword_names_match_torch():
    check_parity(lambda torch, a: [
        torch.prod(a, dim=1, keepdim=True), a.prod(axis=0),
        torch.logsumexp(a, dim=1, keepdim=True), a.logsumexp(axis=0, keepdims=True),
        torch.cumsum(a, dim=1), a.cumsum(axis=0),
        torch.norm(a, p=2, dim=1, keepdim=True), a.norm(p=1, dim=0),
        torch.round(a, decimals=1), a[0].dot(tensor=a[1]),
    ], [(2, 3)])


def test_round_trip_of_the_functions_with_float64_inputs():
    check_parity(lambda torch, a: [torch.sin(a), torch.log1p(a), torch.expm1(a),
                                   torch.atan(a), a.cumsum(0), a.prod(), a.norm(),
                                   a.logsumexp(0)], [(5,)], dtype=np.float64, low=0.1, high=0.9)
    assert math.isclose(tinygrad_edu.tensor(1e-10).log1p().item(), 1e-10, rel_tol=1e-6)


def test_outside_the_domain_no_numpy_warning():
    """torch gives -inf / nan silently for log10(0), asin(2), ...; so do we (forward and
    backward)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = tinygrad_edu.tensor([0.0, -1.0, 2.0], requires_grad=True)
        total = x.log10() + x.log2() + x.log1p() + x.asin() + x.acos() + x.atanh() + x.acosh()
        total.sum().backward()
