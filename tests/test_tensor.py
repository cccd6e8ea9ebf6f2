"""The Tensor API against torch: constructors, creation functions, dtypes, shape queries,
conversions, printed forms, in-place updates. Each test runs the same code on both engines."""
import numpy as np
import pytest

import tinygrad_edu

torch = pytest.importorskip("torch")


def same(code, **env):
    """Evaluate ``code`` with ``torch`` bound to each engine; the results print the same."""
    results = []
    for engine in (tinygrad_edu, torch):
        results.append(repr(eval(code, {"torch": engine, "np": np, **env})))
    assert results[0] == results[1], f"{code}:\n ours:  {results[0]}\n torch: {results[1]}"


# -- construction ----------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "torch.tensor([[1., 2.]], requires_grad=True)",
    "torch.tensor(3.5)", "torch.tensor(3)", "torch.tensor(True)", "torch.tensor([1, 2.5])",
    "torch.tensor([[1, 2], [3, 4]])", "torch.tensor([True, False])", "torch.tensor([])",
    "torch.tensor([1, 2], dtype=torch.float32)", "torch.tensor([1.5, 2.5], dtype=torch.long)",
    "torch.tensor(np.arange(3))", "torch.tensor(np.ones(2))", "torch.tensor(np.float64(1.5))",
    "torch.tensor(np.ones(2, np.float32))", "torch.tensor([torch.tensor(1.), torch.tensor(2.)])",
    "torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    "torch.tensor([1., 2.], device='cpu')",
    "torch.Tensor([1.0])", "torch.Tensor([1, 2])", "torch.Tensor(2, 3).shape", "torch.Tensor()",
    "torch.Tensor(np.arange(3))", "torch.LongTensor([1, 2])", "torch.LongTensor(3).shape",
    "torch.FloatTensor([1, 2])", "torch.FloatTensor(2, 3).shape", "torch.DoubleTensor([1])",
    "torch.as_tensor([1, 2])", "torch.as_tensor(np.ones(2))",
])
def test_construction_matches_torch(code):
    same(code)


def test_tensor_copies_but_from_numpy_shares_memory():
    arr = np.array([1.0, 2.0], dtype=np.float32)
    copied, shared = tinygrad_edu.tensor(arr), tinygrad_edu.from_numpy(arr)
    legacy = tinygrad_edu.Tensor(arr)
    arr[0] = 9.0
    assert copied[0].item() == 1.0 and legacy[0].item() == 1.0
    assert shared[0].item() == 9.0
    shared[1] = 7.0
    assert arr[1] == 7.0
    assert shared.dtype == tinygrad_edu.float32
    assert tinygrad_edu.from_numpy(np.arange(3)).dtype == tinygrad_edu.int64


def test_from_numpy_refuses_what_torch_refuses():
    with pytest.raises(TypeError):
        tinygrad_edu.from_numpy([1, 2])
    with pytest.raises(TypeError):
        tinygrad_edu.from_numpy(np.array(["a"]))


def test_typed_tensor_classes_work_with_isinstance():
    x = tinygrad_edu.tensor([1.0])
    assert isinstance(x, tinygrad_edu.Tensor) and isinstance(x, tinygrad_edu.FloatTensor)
    assert not isinstance(x, tinygrad_edu.LongTensor)
    assert isinstance(tinygrad_edu.tensor([1]), tinygrad_edu.LongTensor)


# -- creation functions ----------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "torch.zeros(2, 3)", "torch.zeros((2, 3))", "torch.zeros([2, 3], dtype=torch.long)",
    "torch.zeros(size=(2, 3))", "torch.ones(2, dtype=torch.float64)", "torch.ones(0, 3)",
    "torch.ones(torch.Size([2, 1]))", "torch.empty(2, 3).shape", "torch.empty(2).dtype",
    "torch.full((2, 2), 1.5)", "torch.full((2,), 7)", "torch.full((2,), True)",
    "torch.full((2,), 7, dtype=torch.float32)", "torch.eye(3)", "torch.eye(2, 3)",
    "torch.eye(2, dtype=torch.long)", "torch.arange(5)", "torch.arange(1, 4)",
    "torch.arange(0, 1, 0.25)", "torch.arange(5.)", "torch.arange(0, 5, 2, dtype=torch.float32)",
    "torch.arange(10, 0, -3)", "torch.arange(torch.tensor(3))",
    "torch.linspace(0, 1, 5)", "torch.linspace(-1, 1, 7)", "torch.linspace(-3.3, 2.7, 13)",
    "torch.linspace(1, 0, 6)", "torch.linspace(0, 1, 1)", "torch.linspace(-5, 5, 100)",
    "torch.linspace(0, 1, 5, dtype=torch.float64)",
    "torch.zeros_like(torch.ones(2, dtype=torch.long))", "torch.ones_like(torch.ones(2, 3))",
    "torch.full_like(torch.ones(2), 3)", "torch.zeros_like(torch.ones(2), dtype=torch.float64)",
    "torch.empty_like(torch.ones(2, 3)).shape", "torch.ones(2).new_zeros(3)",
    "torch.ones(2, dtype=torch.long).new_ones((2, 2))", "torch.ones(2).new_full((2,), 4)",
    "torch.ones(2, dtype=torch.float64).new_tensor([1, 2])",
])
def test_creation_matches_torch(code):
    same(code)


@pytest.mark.parametrize("code,dtype,shape", [
    ("torch.rand(2, 3)", "torch.float32", (2, 3)),
    ("torch.rand((4,))", "torch.float32", (4,)),
    ("torch.rand(2, dtype=torch.float64)", "torch.float64", (2,)),
    ("torch.randn(3, 2)", "torch.float32", (3, 2)),
    ("torch.randn(size=(5,))", "torch.float32", (5,)),
    ("torch.rand_like(torch.ones(2, 2))", "torch.float32", (2, 2)),
    ("torch.randn_like(torch.ones(3, dtype=torch.float64))", "torch.float64", (3,)),
    ("torch.randint(0, 10, (3,))", "torch.int64", (3,)),
    ("torch.randint(10, (2, 2))", "torch.int64", (2, 2)),
    ("torch.randint(3, 5, (4,), dtype=torch.int32)", "torch.int32", (4,)),
    ("torch.randperm(5)", "torch.int64", (5,)),
])
def test_random_shapes_and_dtypes_match_torch(code, dtype, shape):
    for engine in (tinygrad_edu, torch):
        x = eval(code, {"torch": engine})
        assert str(x.dtype) == dtype and tuple(x.shape) == shape


def test_random_ranges():
    u = tinygrad_edu.rand(10_000).numpy()
    assert 0.0 <= u.min() and u.max() < 1.0 and abs(u.mean() - 0.5) < 0.02
    n = tinygrad_edu.randn(10_000).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1.0) < 0.05
    k = tinygrad_edu.randint(3, 7, (10_000,)).numpy()
    assert set(np.unique(k)) == {3, 4, 5, 6}
    assert sorted(tinygrad_edu.randperm(8).tolist()) == list(range(8))


def test_manual_seed_makes_random_numbers_repeatable():
    def draw():
        return [tinygrad_edu.rand(3).tolist(), tinygrad_edu.randn(2, 2).tolist(),
                tinygrad_edu.randint(0, 100, (4,)).tolist(), tinygrad_edu.randperm(6).tolist()]
    tinygrad_edu.manual_seed(42)
    first = draw()
    tinygrad_edu.manual_seed(42)
    assert draw() == first
    tinygrad_edu.manual_seed(43)
    assert draw() != first


def test_generator_is_an_independent_stream():
    g1 = tinygrad_edu.Generator().manual_seed(7)
    g2 = tinygrad_edu.Generator().manual_seed(7)
    tinygrad_edu.rand(5)  # the default stream moves; the generators do not care
    assert tinygrad_edu.rand(3, generator=g1).tolist() == tinygrad_edu.rand(3, generator=g2).tolist()


def test_rng_state_can_be_saved_and_restored():
    state = tinygrad_edu.get_rng_state()
    a = tinygrad_edu.randn(3).tolist()
    tinygrad_edu.set_rng_state(state)
    assert tinygrad_edu.randn(3).tolist() == a


def test_requires_grad_on_creation():
    x = tinygrad_edu.zeros(2, requires_grad=True)
    assert x.requires_grad and x.is_leaf
    with pytest.raises(RuntimeError, match="floating point"):
        tinygrad_edu.zeros(2, dtype=tinygrad_edu.long, requires_grad=True)


# -- dtypes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "torch.float", "torch.long", "torch.double", "torch.int", "torch.half", "torch.bool",
    "torch.uint8", "torch.float32 == torch.float", "torch.long is torch.int64",
    "torch.float64.is_floating_point", "torch.int64.is_floating_point",
    "torch.ones(2).dtype", "torch.ones(2).long().dtype", "torch.tensor([1]).dtype",
    "torch.ones(2).dtype == torch.float32", "torch.ones(2, dtype=float).dtype",
    "torch.ones(2, dtype=int).dtype", "str(torch.float32)",
])
def test_dtypes_match_torch(code):
    same(code)


@pytest.mark.parametrize("code", [
    "torch.tensor([1, 2]) / 2", "torch.tensor([3]) / torch.tensor([2])",
    "torch.tensor([1, 2]) + 1.5", "torch.tensor([1, 2]) * 2",
    "torch.tensor([1, 2]) + torch.tensor([1.5], dtype=torch.float64)",
    "torch.tensor([1.]) + torch.tensor([1.], dtype=torch.float64)",
    "torch.tensor([1.]) + torch.tensor(1., dtype=torch.float64)",
    "torch.tensor([1]) + torch.tensor(1.5, dtype=torch.float64)",
    "torch.tensor([True]) + 1", "torch.tensor([True]) + True", "torch.tensor([True]) * 2.5",
    "torch.tensor([1, 2], dtype=torch.int32) + 1",
    "torch.tensor([1, 2], dtype=torch.int32) * torch.tensor(2)",
    "torch.tensor([1, 2], dtype=torch.int32) + torch.tensor([2])",
    "torch.tensor([1, 2], dtype=torch.uint8) + torch.tensor([1], dtype=torch.int8)",
    "torch.tensor([1.], dtype=torch.float64) * 2.5", "torch.tensor([1.]) * np.float64(2)",
    "torch.tensor([3]) // 2", "torch.tensor([-7]) // 2", "torch.tensor([3.5]) // 2",
    "torch.tensor([3.5, -2.5]) % 2", "torch.tensor([7, -7]) % 3", "7 % torch.tensor([2., 3.])",
    "torch.tensor([1, 2]) ** 2", "torch.tensor([4]) ** 0.5", "2 ** torch.tensor([1, 2])",
    "torch.tensor([1, 2, 3]).sum()", "torch.tensor([True, True]).sum()",
    "torch.tensor([1, 2], dtype=torch.int32).sum()", "torch.tensor([1, 2]).exp()",
    "torch.tensor([1., 2.]).to(torch.float64) + torch.tensor([1., 2.]).half()",
])
def test_type_promotion_matches_torch(code):
    same(code)


# -- what a tensor is ------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "torch.ones(2, 3).shape", "torch.ones(2, 3).size()", "torch.ones(2, 3).size(1)",
    "torch.ones(2, 3).size(-1)", "torch.ones(2, 3).dim()", "torch.ones(2, 3).ndim",
    "torch.ones(2, 3).numel()", "torch.ones(2, 3).nelement()", "torch.numel(torch.ones(4))",
    "len(torch.ones(2, 3))", "torch.ones(()).shape", "torch.ones(2, 3).shape[1]",
    "torch.ones(2, 3).shape == (2, 3)", "list(torch.ones(2, 3).shape)",
    "torch.ones(2, 3).shape.numel()", "torch.ones(2).device", "str(torch.ones(2).device)",
    "torch.ones(2).device.type", "torch.device('cpu')", "torch.device('cuda:0')",
    "torch.device('cuda', 1)", "str(torch.device('cuda:1'))", "torch.device('cpu') == 'cpu'",
    "torch.ones(2).device == torch.device('cpu')", "torch.ones(2).is_cuda",
    "torch.ones(2).is_leaf", "torch.ones(2, requires_grad=True).grad",
    "torch.tensor([1.]).is_floating_point()", "torch.tensor([1]).is_floating_point()",
    "torch.ones(2, 3).is_contiguous()", "torch.ones(2, 3).T.is_contiguous()",
    "torch.ones(2, 3).T.contiguous().is_contiguous()", "torch.ones(2, 3).stride()",
    "torch.ones(2, 3).t().stride()", "torch.ones(2, 3).stride(0)",
    "torch.ones(2, dtype=torch.float64).element_size()", "torch.is_tensor(torch.ones(1))",
    "torch.is_tensor([1])", "torch.ones(2, 3).requires_grad",
])
def test_queries_match_torch(code):
    same(code)


# -- conversions -----------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "torch.ones(2).to(torch.float64)", "torch.ones(2).to(dtype=torch.long)",
    "torch.ones(2).to(torch.ones(1, dtype=torch.long))", "torch.ones(2).to('cpu')",
    "torch.ones(2).to('cpu', torch.float64)", "torch.ones(2).to(device='cpu')",
    "torch.ones(2).cpu()", "torch.ones(2, 2).tolist()", "torch.tensor(2.5).tolist()",
    "torch.tensor([2.5]).item()", "torch.tensor(7).item()", "torch.tensor([1, 2]).float()",
    "torch.tensor([1.7, -2.7]).long()", "torch.tensor([1.7, -2.7]).int()",
    "torch.ones(2).double()", "torch.ones(2).half()", "torch.tensor([0., 2.]).bool()",
    "torch.ones(2).type()", "torch.ones(2, dtype=torch.long).type()",
    "torch.ones(2, dtype=torch.float64).type()", "torch.ones(2).type(torch.long)",
    "torch.ones(2).type('torch.DoubleTensor')", "float(torch.tensor(2.5))",
    "int(torch.tensor(2))", "bool(torch.tensor([0.]))", "list(torch.tensor([1, 2]))",
    "[int(i) for i in torch.tensor([3, 4])]", "torch.ones(2).numpy()",
    "torch.ones(2, 3).numpy().dtype", "torch.tensor([1, 2]).numpy().dtype",
    "np.asarray(torch.ones(2))", "range(10)[torch.tensor(3)]",
])
def test_conversions_match_torch(code):
    same(code)


def test_numpy_shares_memory_and_refuses_tensors_that_require_grad():
    x = tinygrad_edu.ones(3)
    x.numpy()[0] = 5
    assert x[0].item() == 5
    w = tinygrad_edu.ones(3, requires_grad=True)
    for engine_w in (w, torch.ones(3, requires_grad=True)):
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires "
                                               "grad"):
            engine_w.numpy()
    assert w.detach().numpy().tolist() == [1.0, 1.0, 1.0]


def test_to_a_gpu_explains_where_cuda_lives():
    x = tinygrad_edu.ones(2)
    for call in (lambda: x.to("cuda"), lambda: x.cuda(), lambda: x.to(device="cuda:0"),
                 lambda: tinygrad_edu.zeros(2, device="cuda"),
                 lambda: tinygrad_edu.tensor([1.0], device=tinygrad_edu.device("cuda"))):
        with pytest.raises(RuntimeError, match="--engine torch"):
            call()


def test_casts_keep_gradients_flowing():
    def run(engine):
        x = engine.tensor([1.5, -2.0], requires_grad=True)
        (x.double() * x.double()).sum().backward()
        return x.grad
    ours, theirs = run(tinygrad_edu), run(torch)
    assert repr(ours) == repr(theirs)


def test_integer_casts_carry_no_gradient():
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([1.5, -2.0], requires_grad=True)
        assert not x.long().requires_grad and x.float() is x


# -- printed forms ---------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "torch.tensor([[1., 2.]], requires_grad=True)",
    "torch.tensor(2., requires_grad=True) * 3 + 5",
    "(torch.tensor([1., 2.], requires_grad=True) * 3).sum()",
    "torch.ones(2, 2, requires_grad=True).mean()", "torch.ones(2, 2, requires_grad=True) @ torch.ones(2, 2)",
    "torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    "torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True) * 2",
    "torch.tensor([1, 2], dtype=torch.int32)", "torch.tensor([], dtype=torch.long)",
    "torch.zeros(0, 3)", "torch.tensor([1., float('nan'), float('inf')])",
    "torch.tensor([1e10, 1.])", "torch.tensor([0.1, 0.25])", "torch.arange(12).reshape(3, 4)",
    "torch.tensor([[1.5, -2.], [3., 4.]]).max(1)", "torch.tensor([[1., 5.], [3., 2.]]).min(dim=0)",
    "torch.ones(2, 3).shape", "torch.Size([2, 3])", "torch.ones(2).detach()",
    "torch.tensor([3., 4.]).sigmoid()", "torch.tensor(11.)",
])
def test_reprs_match_torch(code):
    same(code)


def test_str_and_print_match_torch(capsys):
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        print(x, x.sum(), x.shape, x.dtype, x.device)
    out = capsys.readouterr().out.splitlines()
    assert out[:len(out) // 2] == out[len(out) // 2:]


def test_grad_repr_after_backward_matches_torch():
    reprs = []
    for engine in (tinygrad_edu, torch):
        w = engine.tensor([1.0, 2.0], requires_grad=True)
        loss = ((w * 3 - 1) ** 2).sum()
        loss.backward()
        reprs.append((repr(loss), repr(w.grad), repr(w)))
    assert reprs[0] == reprs[1]


# -- in-place updates ------------------------------------------------------------------------
@pytest.mark.parametrize("code", [
    "x.zero_()", "x.fill_(3.5)", "x.add_(1)", "x.add_(y, alpha=2)", "x.sub_(y)", "x.mul_(2)",
    "x.div_(4)", "x.clamp_(-0.5, 0.5)", "x.copy_(y)", "x.requires_grad_()",
])
def test_in_place_methods_match_torch_and_return_self(code):
    results = []
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([[1.0, -2.0], [3.0, 0.25]])
        y = engine.tensor([0.5, 1.5])
        out = eval(code, {"x": x, "y": y})
        assert out is x
        results.append(repr(x))
    assert results[0] == results[1]


@pytest.mark.parametrize("code", [
    "x += 1", "x -= y", "x *= 2", "x /= 4", "x[0] = 7", "x[:, 1] = 0", "x[x > 0.5] = 1",
    "x[x < 0] = y[0]", "x[[0, 1], [1, 0]] = 9", "x[:, [0]] = 1", "x[..., -1] = y",
    "x[1] += 5", "x[0, 0] = torch.tensor(4.)",
])
def test_in_place_statements_match_torch(code):
    results = []
    for engine in (tinygrad_edu, torch):
        x = engine.tensor([[1.0, -2.0], [3.0, 0.25]])
        y = engine.tensor([0.5, 1.5])
        before = x
        exec(code, {"x": x, "y": y, "torch": engine})
        assert x is before
        results.append(repr(x))
    assert results[0] == results[1]


def test_course_prediction_thresholding():
    # the logistic-regression lesson turns probabilities into labels in place
    results = []
    for engine in (tinygrad_edu, torch):
        pred = engine.tensor([[0.2, 0.7], [0.5, 0.49]])
        pred[pred >= 0.5] = 1
        pred[pred < 0.5] = 0
        idx = engine.tensor([1])
        onehot = engine.zeros(2, 3)
        onehot[:, idx] = 1
        results.append((repr(pred), repr(onehot)))
    assert results[0] == results[1]


def test_in_place_on_a_view_changes_the_base():
    for engine in (tinygrad_edu, torch):
        x = engine.zeros(2, 3)
        x[1][2] = 5.0
        row = x[0]
        row += 1
        assert x.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 5.0]]


def test_in_place_on_a_leaf_that_requires_grad_is_refused():
    for engine in (tinygrad_edu, torch):
        w = engine.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used "
                                               "in an in-place operation"):
            w += 1
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
            w[0] = 3.0


def test_in_place_under_no_grad_keeps_the_leaf():
    w = tinygrad_edu.ones(2, requires_grad=True)
    with tinygrad_edu.no_grad():
        w *= 3
        w[0] = 0.5
    assert w.tolist() == [0.5, 3.0] and w.requires_grad and w.is_leaf


def test_random_in_place_fillers():
    x = tinygrad_edu.zeros(1000)
    assert x.uniform_(-2, 3) is x
    assert -2 <= x.min().item() and x.max().item() < 3
    x.normal_(1.0, 0.5)
    assert abs(x.mean().item() - 1.0) < 0.1 and x.dtype == tinygrad_edu.float32


def test_tensor_is_hashable_and_usable_as_dict_key():
    a, b = tinygrad_edu.ones(1), tinygrad_edu.ones(1)
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"


def test_iterating_gives_rows():
    for engine in (tinygrad_edu, torch):
        rows = [r.tolist() for r in engine.tensor([[1, 2], [3, 4]])]
        assert rows == [[1, 2], [3, 4]]


def test_deepcopy_of_a_leaf_copies_numbers_and_grad():
    import copy
    import tinygrad_edu as tg
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    y = copy.deepcopy(x)
    y.data[0] = 9.0
    assert x.tolist() == [1.0, 2.0] and y.requires_grad and y.grad.tolist() == [2.0, 4.0]
    state = copy.deepcopy({"w": x})
    assert state["w"].tolist() == [1.0, 2.0]
    import pytest
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(x * 2)
