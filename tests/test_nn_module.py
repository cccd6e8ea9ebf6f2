"""nn.Module and nn.Parameter: registration, names, modes, state dicts and printed forms,
compared with real torch on the same architectures."""
import copy
import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import nn

torch = pytest.importorskip("torch")


def make_dnn(engine):
    """The course's DNN (seed 002 §3): a subclass holding a Sequential."""
    class DNN(engine.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = engine.nn.Sequential(
                engine.nn.Linear(3, 5), engine.nn.ReLU(),
                engine.nn.Linear(5, 5), engine.nn.ReLU(),
                engine.nn.Linear(5, 5), engine.nn.ReLU(),
                engine.nn.Linear(5, 3))

        def forward(self, x):
            return self.net(x)
    return DNN()


def make_cnn(engine):
    """The course's LeNet (seed 002 CNN §2.3)."""
    nn_ = engine.nn

    class CNN(nn_.Module):
        def __init__(self):
            super(CNN, self).__init__()
            self.net = nn_.Sequential(
                nn_.Conv2d(1, 6, kernel_size=5, padding=2), nn_.Tanh(),
                nn_.AvgPool2d(kernel_size=2, stride=2),
                nn_.Conv2d(6, 16, kernel_size=5), nn_.Tanh(),
                nn_.AvgPool2d(kernel_size=2, stride=2),
                nn_.Conv2d(16, 120, kernel_size=5), nn_.Tanh(),
                nn_.Flatten(),
                nn_.Linear(120, 84), nn_.Tanh(),
                nn_.Linear(84, 10))

        def forward(self, x):
            return self.net(x)
    return CNN()


def make_mixed(engine):
    """Direct attributes, a ModuleList, a ModuleDict, a buffer, a bare Parameter, no-bias."""
    nn_ = engine.nn

    class Mixed(nn_.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn_.Parameter(engine.ones(2))
            self.fc1 = nn_.Linear(4, 3, bias=False)
            self.blocks = nn_.ModuleList([nn_.Linear(3, 3), nn_.ReLU(), nn_.ReLU(),
                                          nn_.Linear(3, 2)])
            self.heads = nn_.ModuleDict({"a": nn_.Linear(2, 2), "b": nn_.Dropout(0.1)})
            self.register_buffer("running", engine.zeros(2))
            self.register_buffer("scratch", engine.zeros(1), persistent=False)
            self.loss = nn_.CrossEntropyLoss(weight=engine.ones(2))
            self.conv = nn_.Conv2d(2, 4, (3, 5), stride=(2, 1), padding=1, bias=False)
            self.pool = nn_.MaxPool2d(3, 2, 1)
            self.sm = nn_.Softmax(dim=1)
    return Mixed()


ARCHITECTURES = [make_dnn, make_cnn, make_mixed]


@pytest.mark.parametrize("make", ARCHITECTURES)
def test_repr_equals_torchs(make):
    assert repr(make(tinygrad_edu)) == repr(make(torch))


def test_dnn_repr_is_the_nested_form():
    assert repr(make_dnn(tinygrad_edu)).startswith(
        "DNN(\n  (net): Sequential(\n    (0): Linear(in_features=3, out_features=5, bias=True)\n"
        "    (1): ReLU()\n")


@pytest.mark.parametrize("make", ARCHITECTURES)
def test_named_parameters_names_order_and_shapes_equal_torchs(make):
    ours = [(n, tuple(p.shape)) for n, p in make(tinygrad_edu).named_parameters()]
    theirs = [(n, tuple(p.shape)) for n, p in make(torch).named_parameters()]
    assert ours == theirs


@pytest.mark.parametrize("make", ARCHITECTURES)
def test_state_dict_keys_and_shapes_equal_torchs(make):
    ours = make(tinygrad_edu).state_dict()
    theirs = make(torch).state_dict()
    assert isinstance(ours, OrderedDict)
    assert [(k, tuple(v.shape)) for k, v in ours.items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.items()]


@pytest.mark.parametrize("make", ARCHITECTURES)
def test_module_tree_walks_equal_torchs(make):
    ours, theirs = make(tinygrad_edu), make(torch)
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [type(m).__name__ for m in ours.modules()] == \
        [type(m).__name__ for m in theirs.modules()]
    assert len(list(ours.parameters())) == len(list(theirs.parameters()))
    assert len(list(ours.children())) == len(list(theirs.children()))


def test_dnn_named_parameters_are_torchs_dotted_names():
    names = [n for n, _ in make_dnn(tinygrad_edu).named_parameters()]
    assert names[:3] == ["net.0.weight", "net.0.bias", "net.2.weight"]
    assert names[-1] == "net.6.bias"


def test_state_dict_detached_and_shares_memory():
    model = make_dnn(tinygrad_edu)
    sd = model.state_dict()
    w = sd["net.0.weight"]
    assert not w.requires_grad and w.grad_fn is None and type(w) is tinygrad_edu.Tensor
    with tinygrad_edu.no_grad():
        model.net[0].weight.fill_(3.0)
    assert (w.numpy() == 3.0).all()
    assert model.state_dict(keep_vars=True)["net.0.weight"] is model.net[0].weight


@pytest.mark.parametrize("make", ARCHITECTURES)
def test_load_state_dict_from_torch_gives_torchs_outputs(make):
    theirs, ours = make(torch), make(tinygrad_edu)
    result = ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert repr(result) == "<All keys matched successfully>"
    for (name, p_o), p_t in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(p_o.numpy(), p_t.numpy(), err_msg=name)


def test_load_state_dict_copies_in_place_keeping_the_parameter_objects():
    model = make_dnn(tinygrad_edu)
    first = model.net[0].weight
    other = make_dnn(tinygrad_edu)
    model.load_state_dict(other.state_dict())
    assert model.net[0].weight is first
    np.testing.assert_array_equal(first.detach().numpy(), other.net[0].weight.detach().numpy())
    assert first.requires_grad
    with tinygrad_edu.no_grad():  # a copy, not a shared array
        other.net[0].weight.fill_(0.0)
    assert not (first.detach().numpy() == 0).all()


def test_load_state_dict_round_trip_through_a_new_model_keeps_outputs():
    a, b = make_dnn(tinygrad_edu), make_dnn(tinygrad_edu)
    x = tinygrad_edu.randn(7, 3)
    b.load_state_dict(a.state_dict())
    np.testing.assert_array_equal(a(x).detach().numpy(), b(x).detach().numpy())


def _load_errors(engine, state, strict=True):
    model = make_dnn(engine)
    try:
        result = model.load_state_dict(state(engine, model), strict=strict)
    except RuntimeError as e:
        return "error", str(e)
    return "ok", (result.missing_keys, result.unexpected_keys, repr(result))


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("state", [
    lambda e, m: {k: v for k, v in m.state_dict().items() if k != "net.2.bias"},
    lambda e, m: {**m.state_dict(), "net.7.weight": e.zeros(2), "extra": e.zeros(1)},
    lambda e, m: {k: v for k, v in list(m.state_dict().items())[2:]} | {"x.y": e.zeros(1)},
    lambda e, m: {**m.state_dict(), "net.0.weight": e.zeros(4, 3)},
    lambda e, m: {**m.state_dict(), "net.0.bias": "oops"},
], ids=["missing", "unexpected", "both", "size-mismatch", "not-a-tensor"])
def test_load_state_dict_errors_and_result_equal_torchs(state, strict):
    ours, theirs = _load_errors(tinygrad_edu, state, strict), _load_errors(torch, state, strict)
    assert ours == theirs


def test_load_state_dict_error_message_names_the_model_and_keys():
    model = make_dnn(tinygrad_edu)
    with pytest.raises(RuntimeError, match='Error\\(s\\) in loading state_dict for DNN:\n\t'
                                           'Missing key\\(s\\) in state_dict: "net.0.weight"'):
        model.load_state_dict({k: v for k, v in model.state_dict().items()
                               if k != "net.0.weight"})
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        model.load_state_dict([1, 2])


def test_load_state_dict_accepts_real_torch_tensors():
    theirs, ours = make_dnn(torch), make_dnn(tinygrad_edu)
    ours.load_state_dict(theirs.state_dict())
    np.testing.assert_array_equal(ours.net[6].bias.detach().numpy(),
                                  theirs.net[6].bias.detach().numpy())


# -- Parameter -----------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [
    lambda e: e.nn.Parameter(e.tensor([1.0, 2.0])),
    lambda e: e.nn.Parameter(e.tensor([[1.5], [-2.0]]), requires_grad=False),
    lambda e: e.nn.Parameter(),
    lambda e: e.nn.Parameter(e.tensor([1, 2]), requires_grad=False),
])
def test_parameter_repr_equals_torchs(build):
    assert repr(build(tinygrad_edu)) == repr(build(torch))
    assert str(build(tinygrad_edu)) == str(build(torch))


def test_parameter_is_a_leaf_tensor_that_requires_grad_and_shares_data():
    t = tinygrad_edu.tensor([1.0, 2.0])
    p = nn.Parameter(t)
    assert isinstance(p, tinygrad_edu.Tensor) and p.is_leaf and p.requires_grad
    t.add_(1.0)
    assert p.tolist() == [2.0, 3.0]
    assert type(p * 2) is tinygrad_edu.Tensor and type(p.data) is tinygrad_edu.Tensor
    assert (p * 2).grad_fn.name() == "MulBackward0"


def test_parameter_data_assignment_and_update_under_no_grad():
    p = nn.Parameter(tinygrad_edu.tensor([1.0, 2.0]))
    p.data = tinygrad_edu.tensor([5.0, 6.0])
    assert p.tolist() == [5.0, 6.0] and isinstance(p, nn.Parameter) and p.requires_grad
    (p * p).sum().backward()
    p.data -= 0.5 * p.grad.data       # the course's manual update
    assert p.tolist() == [0.0, 0.0]


def test_parameter_of_integers_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(tinygrad_edu.tensor([1, 2]))


def test_parameter_deepcopy_copies_numbers():
    p = nn.Parameter(tinygrad_edu.tensor([1.0]))
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.requires_grad and q.tolist() == [1.0]
    q.data.fill_(2.0)
    assert p.tolist() == [1.0]


def test_deepcopy_of_a_model_copies_its_parameters():
    model = make_dnn(tinygrad_edu)
    twin = copy.deepcopy(model)
    assert repr(twin) == repr(model)
    assert twin.net[0].weight is not model.net[0].weight
    x = tinygrad_edu.randn(3, 3)
    np.testing.assert_array_equal(twin(x).detach().numpy(), model(x).detach().numpy())
    with tinygrad_edu.no_grad():
        twin.net[0].weight.fill_(0.0)
    assert not (model.net[0].weight.detach().numpy() == 0).all()


# -- registration --------------------------------------------------------------------------------
def test_attribute_assignment_registers_and_reassignment_replaces():
    m = nn.Module()
    m.w = nn.Parameter(tinygrad_edu.ones(2))
    m.layer = nn.Linear(2, 2)
    m.plain = 3
    assert [n for n, _ in m.named_parameters()] == ["w", "layer.weight", "layer.bias"]
    m.w = None
    assert [n for n, _ in m.named_parameters()] == ["layer.weight", "layer.bias"]
    m.layer = nn.Linear(2, 1, bias=False)
    assert [n for n, _ in m.named_parameters()] == ["layer.weight"]
    del m.layer
    assert list(m.parameters()) == [] and m.plain == 3
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'layer'"):
        m.layer


def test_forgetting_super_init_gets_torchs_message():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)
    with pytest.raises(AttributeError, match="cannot assign module before Module.__init__"):
        Broken()


def test_assigning_a_tensor_over_a_parameter_is_refused():
    m = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter 'weight'"):
        m.weight = tinygrad_edu.ones(2, 2)


def test_shared_parameter_is_listed_once():
    a = nn.Linear(2, 2)
    m = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(m.parameters())) == 2
    assert [n for n, _ in m.named_parameters()] == ["0.weight", "0.bias"]


def test_missing_forward_is_explained():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(tinygrad_edu.ones(1))


def test_register_buffer_rules():
    m = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        m.register_buffer("weight", tinygrad_edu.ones(1))
    with pytest.raises(KeyError, match="contain"):
        m.register_buffer("a.b", tinygrad_edu.ones(1))
    m.register_buffer("steps", tinygrad_edu.tensor(0))
    assert "steps" in m.state_dict() and "steps" not in dict(m.named_parameters())


# -- modes, gradients, dtype, device -----------------------------------------------------------
def test_train_eval_reach_every_submodule():
    model = make_mixed(tinygrad_edu)
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="boolean"):
        model.train("no")


def test_zero_grad_sets_to_none_or_zero():
    model = make_dnn(tinygrad_edu)
    model(tinygrad_edu.randn(4, 3)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad(set_to_none=False)
    assert all((p.grad.numpy() == 0).all() for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())


def test_requires_grad_and_apply():
    model = make_dnn(tinygrad_edu)
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen[-2:] == ["Sequential", "DNN"] and seen[0] == "Linear"
    model.apply(lambda m: nn.init.zeros_(m.weight) if isinstance(m, nn.Linear) else None)
    assert (model.net[0].weight.numpy() == 0).all()


def test_to_dtype_converts_in_place_and_device_cuda_is_explained():
    model = make_dnn(tinygrad_edu)
    w = model.net[0].weight
    assert model.to(tinygrad_edu.float64) is model
    assert model.net[0].weight is w and w.dtype == tinygrad_edu.float64
    out = model(tinygrad_edu.randn(2, 3).double())
    assert out.dtype == tinygrad_edu.float64
    model.float()
    assert w.dtype == tinygrad_edu.float32
    assert model.to("cpu") is model and model.cpu() is model
    with pytest.raises(RuntimeError, match="CPU only"):
        model.to("cuda:0")
    with pytest.raises(RuntimeError, match="CPU only"):
        model.cuda()
    with pytest.raises(TypeError, match="floating point"):
        model.to(tinygrad_edu.int64)


def test_forward_hooks_see_input_and_output_and_can_be_removed():
    layer = nn.Linear(3, 2)
    seen = []
    handle = layer.register_forward_hook(lambda m, args, out: seen.append(tuple(out.shape)))
    layer(tinygrad_edu.randn(4, 3))
    handle.remove()
    layer(tinygrad_edu.randn(4, 3))
    assert seen == [(4, 2)]


# -- containers ----------------------------------------------------------------------------------
def test_sequential_indexing_slicing_and_growth_match_torch():
    def build(e):
        return e.nn.Sequential(e.nn.Linear(1, 2), e.nn.ReLU(), e.nn.Linear(2, 3), e.nn.Tanh())
    for op in [lambda s: s[-1], lambda s: s[1:3], lambda s: s[::2], lambda s: len(s),
               lambda s: [type(m).__name__ for m in s],
               lambda s: s.append(s[1]), lambda s: s.insert(1, s[3]),
               lambda s: (s.__delitem__(0), s)[1], lambda s: s + s[:1],
               lambda s: s.extend(s[2:])]:
        assert repr(op(build(tinygrad_edu))) == repr(op(build(torch)))
    with pytest.raises(IndexError, match="index 4 is out of range"):
        build(tinygrad_edu)[4]


def test_module_list_and_dict_behave_like_torchs():
    for op in [lambda e: e.nn.ModuleList([e.nn.ReLU()] * 3 + [e.nn.Tanh()]),
               lambda e: e.nn.ModuleList([e.nn.Linear(2, 2)])[0:],
               lambda e: e.nn.ModuleList(),
               lambda e: e.nn.ModuleDict([("x", e.nn.ReLU()), ("y", e.nn.Linear(1, 1))])]:
        assert repr(op(tinygrad_edu)) == repr(op(torch))
    d = nn.ModuleDict({"a": nn.ReLU()})
    d["b"] = nn.Linear(2, 2)
    assert list(d.keys()) == ["a", "b"] and "b" in d and len(d) == 2
    assert [n for n, _ in d.named_parameters()] == ["b.weight", "b.bias"]


# -- losses as modules ---------------------------------------------------------------------------
def test_loss_modules_print_and_register_weights_like_torch():
    for build in [lambda e: e.nn.MSELoss(), lambda e: e.nn.BCELoss(weight=e.ones(3)),
                  lambda e: e.nn.BCEWithLogitsLoss(pos_weight=e.ones(3)),
                  lambda e: e.nn.CrossEntropyLoss(), lambda e: e.nn.NLLLoss(weight=e.ones(2))]:
        ours, theirs = build(tinygrad_edu), build(torch)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict())
        assert ours.reduction == theirs.reduction


def test_legacy_size_average_maps_to_reduction_with_torchs_warning():
    for kwargs in [dict(size_average=False), dict(size_average=True), dict(reduce=False),
                   dict(size_average=False, reduce=True)]:
        with warnings.catch_warnings(record=True) as ours_w:
            warnings.simplefilter("always")
            ours = nn.MSELoss(**kwargs)
        with warnings.catch_warnings(record=True) as theirs_w:
            warnings.simplefilter("always")
            theirs = torch.nn.MSELoss(**kwargs)
        assert ours.reduction == theirs.reduction
        assert [str(w.message) for w in ours_w] == [str(w.message) for w in theirs_w]


# -- torch.nn.utils ----------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type):
    torch = pytest.importorskip("torch")
    results = []
    for engine in (tinygrad_edu, torch):
        a = engine.nn.Parameter(engine.tensor([3.0, 4.0]))
        b = engine.nn.Parameter(engine.tensor([[1.0, -2.0]]))
        a.grad, b.grad = engine.tensor([3.0, 4.0]), engine.tensor([[12.0, -0.5]])
        total = engine.nn.utils.clip_grad_norm_([a, b], 2.5, norm_type=norm_type)
        engine.nn.utils.clip_grad_value_(b, 0.3)
        flat = engine.nn.utils.parameters_to_vector([a, b])
        results.append((total.item(), a.grad.tolist(), b.grad.tolist(), flat.tolist()))
    ours, theirs = results
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-6)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    assert ours[3] == theirs[3]


def test_a_parameter_changed_in_place_keeps_its_place():
    """bn.weight *= 0.1 assigns bn.weight again: parameters() keeps torch's order."""
    for engine in (tinygrad_edu, torch):
        bn = engine.nn.BatchNorm1d(3)
        with engine.no_grad():
            bn.weight *= 0.1
        layer = engine.nn.Linear(2, 2)
        layer.weight = engine.nn.Parameter(engine.ones(2, 2))
        assert [n for n, _ in bn.named_parameters()] == ["weight", "bias"]
        assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
