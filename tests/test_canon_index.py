"""Gathering, scattering, sorting and splitting against real torch, beyond what the case table
(cases_index.py) checks: return types and their field names, dtypes, negative dims, ties,
errors (bad index dtype, positions out of range, wrong sizes), the in-place forms, split with
a list of sizes, roll over several dims, meshgrid in both indexings, histc/histogram numbers."""
import warnings

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import tensor_counting, tensor_index
from tinygrad_edu.out_argument import WITH_OUT

torch = pytest.importorskip("torch")
from parity import assert_same, check_parity  # noqa: E402

X = np.array([[0.5, -1.25, 2.0, 3.5], [1.5, 0.25, -0.75, 2.25], [-2.0, 1.0, 0.0, 4.0]],
             dtype=np.float32)
TIES = np.array([[1.0, 3.0, 3.0, 2.0, 3.0, 1.0], [2.0, 2.0, 0.0, 2.0, 5.0, 0.0]],
                dtype=np.float32)
ROWS = [[2, 0, 1, 1], [0, 1, 2, 0]]


def both(fn):
    """fn(engine) on tinygrad_edu and on torch."""
    return fn(tinygrad_edu), fn(torch)


def check_same(fn):
    """fn(engine) gives the same tensors (dtype, shape, numbers) on both engines."""
    ours, theirs = both(fn)
    if not isinstance(theirs, tuple):
        ours, theirs = (ours,), (theirs,)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert_same(o, t)


def error_of(fn, engine):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(engine)
        except Exception as error:  # noqa: BLE001  (the type is what is compared)
            return error
    raise AssertionError(f"{engine.__name__} raised nothing")


def check_error(fn, exact=True):
    """Both engines raise the same type of error; with ``exact``, ours starts with torch's
    message (a hint in the learner's terms may follow)."""
    ours, theirs = error_of(fn, tinygrad_edu), error_of(fn, torch)
    assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours} / torch: {theirs}"
    if exact:
        assert str(ours).startswith(str(theirs).split(" (Triggered internally")[0]), \
            f"{ours!r} != torch's {theirs!r}"


# -- torch.xxx are the methods -------------------------------------------------------------------
@pytest.mark.parametrize("name", tensor_index.TORCH_FUNCTIONS + tensor_counting.TORCH_FUNCTIONS)
def test_torch_function_is_the_method(name):
    function = getattr(tinygrad_edu, name)
    if name in WITH_OUT:   # torch.bmm(..., out=) wraps the method (out_argument.py)
        function = function.__wrapped__
    assert function is getattr(tinygrad_edu.Tensor, name)
    assert callable(getattr(torch, name))


def test_torch_meshgrid_is_bound():
    assert tinygrad_edu.meshgrid is tensor_counting.meshgrid


# -- return types ---------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [lambda e, x: x.sort(), lambda e, x: e.sort(x, 0, True),
                                  lambda e, x: x.topk(2), lambda e, x: e.topk(x, 1, dim=0)])
def test_sort_and_topk_return_values_and_indices(call):
    ours, theirs = both(lambda e: call(e, e.tensor(X)))
    assert isinstance(ours, tuple) and len(ours) == 2
    assert type(theirs).__name__ in repr(ours).split("(")[0]   # torch.return_types.sort(...
    assert repr(ours).startswith(f"torch.return_types.{type(theirs).__name__}(\nvalues=")
    values, indices = ours
    assert values is ours.values and indices is ours.indices
    assert_same(ours.values, theirs.values)
    assert_same(ours.indices, theirs.indices)
    assert str(ours.indices.dtype) == "torch.int64"


def test_histogram_returns_hist_and_bin_edges():
    ours, theirs = both(lambda e: e.histogram(e.tensor(X), 4))
    hist, edges = ours
    assert hist is ours.hist and edges is ours.bin_edges
    assert repr(ours).startswith("torch.return_types.histogram(\nhist=")
    assert_same(ours.hist, theirs.hist)
    assert_same(ours.bin_edges, theirs.bin_edges)


@pytest.mark.parametrize("call", [lambda x: x.split(2, 1), lambda x: x.chunk(2),
                                  lambda x: x.unbind(-1)])
def test_pieces_come_as_a_tuple(call):
    ours, theirs = both(lambda e: call(e.tensor(X)))
    assert type(ours) is tuple and len(ours) == len(theirs)


# -- dtypes and negative dims -----------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float64", "int64", "int32", "uint8", "bool"])
def test_sort_keeps_the_dtype(dtype):
    def sort(e):
        x = e.tensor(np.abs(X) * 2, dtype=getattr(e, dtype))
        values, indices = x.sort(dim=-2, descending=True, stable=True)
        return values, indices, x.argsort(dim=0, stable=True)
    check_same(sort)


@pytest.mark.parametrize("dtype", ["float64", "int64", "int32"])
def test_gather_scatter_index_select_keep_the_dtype(dtype):
    def ops(e):
        x, i = e.tensor(X * 3, dtype=getattr(e, dtype)), e.tensor(ROWS)
        return (x.gather(-2, i), x.scatter(-2, i, x[:2]), x.scatter(0, i, 7),
                x.scatter_add(-2, i, x[:2]), x.index_select(-1, e.tensor([3, 0])),
                x.index_add(-1, e.tensor([1, 1]), x[:, :2]), x.tril(-1), x.roll(1, -1))
    check_same(ops)


def test_an_int32_index_works_as_in_torch():
    check_same(lambda e: (e.tensor(X).gather(0, e.tensor(ROWS, dtype=e.int32)),
                          e.tensor(X).index_select(1, e.tensor([2, 0], dtype=e.int32))))


def test_scatter_reads_only_the_leading_block_of_a_larger_src():
    check_same(lambda e: e.tensor(X).scatter(0, e.tensor(ROWS), e.tensor(np.arange(
        15.0, dtype=np.float32).reshape(3, 5))))


def test_scatter_value_is_cast_to_the_tensors_dtype():
    check_same(lambda e: e.zeros(3, 4, dtype=e.int64).scatter(0, e.tensor(ROWS), 2.7))


def test_gather_and_index_select_of_one_number():
    check_same(lambda e: (e.tensor(5.0).gather(0, e.tensor(0)),
                          e.tensor([1.0, 2.0]).gather(0, e.tensor(1)),
                          e.tensor(5.0).index_select(0, e.tensor([0]))))


# -- sorting: ties, nan, topk --------------------------------------------------------------------
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("dim", [-1, 0])
def test_stable_sort_keeps_ties_in_torchs_order(descending, dim):
    check_same(lambda e: tuple(e.tensor(TIES).sort(dim=dim, descending=descending,
                                                   stable=True)))
    check_same(lambda e: e.argsort(e.tensor(TIES), dim=dim, descending=descending, stable=True))
    check_same(lambda e: e.tensor(TIES).argsort(dim, descending))


def test_nan_sorts_as_the_largest():
    values = [3.0, float("nan"), 1.0, 2.0]
    check_same(lambda e: tuple(e.tensor(values).sort()))
    check_same(lambda e: tuple(e.tensor(values).sort(descending=True)))


def test_stable_sort_grad_fn_is_sortbackward1():
    ours, theirs = both(lambda e: e.tensor(X, requires_grad=True).sort(stable=True).values)
    assert ours.grad_fn.name() == type(theirs.grad_fn).__name__ == "SortBackward1"


@pytest.mark.parametrize("largest", [True, False])
def test_topk_unsorted_picks_the_same_numbers(largest):
    ours, theirs = both(lambda e: e.tensor(X).topk(3, dim=1, largest=largest, sorted=False))
    np.testing.assert_array_equal(np.sort(ours.values.numpy(), 1),
                                  np.sort(theirs.values.numpy(), 1))
    np.testing.assert_array_equal(np.sort(ours.indices.numpy(), 1),
                                  np.sort(theirs.indices.numpy(), 1))


def test_topk_of_all_and_of_none():
    check_same(lambda e: tuple(e.tensor(X).topk(4)))
    check_same(lambda e: tuple(e.tensor(X).topk(0)))


# -- errors ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda e, x: x.gather(0, e.tensor(ROWS).float()),
    lambda e, x: x.scatter(0, e.tensor(ROWS).float(), x),
    lambda e, x: x.scatter(0, e.tensor(ROWS).double(), 1.0),
    lambda e, x: x.scatter_add(0, e.tensor(ROWS).float(), x),
    lambda e, x: x.index_select(0, e.tensor([0.0])),
    lambda e, x: x.index_add(0, e.tensor([0.0]), x[:1]),
], ids=["gather", "scatter", "scatter_value", "scatter_add", "index_select", "index_add"])
def test_a_float_index_is_refused_with_torchs_message(call):
    check_error(lambda e: call(e, e.tensor(X)))


@pytest.mark.parametrize("call", [
    lambda e, x: x.gather(0, e.tensor([[0, 3, 1, 0]])),
    lambda e, x: x.gather(1, e.tensor([[-1, 0]])),
    lambda e, x: x.scatter(0, e.tensor([[0, 5, 1, 0]]), x),
    lambda e, x: x.scatter(1, e.tensor([[0, 4]]), 1.0),
    lambda e, x: x.scatter_add(0, e.tensor([[9, 0, 1, 0]]), x),
    lambda e, x: x.index_add(0, e.tensor([0, 3]), x[:2]),
    lambda e, x: x.index_select(0, e.tensor([0, 3])),
    lambda e, x: x.index_select(1, e.tensor([-1])),
    lambda e, x: x.index_select(1, e.tensor([2, 9, -1])),
    lambda e, x: e.ones(2, 3, 4).index_select(2, e.tensor([4])),
])
def test_a_position_out_of_range_is_refused(call):
    check_error(lambda e: call(e, e.tensor(X)))


@pytest.mark.parametrize("call", [
    lambda e, x: x.gather(0, e.tensor([0, 1])),                      # fewer dims
    lambda e, x: x.gather(1, e.zeros(4, 2, dtype=e.int64)),          # larger apart from dim
    lambda e, x: x.scatter(0, e.tensor([0, 1]), x),
    lambda e, x: x.scatter(0, e.zeros(2, 4, dtype=e.int64), x[0]),   # src has fewer dims
    lambda e, x: x.scatter(0, e.zeros(2, 4, dtype=e.int64), e.ones(2, 4, 1)),
    lambda e, x: x.scatter(0, e.zeros(2, 4, dtype=e.int64), x[:1]),  # src too small
    lambda e, x: x.scatter(0, e.zeros(2, 4, dtype=e.int64), x.double()),
    lambda e, x: x.scatter_add(0, e.zeros(2, 4, dtype=e.int64), x.double()),
    lambda e, x: x.index_select(0, e.tensor([[0, 1]])),
    lambda e, x: e.tensor(1.0).index_select(0, e.tensor([0, 0])),
    lambda e, x: x.index_add(0, e.tensor([0, 1]), x[:1]),
    lambda e, x: x.index_add(0, e.tensor([0, 1]), x[:2].double()),
    lambda e, x: x.gather(2, e.tensor(ROWS)),
    lambda e, x: x.gather(0, [[0]]),
])
def test_wrong_shapes_and_dtypes_are_refused(call):
    check_error(lambda e: call(e, e.tensor(X)))


@pytest.mark.parametrize("call", [
    lambda e, x: x.topk(5), lambda e, x: x.topk(-1), lambda e, x: x.bool().topk(1),
    lambda e, x: x.sort(dim=2), lambda e, x: x[0].tril(), lambda e, x: x[0].triu(1),
    lambda e, x: x.roll((1, 2), (0,)), lambda e, x: x.roll((1, 2)), lambda e, x: x.roll((), ()),
    lambda e, x: x.roll(1, 2), lambda e, x: x.split(0), lambda e, x: x.split(-1),
    lambda e, x: x.split([1, 1]), lambda e, x: x.split([1, -1, 3]), lambda e, x: x.split(2, 3),
    lambda e, x: e.tensor(1.0).split(1), lambda e, x: x.chunk(0), lambda e, x: x.chunk(2.5),
    lambda e, x: e.tensor(1.0).chunk(1), lambda e, x: x.unbind(2),
    lambda e, x: e.tensor(1.0).unbind(),
], ids=lambda f: "")
def test_sort_split_roll_errors_are_torchs(call):
    check_error(lambda e: call(e, e.tensor(X)))


@pytest.mark.parametrize("shapes", [((3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)),
                                    ((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (3, 4, 5))])
def test_bmm_size_errors_are_torchs_and_name_both_shapes(shapes):
    a, b = shapes
    check_error(lambda e: e.bmm(e.ones(a), e.ones(b)))
    message = str(error_of(lambda e: e.bmm(e.ones(a), e.ones(b)), tinygrad_edu))
    assert str(list(a)) in message and str(list(b)) in message


def test_bmm_dtype_errors_are_torchs():
    check_error(lambda e: e.ones(2, 3, 4).bmm(e.ones(2, 4, 5, dtype=e.float64)))
    check_error(lambda e: e.bmm(e.ones(2, 3, 4), 3))
    check_same(lambda e: e.ones(2, 3, 4, dtype=e.int64).bmm(e.ones(2, 4, 5, dtype=e.int64)))


# -- in-place forms ------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda e, x: x.scatter_(0, e.tensor(ROWS), x[:2].clone()),
    lambda e, x: x.scatter_(1, e.tensor(ROWS)[:, :2], value=-1.0),
    lambda e, x: x.scatter_add_(0, e.tensor(ROWS), e.ones(2, 4)),
    lambda e, x: x.index_add_(0, e.tensor([2, 2]), e.ones(2, 4), alpha=3),
    lambda e, x: x.masked_fill_(x > 1, 0.0),
], ids=["scatter_", "scatter_value", "scatter_add_", "index_add_", "masked_fill_"])
def test_inplace_forms_change_the_tensor_itself(call):
    def run(e):
        x = e.tensor(X)
        view = x[1]   # shares x's numbers: sees the change
        out = call(e, x)
        assert out is x
        return x, view
    check_same(run)


def test_inplace_forms_on_int_tensors():
    check_same(lambda e: e.zeros(3, 4, dtype=e.int64).scatter_add_(
        0, e.tensor(ROWS), e.ones(2, 4, dtype=e.int64)).scatter_(1, e.tensor([[0], [1], [2]]), 9))


def test_inplace_scatter_inside_a_graph():
    """In-place changes of tensors in a graph are the lead's (tensor_inplace.py): this checks
    that the scatter family hands its out-of-place form and its operands to that machinery."""
    def fn(e, a, s):
        y = a * 2
        y.scatter_(0, e.tensor(ROWS), s)
        y.masked_fill_(y > 2, 0.0)
        y.index_add_(1, e.tensor([0, 3]), s[:, :2].repeat(2, 1)[:3])
        return y.scatter_add_(1, e.tensor([[0], [1], [3]]), e.ones(3, 1)) * y
    check_parity(fn, [(3, 4), (2, 4)])


# -- split, chunk, unbind, roll ------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda e, x: x.split([1, 2], dim=0), lambda e, x: e.split(x, [3, 0, 1], -1),
    lambda e, x: x.split((1, 1, 1)), lambda e, x: x.split(3, dim=1),
    lambda e, x: e.split(x, 5, 1), lambda e, x: x.chunk(3, -1), lambda e, x: e.chunk(x, 5, 0),
    lambda e, x: e.zeros(0, 2).split(2), lambda e, x: e.zeros(0, 2).chunk(3),
    lambda e, x: x.unbind(-1), lambda e, x: e.unbind(x, 0),
])
def test_split_chunk_unbind_give_torchs_pieces(call):
    check_same(lambda e: tuple(call(e, e.tensor(X))))


def test_split_pieces_carry_torchs_grad_fn_names():
    def names(e):
        x = e.tensor(X, requires_grad=True)
        pieces = x.split([1, 2]) + x.split(2) + x.chunk(2, 1) + x.unbind(1)
        return [p.grad_fn.name() if e is tinygrad_edu else type(p.grad_fn).__name__
                for p in pieces]
    ours, theirs = both(names)
    assert ours == theirs


@pytest.mark.parametrize("shifts, dims", [(1, 0), (-1, -1), ((1, 2), (0, 1)),
                                          ((2, -1, 1), (1, 0, 1)), (5, None), ((3,), None),
                                          ([1, -3], [-1, -2]), (0, None)])
def test_roll_along_one_or_several_dims(shifts, dims):
    check_same(lambda e: e.roll(e.tensor(X), shifts, dims))
    check_parity(lambda e, a: a.roll(shifts, dims), [(2, 3, 4)])


def test_tril_of_ones_is_the_attention_mask():
    check_same(lambda e: (e.tril(e.ones(4, 4)), e.triu(e.ones(3, 5), 1),
                          e.tril(e.ones(4, 4, dtype=e.bool)), e.tril(e.ones(2, 3, 3), -1)))


# -- meshgrid --------------------------------------------------------------------------------------
def _meshgrid(engine):
    return tensor_counting.meshgrid if engine is tinygrad_edu else torch.meshgrid


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_both_indexings(indexing):
    def grids(e):
        a, b, c = e.tensor([1.0, 2.0, 3.0]), e.tensor([4.0, 5.0]), e.tensor([6.0, 7.0, 8.0, 9.0])
        return (*_meshgrid(e)(a, b, indexing=indexing), *_meshgrid(e)([a, b, c],
                                                                      indexing=indexing),
                *_meshgrid(e)(a, e.tensor(0.5), indexing=indexing))
    check_same(grids)


@pytest.mark.parametrize("indexing", ["ij", "xy"])
def test_meshgrid_passes_gradients_back(indexing):
    check_parity(lambda e, a, b: list(_meshgrid(e)(a, b, indexing=indexing)), [(3,), (4,)])


def test_meshgrid_warns_without_indexing_and_defaults_to_ij():
    for engine in (tinygrad_edu, torch):
        with pytest.warns(UserWarning, match="it will be required to pass the indexing"):
            grids = _meshgrid(engine)(engine.tensor([1.0, 2.0]), engine.tensor([3.0, 4.0, 5.0]))
        assert tuple(grids[0].shape) == (2, 3)


@pytest.mark.parametrize("call", [
    lambda m, e: m(e.ones(2), indexing="yx"), lambda m, e: m(indexing="ij"),
    lambda m, e: m(e.ones(2), e.ones(2, dtype=e.int64), indexing="ij"),
    lambda m, e: m(e.ones(2), e.ones(1, 1), indexing="ij")])
def test_meshgrid_errors(call):
    check_error(lambda e: call(_meshgrid(e), e), exact=False)
    ours = str(error_of(lambda e: call(_meshgrid(e), e), tinygrad_edu))
    theirs = str(error_of(lambda e: call(_meshgrid(e), e), torch))
    assert ours.split(":")[0] == theirs.split(":")[0]


# -- histc and histogram ---------------------------------------------------------------------------
DATA = np.random.default_rng(0).standard_normal(1000).astype(np.float32)


@pytest.mark.parametrize("args", [{}, {"bins": 7}, {"bins": 4, "min": -1, "max": 1},
                                  {"bins": 3, "min": 0.5, "max": 0.5}])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histc_counts_as_torch(args, dtype):
    check_same(lambda e: e.histc(e.tensor(DATA, dtype=getattr(e, dtype)), **args))


def test_histc_edges_and_constant_data():
    check_same(lambda e: e.tensor([0.0, 1, 2, 3, 4, 5]).histc(bins=5))
    check_same(lambda e: e.tensor([1.0, 1.0, 1.0]).histc(bins=4))
    check_same(lambda e: e.tensor([0.0, 1, 2, 3]).histc(bins=2, min=-1, max=2.5))
    check_same(lambda e: e.tensor([]).histc(bins=3))


@pytest.mark.parametrize("args", [{"bins": 10}, {"bins": 4, "range": (-1.0, 2.0)},
                                  {"bins": 6, "density": True},
                                  {"bins": 5, "weight": "w"}, {"bins": 5, "weight": "w",
                                                               "density": True}])
def test_histogram_numbers_as_torch(args):
    def run(e):
        kw = dict(args)
        if kw.get("weight") == "w":
            kw["weight"] = e.tensor(np.abs(DATA))
        return tuple(e.histogram(e.tensor(DATA), **kw))
    check_same(run)


def test_histogram_with_given_edges_and_small_inputs():
    check_same(lambda e: tuple(e.histogram(e.tensor(DATA), e.tensor([-3.0, -1.0, 0.0, 0.5, 3.0]))))
    check_same(lambda e: tuple(e.tensor([1.0, 1.0]).histogram(2)))
    check_same(lambda e: tuple(e.histogram(e.tensor([]), 2)))
    check_same(lambda e: tuple(e.histogram(e.tensor([1.0, 2.0, float("inf")]), 3,
                                           range=(0, 3))))


@pytest.mark.parametrize("call", [
    lambda e: e.histc(e.tensor([1, 2])), lambda e: e.histc(e.tensor([1.0]), bins=0),
    lambda e: e.histc(e.tensor([1.0]), bins=4, min=2, max=1),
    lambda e: e.histc(e.tensor([0.0, float("inf")]), 2),
    lambda e: e.histc(e.tensor([1.0]), bins=2.5),
    lambda e: e.histogram(e.tensor([1, 2]), 4), lambda e: e.histogram(e.tensor([1.0]), 0),
    lambda e: e.histogram(e.tensor([1.0]), 2, range=(1.0, 0.0)),
    lambda e: e.histogram(e.tensor([0.0, float("nan")]), 2),
    lambda e: e.histogram(e.tensor([1.0]), e.tensor([[0.0, 1.0]])),
    lambda e: e.histogram(e.tensor([1.0]), e.tensor([0.0, 1.0], dtype=e.float64)),
    lambda e: e.histogram(e.tensor([1.0, 2.0]), 2, weight=e.tensor([1.0])),
    lambda e: e.histogram(e.tensor([1.0]), 2, weight=e.tensor([1.0], dtype=e.float64)),
])
def test_histogram_errors(call):
    check_error(call)
