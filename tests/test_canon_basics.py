"""PyTorch's tutorial "Learn the Basics", pattern by pattern, in our own code: tensors,
datasets and loaders, building a model, autograd, the optimization loop, save and load.

Each pattern is one function written against the torch API, run on tinygrad_edu and on real
torch from the same numbers (torch draws them; our engine gets copies), and the results are
compared. The shipped MNIST sample stands in for the FashionMNIST download, and a few lines
written here stand in for torchvision's ToTensor (torchvision is not a dependency).
"""
import numpy as np
import pytest

from parity import assert_same, grad_fn_name, to_numpy, torch  # noqa: F401 (skips w/o torch)

import tinygrad_edu
from tinygrad_edu.datasets import load_mnist_sample, transforms

ENGINES = {"ours": tinygrad_edu, "torch": torch}


def assert_results_agree(ours, theirs, what="result", rtol=1e-5, atol=1e-6):
    """Nested dicts/lists of tensors, arrays and plain values agree between the engines."""
    if isinstance(theirs, dict):
        assert ours.keys() == theirs.keys(), what
        for key in theirs:
            assert_results_agree(ours[key], theirs[key], f"{what}[{key!r}]", rtol, atol)
    elif isinstance(theirs, (list, tuple)) and not isinstance(theirs, torch.Size):
        assert len(ours) == len(theirs), what
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_results_agree(a, b, f"{what}[{i}]", rtol, atol)
    elif isinstance(theirs, np.ndarray):
        assert ours.dtype == theirs.dtype, what
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=what)
    else:
        assert_same(ours, theirs, rtol, atol, what=what)


def torch_uniform(*shape, seed=0):
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed)).numpy()


def torch_normal(*shape, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed)).numpy()


def copy_weights(model, source):
    """Load torch's state_dict values into our model (same initial weights on both)."""
    model.load_state_dict({k: tinygrad_edu.tensor(v.detach().numpy())
                           for k, v in source.state_dict().items()})


# ---- tensors --------------------------------------------------------------------------------

def tensor_tour(engine, values):
    """Creating, indexing, joining, multiplying, reducing and changing tensors in place."""
    r = {}
    data = engine.tensor([[1, 2], [3, 4]])
    like = engine.rand_like(data, dtype=engine.float)  # random: compare shape and dtype only
    r["ones_like"], r["rand_like"] = engine.ones_like(data), (tuple(like.shape), str(like.dtype))
    r["attributes"] = (tuple(data.shape), str(data.dtype), str(data.device))
    t = engine.tensor(values)
    # views: they show the in-place changes below too, in both engines
    r["first_row"], r["first_column"], r["last_column"] = t[0], t[:, 0], t[..., -1]
    t[:, 1] = 0
    r["column_zeroed"] = t.clone()
    r["joined"] = engine.cat([t, t, t], dim=1)
    r["at_T"], r["matmul_T"] = t @ t.T, t.matmul(t.T)
    product = engine.rand_like(r["at_T"])
    returned = engine.matmul(t, t.T, out=product)
    r["matmul_out"], r["out_is_returned"] = product, returned is product
    elementwise = engine.rand_like(t)
    engine.mul(t, t, out=elementwise)
    r["mul"], r["mul_method"], r["mul_out"] = t * t, t.mul(t), elementwise
    total = t.sum()
    r["sum_item"] = total.item()
    r["sum_item_type"] = type(total.item()).__name__
    t.add_(5)
    r["after_add_"] = t
    return r


def test_tensor_creation_indexing_joining_products_and_in_place():
    values = torch_uniform(4, 4)
    assert_results_agree(tensor_tour(tinygrad_edu, values), tensor_tour(torch, values))


@pytest.mark.parametrize("engine", ENGINES.values(), ids=ENGINES.keys())
def test_numpy_bridge_shares_memory_both_ways(engine):
    t = engine.ones(5)
    n = t.numpy()
    t.add_(1)  # the array sees the tensor's change
    np.testing.assert_array_equal(n, np.full(5, 2.0, dtype=np.float32))
    n = np.ones(5)
    t = engine.from_numpy(n)
    np.add(n, 1, out=n)  # the tensor sees the array's change
    assert str(t.dtype) == "torch.float64"
    np.testing.assert_array_equal(t.numpy(), np.full(5, 2.0))


# ---- datasets and data loaders --------------------------------------------------------------

def image_to_tensor(engine):
    """torchvision's ToTensor for an (H, W) uint8 image: a (1, H, W) float32 in [0, 1]."""
    return lambda image: engine.from_numpy(image).unsqueeze(0).float().div(255)


def one_hot_target(engine):
    return lambda label: engine.zeros(10, dtype=engine.float).scatter_(
        0, engine.tensor(label), value=1)


def digit_dataset(engine, images, labels, transform=None, target_transform=None):
    class DigitImages(engine.utils.data.Dataset):
        """Images and labels held in arrays, transformed one sample at a time."""
        def __init__(self):
            self.images, self.labels = images, labels
            self.transform, self.target_transform = transform, target_transform

        def __len__(self):
            return len(self.labels)

        def __getitem__(self, index):
            image, label = self.images[index], int(self.labels[index])
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label
    return DigitImages()


def load_in_batches(engine, images, labels):
    data = digit_dataset(engine, images, labels, image_to_tensor(engine), one_hot_target(engine))
    loader = engine.utils.data.DataLoader(data, batch_size=64, shuffle=False)
    features, targets = next(iter(loader))
    batches = list(loader)
    return dict(length=len(data), sample=data[3], loader_length=len(loader), features=features,
                targets=targets, squeezed=features[0].squeeze(), last=batches[-1],
                count=len(batches))


def test_custom_dataset_with_transforms_in_a_dataloader():
    images, labels = load_mnist_sample(train=False)
    images, labels = images[::5], labels[::5]  # 200 digits: three full batches and one of 8
    ours = load_in_batches(tinygrad_edu, images, labels)
    assert_results_agree(ours, load_in_batches(torch, images, labels))
    assert tuple(ours["features"].shape) == (64, 1, 28, 28) and ours["count"] == 4
    assert tuple(ours["targets"].shape) == (64, 10) and tuple(ours["last"][0].shape)[0] == 8
    # our transforms.ToTensor gives what the few lines above give
    assert_same(transforms.ToTensor()(images[0]), image_to_tensor(torch)(images[0]))


# ---- building a model -----------------------------------------------------------------------

def network_class(engine):
    class NeuralNetwork(engine.nn.Module):
        """28×28 image -> 784 -> 512 -> 512 -> 10 logits."""
        def __init__(self):
            super().__init__()
            self.flatten = engine.nn.Flatten()
            self.linear_relu_stack = engine.nn.Sequential(
                engine.nn.Linear(28 * 28, 512), engine.nn.ReLU(),
                engine.nn.Linear(512, 512), engine.nn.ReLU(),
                engine.nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetwork


# Published at the top level: saving a whole model records where its class can be found again
OurNeuralNetwork, TorchNeuralNetwork = network_class(tinygrad_edu), network_class(torch)
OurNeuralNetwork.__qualname__, TorchNeuralNetwork.__qualname__ = \
    "OurNeuralNetwork", "TorchNeuralNetwork"
NETWORKS = {tinygrad_edu: OurNeuralNetwork, torch: TorchNeuralNetwork}


def twin_networks():
    """The same NeuralNetwork on both engines, with torch's initial weights."""
    theirs = TorchNeuralNetwork()
    ours = OurNeuralNetwork()
    copy_weights(ours, theirs)
    return ours, theirs


def classify(engine, model, image, device="cpu"):
    model = model.to(device)
    logits = model(engine.tensor(image, device=device))
    probabilities = engine.nn.Softmax(dim=1)(logits)
    described = [f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n"
                 for name, param in model.named_parameters()]
    return dict(logits=logits, probabilities=probabilities, predicted=probabilities.argmax(1),
                described=described, printed=repr(model))


def test_building_a_model_prints_and_predicts_like_torch():
    ours, theirs = twin_networks()
    image = torch_uniform(1, 28, 28)
    assert_results_agree(classify(tinygrad_edu, ours, image), classify(torch, theirs, image))


def layer_by_layer(engine, images, first, last):
    flatten = engine.nn.Flatten()
    flat = flatten(engine.tensor(images))
    layer1 = engine.nn.Linear(in_features=28 * 28, out_features=20)
    layer2 = engine.nn.Linear(20, 10)
    for layer, weights in ((layer1, first), (layer2, last)):
        layer.load_state_dict({k: engine.tensor(v) for k, v in weights.items()})
    hidden = engine.nn.ReLU()(layer1(flat))
    stack = engine.nn.Sequential(flatten, layer1, engine.nn.ReLU(), layer2)
    return dict(flat=flat, hidden=hidden, logits=stack(engine.tensor(images)),
                probabilities=engine.nn.Softmax(dim=1)(stack(engine.tensor(images))))


def test_model_layers_one_at_a_time():
    images = torch_uniform(3, 28, 28)
    first = {k: v.numpy() for k, v in torch.nn.Linear(784, 20).state_dict().items()}
    last = {k: v.numpy() for k, v in torch.nn.Linear(20, 10).state_dict().items()}
    assert_results_agree(layer_by_layer(tinygrad_edu, images, first, last),
                         layer_by_layer(torch, images, first, last))


def test_device_chosen_through_torch_accelerator():
    def pick_device(engine):
        accelerator = engine.accelerator
        return accelerator.current_accelerator().type if accelerator.is_available() else "cpu"
    assert pick_device(tinygrad_edu) == pick_device(torch)


# ---- automatic differentiation --------------------------------------------------------------

def one_layer_autograd(engine, w_start, b_start):
    x, y = engine.ones(5), engine.zeros(3)
    w = engine.tensor(w_start, requires_grad=True)
    b = engine.tensor(b_start, requires_grad=True)
    z = engine.matmul(x, w) + b
    loss = engine.nn.functional.binary_cross_entropy_with_logits(z, y)
    r = dict(z=z, loss=loss, names=(grad_fn_name(z), grad_fn_name(loss)))
    loss.backward()
    r["w_grad"], r["b_grad"] = w.grad, b.grad
    with engine.no_grad():
        r["flags"] = [z.requires_grad, (engine.matmul(x, w) + b).requires_grad,
                      z.detach().requires_grad, w.is_leaf, z.is_leaf]
    inp = engine.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(engine.ones_like(out), retain_graph=True)
    r["jvp_first"] = inp.grad.clone()
    out.backward(engine.ones_like(out), retain_graph=True)
    r["jvp_accumulated"] = inp.grad.clone()
    inp.grad.zero_()
    out.backward(engine.ones_like(out), retain_graph=True)
    r["jvp_after_zero_"] = inp.grad
    return r


def test_autograd_basics_and_vector_jacobian_products_accumulate():
    w, b = torch_normal(5, 3), torch_normal(3, seed=1)
    ours = one_layer_autograd(tinygrad_edu, w, b)
    assert_results_agree(ours, one_layer_autograd(torch, w, b))
    np.testing.assert_array_equal(ours["jvp_accumulated"].numpy(), 2 * ours["jvp_first"].numpy())


# ---- optimizing, then saving and loading ----------------------------------------------------

def mnist_loaders(engine, train_count=320, test_count=250):
    """Slices of the training and test digits with every class present, unshuffled."""
    (images, labels), (test_images, test_labels) = map(load_mnist_sample, (True, False))
    pick = np.random.default_rng(0).permutation(len(labels))[:train_count]
    every = len(test_labels) // test_count
    to_tensor = image_to_tensor(engine)
    loader = engine.utils.data.DataLoader
    train = digit_dataset(engine, images[pick], labels[pick], to_tensor)
    test = digit_dataset(engine, test_images[::every], test_labels[::every], to_tensor)
    return loader(train, batch_size=64, shuffle=False), loader(test, batch_size=64)


def train_loop(dataloader, model, loss_fn, optimizer):
    model.train()
    losses = []
    for X, y in dataloader:
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses


def test_loop(engine, dataloader, model, loss_fn):
    model.eval()
    total_loss, correct = 0.0, 0.0
    with engine.no_grad():
        for X, y in dataloader:
            pred = model(X)
            total_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(engine.float).sum().item()
    return total_loss / len(dataloader), correct / len(dataloader.dataset)


test_loop.__test__ = False  # a helper named as the tutorial names it, not a test


def optimize(engine, model, epochs=2):
    train, test = mnist_loaders(engine)
    loss_fn = engine.nn.CrossEntropyLoss()
    optimizer = engine.optim.SGD(model.parameters(), lr=1e-3)
    losses = [train_loop(train, model, loss_fn, optimizer) for _ in range(epochs)]
    return losses, test_loop(engine, test, model, loss_fn)


def test_optimization_loop_losses_and_accuracy_follow_torch():
    ours_model, theirs_model = twin_networks()
    (ours_losses, (ours_loss, ours_accuracy)) = optimize(tinygrad_edu, ours_model)
    (theirs_losses, (theirs_loss, theirs_accuracy)) = optimize(torch, theirs_model)
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-5)
    assert ours_loss == pytest.approx(theirs_loss, rel=1e-5)
    assert ours_accuracy == theirs_accuracy


@pytest.mark.parametrize("engine", ENGINES.values(), ids=ENGINES.keys())
def test_save_state_dict_then_load_into_a_fresh_model(engine, tmp_path):
    model, image = NETWORKS[engine](), engine.tensor(torch_uniform(2, 28, 28))
    path = str(tmp_path / "model_weights.pth")
    engine.save(model.state_dict(), path)
    restored = NETWORKS[engine]()
    restored.load_state_dict(engine.load(path, weights_only=True))
    restored.eval()
    assert not restored.training
    with engine.no_grad():
        np.testing.assert_array_equal(to_numpy(restored(image)), to_numpy(model(image)))


@pytest.mark.parametrize("engine", ENGINES.values(), ids=ENGINES.keys())
def test_save_whole_model_then_load_it(engine, tmp_path):
    """Our file format differs from torch's (no pickle; README "deliberately different"),
    but the pattern is the same: save the model object, load it back with weights_only=False."""
    model, image = NETWORKS[engine](), engine.tensor(torch_uniform(2, 28, 28))
    model.eval()
    path = str(tmp_path / "model.pth")
    engine.save(model, path)
    restored = engine.load(path, weights_only=False)
    assert type(restored) is NETWORKS[engine] and not restored.training
    assert repr(restored) == repr(model)
    with engine.no_grad():
        np.testing.assert_array_equal(to_numpy(restored(image)), to_numpy(model(image)))
