"""The patterns of Dive into Deep Learning's PyTorch chapters (and of its Chinese edition,
《动手学深度学习》) run unchanged on tinygrad_edu: preliminaries (tensors, a small table,
linear algebra, autograd, sampling), linear and softmax regression from scratch and concise,
and multilayer perceptrons.

Each test writes one pattern once, against the torch API, in our own code, and runs it on both
engines from the same numbers: random draws are made by torch and copied into ours, shuffles
use the same seeded Python generator. Values and gradients are compared. The book's own
``d2l`` package is not used; the few helpers its chapters define are written here."""
import random

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.datasets import load_mnist_sample

torch = pytest.importorskip("torch")
from parity import assert_same  # noqa: E402

ENGINES = (tinygrad_edu, torch)


def compare(ours, theirs, rtol=None, atol=None, exact=False):
    """Two dicts of results (tensors, numbers, flags) agree key by key."""
    assert list(ours) == list(theirs)
    for key in theirs:
        if exact:
            assert_same(ours[key], theirs[key], rtol=0, atol=0, what=key)
        else:
            assert_same(ours[key], theirs[key], rtol=rtol, atol=atol, what=key)


def on_both(pattern, *args, **kwargs):
    """pattern(engine, ...) on tinygrad_edu and on torch: (ours, theirs)."""
    return pattern(tinygrad_edu, *args, **kwargs), pattern(torch, *args, **kwargs)


def overwrite(engine, tensor, array):
    """Give a parameter torch's numbers (the same start on both engines), outside the graph."""
    with engine.no_grad():
        tensor.copy_(engine.from_numpy(np.array(array, copy=True)))


def as_images(images):
    """uint8 digits (N, 28, 28) as ToTensor gives them in a batch: float32 (N, 1, 28, 28)."""
    return (images.astype(np.float32) / 255)[:, None]


# -- the helpers the chapters define, in our words ----------------------------------------------
def synthetic_data(torch, w, b, num_examples):
    """Features from a standard normal; labels on the plane Xw + b, plus a little noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(torch, batch_size, features, labels, shuffle):
    """Minibatches in an order shuffled by `shuffle` (random.shuffle of a seeded generator)."""
    count = len(features)
    order = list(range(count))
    shuffle(order)
    for start in range(0, count, batch_size):
        batch_indices = torch.tensor(order[start:min(start + batch_size, count)])
        yield features[batch_indices], labels[batch_indices]


def linreg(torch, X, w, b):
    """The linear model Xw + b."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Half the squared error of each example (y reshaped like the prediction)."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(torch, params, lr, batch_size):
    """One step of minibatch SGD on the summed loss's gradients, then clear them."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def softmax(X):
    """Each row exponentiated and divided by its sum."""
    X_exp = X.exp()
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def cross_entropy(torch, y_hat, y):
    """Minus the log of the probability each row gives its true class."""
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    """How many predictions (the largest score of each row) hit the label, as a float."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(torch, net, features, labels, batch_size):
    """The fraction of examples classified right, in minibatches, without building a graph."""
    if isinstance(net, torch.nn.Module):
        net.eval()
    right = seen = 0.0
    with torch.no_grad():
        for start in range(0, len(features), batch_size):
            X, y = features[start:start + batch_size], labels[start:start + batch_size]
            right += accuracy(net(X), y)
            seen += y.numel()
    return right / seen


def relu(torch, X):
    """max(x, 0) written with the two-tensor form of torch.max."""
    a = torch.zeros_like(X)
    return torch.max(X, a)


def mnist_batches(count, batch_size, seed):
    """`count` minibatches of training digits, picked by a torch permutation: (images, labels)."""
    images, labels = load_mnist_sample(train=True)
    generator = torch.Generator().manual_seed(seed)
    picked = torch.randperm(len(labels), generator=generator)[:count * batch_size].numpy()
    return [(as_images(images[i]), labels[i])
            for i in np.split(picked, count)]


# -- 2.1 data manipulation ------------------------------------------------------------------------
def test_data_manipulation_creating_indexing_and_in_place_memory():
    def pattern(torch):
        r = {}
        x = torch.arange(12, dtype=torch.float32)
        r["arange"], r["numel"], r["shape"] = x, x.numel(), tuple(x.shape)
        X = x.reshape(3, 4)
        r["reshape"], r["reshape_inferred"] = X, x.reshape(-1, 4)
        r["zeros"], r["ones"] = torch.zeros((2, 3, 4)), torch.ones((2, 3, 4))
        r["randn_shape"] = tuple(torch.randn(3, 4).shape)
        r["nested_lists"] = torch.tensor([[3, 1, 4, 1], [5, 9, 2, 6], [5, 3, 5, 8]])
        a, b = torch.tensor([1.0, 3, 5, 7]), torch.tensor([2, 2, 2, 2])
        r["add"], r["sub"], r["mul"], r["div"], r["pow"] = a + b, a - b, a * b, a / b, a ** b
        r["exp"] = torch.exp(a)
        Y = torch.tensor([[4.0, 2, 3, 1], [1, 5, 9, 2], [6, 5, 3, 5]])
        r["cat_rows"], r["cat_columns"] = torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1)
        r["equal"], r["sum"] = X == Y, X.sum()
        p, q = torch.arange(3).reshape((3, 1)), torch.arange(2).reshape((1, 2))
        r["broadcast"] = p + q
        r["last_row"], r["rows_1_2"] = X[-1], X[1:3]
        X[1, 2] = 17
        r["set_element"], r["through_the_view"] = X.clone(), x.clone()
        X[0:2, :] = 12
        r["set_rows"] = X.clone()
        Z = torch.zeros_like(Y)
        before = id(Z)
        Z[:] = X + Y
        r["slice_assignment_keeps_the_object"], r["Z"] = id(Z) == before, Z
        before = id(Y)
        Y = Y + X
        r["plus_makes_a_new_object"] = id(Y) != before
        before = id(X)
        X += Y
        r["plus_equals_keeps_the_object"], r["X"] = id(X) == before, X
        A = X.numpy()
        B = torch.from_numpy(A)
        r["numpy_type"], r["from_numpy_type"] = type(A).__name__, isinstance(B, torch.Tensor)
        A[0, 0] = -1  # the array, the tensor made from it and X share their memory
        r["shared_B"], r["shared_X"] = B[0, 0].item(), X[0, 0].item()
        a = torch.tensor([3.5])
        r["scalar"], r["item"], r["float"], r["int"] = a, a.item(), float(a), int(a)
        return r

    compare(*on_both(pattern), rtol=1e-6, atol=0)  # exp may differ from torch's in the last bit


# -- 2.2 data preprocessing -----------------------------------------------------------------------
def test_preprocessing_a_table_with_missing_values_into_tensors():
    nan = float("nan")
    rooms = [nan, 2.0, 4.0, nan, 3.0]
    roof = ["tile", None, "slate", "tile", None]
    price = [127500.0, 106000.0, 178100.0, 140000.0, 155000.0]

    # with NumPy: fill each missing number with its column's mean, one-hot the categories
    # (a column for "missing" too), as the chapter does with pandas
    numbers = np.array(rooms)
    numbers[np.isnan(numbers)] = np.nanmean(numbers)
    kinds = ["slate", "tile", None]
    one_hot = np.array([[float(r == k) for k in kinds] for r in roof])
    inputs, outputs = np.column_stack([numbers, one_hot]), np.array(price)
    tables = [(inputs, outputs)]
    try:
        import pandas as pd
    except ImportError:
        pd = None
    if pd is not None:
        frame = pd.DataFrame({"Rooms": rooms, "Roof": roof, "Price": price})
        table_in, table_out = frame.iloc[:, 0:2], frame.iloc[:, 2]
        table_in = pd.get_dummies(table_in, dummy_na=True)
        table_in = table_in.fillna(table_in.mean())
        tables.append((table_in.to_numpy(dtype=float), table_out.to_numpy(dtype=float)))

    for table_in, table_out in tables:
        def pattern(torch):
            X, y = torch.tensor(table_in), torch.tensor(table_out)
            return {"X": X, "y": y, "mean_price": y.mean()}

        ours, theirs = on_both(pattern)
        compare(ours, theirs, exact=True)
        assert str(ours["X"].dtype) == "torch.float64"


# -- 2.3 linear algebra ---------------------------------------------------------------------------
def test_linear_algebra_reductions_products_and_norms():
    def pattern(torch):
        r = {}
        A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
        r["transpose"] = A.T
        S = torch.tensor([[1, 7, 3], [7, 0, 5], [3, 5, 2]])
        r["symmetric"] = S == S.T
        B = A.clone()
        r["clone_is_new"] = B is not A and id(B) != id(A)
        r["hadamard"] = A * B
        X = torch.arange(24).reshape(2, 3, 4)
        r["scalar_plus"], r["scalar_times_shape"] = 2 + X, tuple((2 * X).shape)
        r["sum"], r["sum_axis0"], r["sum_axis1"] = A.sum(), A.sum(axis=0), A.sum(axis=1)
        r["sum_both_axes"] = A.sum(axis=[0, 1])
        r["mean"], r["mean_by_hand"] = A.mean(), A.sum() / A.numel()
        r["mean_axis0"], r["mean_axis0_by_hand"] = A.mean(axis=0), A.sum(axis=0) / A.shape[0]
        sum_A = A.sum(axis=1, keepdims=True)
        r["sum_keepdims"], r["normalised_rows"] = sum_A, A / sum_A
        r["cumsum"] = A.cumsum(axis=0)
        x, y = torch.arange(4, dtype=torch.float32), torch.ones(4, dtype=torch.float32)
        r["dot"], r["dot_by_hand"] = torch.dot(x, y), torch.sum(x * y)
        r["mv"] = torch.mv(A, x)
        r["mm"] = torch.mm(A, torch.ones(4, 3))
        u = torch.tensor([5.0, -12.0])
        r["l2"], r["l1"] = torch.norm(u), torch.abs(u).sum()
        r["frobenius"] = torch.norm(torch.ones((4, 9)))
        return r

    compare(*on_both(pattern), rtol=1e-6, atol=0)


# -- 2.5 automatic differentiation ----------------------------------------------------------------
def test_autograd_gradients_detach_and_python_control_flow():
    def f(a):
        b = a * 3
        while b.norm() < 1000:
            b = b * 3
        if b.sum() > 0:
            c = b
        else:
            c = 50 * b
        return c

    generator = torch.Generator().manual_seed(7)
    starts = [torch.randn(size=(), generator=generator).numpy() for _ in range(4)]
    starts += [np.float32(0.25), np.float32(-0.25)]  # both branches of the if for sure

    def pattern(torch):
        r = {}
        x = torch.arange(4.0)
        x.requires_grad_(True)
        r["grad_before"] = x.grad is None
        y = 2 * torch.dot(x, x)
        y.backward()
        r["y"], r["grad_of_2xx"], r["is_4x"] = y, x.grad.clone(), x.grad == 4 * x
        x.grad.zero_()
        y = x.sum()
        y.backward()
        r["grad_of_sum"] = x.grad.clone()
        x.grad.zero_()
        y = x * x
        y.sum().backward()
        r["grad_of_square_by_sum"] = x.grad.clone()
        x.grad.zero_()
        y = x * x
        y.backward(torch.ones(len(x)))
        r["grad_of_square_by_ones"] = x.grad.clone()
        x.grad.zero_()
        y = x * x
        u = y.detach()
        z = u * x
        z.sum().backward()
        r["detached"], r["grad_is_u"] = u, x.grad == u
        x.grad.zero_()
        y.sum().backward()
        r["grad_through_y"], r["is_2x"] = x.grad.clone(), x.grad == 2 * x
        for k, start in enumerate(starts):
            a = torch.tensor(start, requires_grad=True)
            d = f(a)
            d.backward()
            r[f"control_flow_{k}"], r[f"control_flow_grad_{k}"] = d, a.grad
            r[f"control_flow_grad_is_d_over_a_{k}"] = a.grad == d / a
        return r

    compare(*on_both(pattern), rtol=1e-6, atol=0)


# -- 2.6 probability ------------------------------------------------------------------------------
def test_probability_relative_frequencies_of_die_rolls():
    generator = torch.Generator().manual_seed(3)
    fair = torch.ones([6]) / 6
    rolls = torch.multinomial(fair, 10 * 500, replacement=True, generator=generator)
    counts = torch.nn.functional.one_hot(rolls, 6).reshape(500, 10, 6).sum(1).float().numpy()

    def pattern(torch):
        fair_probs = torch.ones([6]) / 6
        batch = torch.from_numpy(counts.copy())  # 500 experiments of 10 rolls each
        cum_counts = batch.cumsum(dim=0)
        estimates = cum_counts / cum_counts.sum(dim=1, keepdims=True)
        return {"fair_probs": fair_probs, "cum_counts": cum_counts, "estimates": estimates,
                "last_estimate": estimates[-1], "first_over_1000": batch[0] / 1000}

    compare(*on_both(pattern), rtol=1e-6, atol=0)


def test_probability_sampling_with_the_distributions_package():
    for engine in (tinygrad_edu, torch):
        fair_probs = engine.ones([6]) / 6
        counts = engine.distributions.multinomial.Multinomial(1, fair_probs).sample()
        assert counts.shape == (6,) and float(counts.sum()) == 1.0
        many = engine.distributions.multinomial.Multinomial(1000, fair_probs).sample()
        assert many.dtype == engine.float32 and float(many.sum()) == 1000.0
        rolls = engine.distributions.multinomial.Multinomial(10, fair_probs).sample((500,))
        assert tuple(rolls.shape) == (500, 6) and (rolls.sum(dim=1) == 10).all()


# -- 3.2 linear regression from scratch -----------------------------------------------------------
def test_linear_regression_from_scratch_trains_like_torch():
    true_w, true_b = [2.0, -3.4], 4.2
    torch.manual_seed(0)
    features, labels = synthetic_data(torch, torch.tensor(true_w), true_b, 1000)
    features, labels = features.numpy(), labels.numpy()
    w_start = torch.normal(0, 0.01, size=(2, 1)).numpy()

    # our own draws have the chapter's shapes and the plane's labels (noise of scale 0.01)
    X, y = synthetic_data(tinygrad_edu, tinygrad_edu.tensor(true_w), true_b, 1000)
    assert X.shape == (1000, 2) and y.shape == (1000, 1) and y.dtype == tinygrad_edu.float32
    noise = (y - (X @ tinygrad_edu.tensor(true_w)).reshape((-1, 1)) - true_b).numpy()
    assert 0.008 < noise.std() < 0.012

    def pattern(torch):
        X_all, y_all = torch.from_numpy(features.copy()), torch.from_numpy(labels.copy())
        w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        overwrite(torch, w, w_start)
        lr, num_epochs, batch_size = 0.03, 3, 10
        shuffle = random.Random(42).shuffle
        r = {}
        for epoch in range(num_epochs):
            for X, y in data_iter(torch, batch_size, X_all, y_all, shuffle):
                l = squared_loss(linreg(torch, X, w, b), y)
                l.sum().backward()
                sgd(torch, [w, b], lr, batch_size)
            with torch.no_grad():
                r[f"loss_epoch_{epoch + 1}"] = squared_loss(linreg(torch, X_all, w, b),
                                                            y_all).mean()
        r["w"], r["b"], r["w_requires_grad"] = w.detach(), b.detach(), w.requires_grad
        r["w_error"] = torch.tensor(true_w) - w.reshape(torch.tensor(true_w).shape)
        return r

    ours, theirs = on_both(pattern)
    compare(ours, theirs, rtol=1e-5, atol=1e-6)
    assert float(theirs["loss_epoch_3"]) < 1e-3  # it did learn


# -- 3.3 linear regression, concise ---------------------------------------------------------------
def test_linear_regression_concise_with_dataloader_sequential_and_sgd():
    torch.manual_seed(1)
    features, labels = synthetic_data(torch, torch.tensor([2.0, -3.4]), 4.2, 1000)
    features, labels = features.numpy(), labels.numpy()
    weight_start = torch.normal(0, 0.01, size=(1, 2)).numpy()

    def pattern(torch):
        nn, data = torch.nn, torch.utils.data  # the chapter's `from torch import nn` etc.

        def load_array(data_arrays, batch_size, is_train=True):
            dataset = data.TensorDataset(*data_arrays)
            return data.DataLoader(dataset, batch_size, shuffle=is_train)

        X_all, y_all = torch.from_numpy(features.copy()), torch.from_numpy(labels.copy())
        data_loader = load_array((X_all, y_all), 10, is_train=False)
        r = {}
        r["first_X"], r["first_y"] = next(iter(data_loader))
        net = nn.Sequential(nn.Linear(2, 1))
        net[0].weight.data.normal_(0, 0.01)
        net[0].bias.data.fill_(0)
        overwrite(torch, net[0].weight, weight_start)
        loss = nn.MSELoss()
        trainer = torch.optim.SGD(net.parameters(), lr=0.03)
        for epoch in range(3):
            for X, y in data_loader:
                l = loss(net(X), y)
                trainer.zero_grad()
                l.backward()
                trainer.step()
            r[f"loss_epoch_{epoch + 1}"] = loss(net(X_all), y_all).detach()
        r["weight"], r["bias"] = net[0].weight.data, net[0].bias.data
        r["weight_grad"] = net[0].weight.grad
        return r

    compare(*on_both(pattern), rtol=1e-5, atol=1e-6)


# -- 3.6 softmax regression from scratch (the shipped MNIST sample for Fashion-MNIST) ------------
def test_softmax_regression_from_scratch_on_mnist_like_torch():
    batches = mnist_batches(count=4, batch_size=64, seed=0)
    test_images, test_labels = load_mnist_sample(train=False)
    test_images = as_images(test_images[::4])
    test_labels = test_labels[::4]
    generator = torch.Generator().manual_seed(5)
    W_start = torch.normal(0, 0.01, size=(784, 10), generator=generator).numpy()
    small = torch.normal(0, 1, (2, 5), generator=generator).numpy()

    def pattern(torch):
        r = {}
        X_prob = softmax(torch.from_numpy(small.copy()))
        r["softmax"], r["rows_sum_to_1"] = X_prob, X_prob.sum(1)
        y = torch.tensor([2, 0])
        y_hat = torch.tensor([[0.2, 0.1, 0.7], [0.4, 0.5, 0.1]])
        r["picked"], r["cross_entropy"] = y_hat[[0, 1], y], cross_entropy(torch, y_hat, y)
        r["accuracy"] = accuracy(y_hat, y) / len(y)

        num_inputs, num_outputs = 784, 10
        W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
        b = torch.zeros(num_outputs, requires_grad=True)
        overwrite(torch, W, W_start)

        def net(X):
            return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)

        lr = 0.1
        for step, (images, labels) in enumerate(batches):
            X, y = torch.from_numpy(images.copy()), torch.from_numpy(labels.copy())
            y_hat = net(X)
            l = cross_entropy(torch, y_hat, y)
            l.sum().backward()
            r[f"loss_{step}"], r[f"right_{step}"] = l.detach(), accuracy(y_hat, y)
            r[f"W_grad_{step}"] = W.grad.clone()
            sgd(torch, [W, b], lr, X.shape[0])
        r["W"], r["b"] = W.detach(), b.detach()
        r["test_accuracy"] = evaluate_accuracy(torch, net, torch.from_numpy(test_images),
                                               torch.from_numpy(test_labels), 50)
        return r

    compare(*on_both(pattern), rtol=1e-5, atol=1e-6)


# -- 3.7 softmax regression, concise --------------------------------------------------------------
def initialised(torch, net):
    """net after the chapters' initialiser: small normal weights in every linear layer."""
    nn = torch.nn

    def init_weights(m):
        if type(m) == nn.Linear:  # noqa: E721 (the chapters' own test)
            nn.init.normal_(m.weight, std=0.01)

    returned = net.apply(init_weights)
    assert returned is net
    return net


def copy_linear_layers(engine, net, starts):
    """Give every nn.Linear of `net` torch's starting weight and bias."""
    layers = [m for m in net if type(m) == engine.nn.Linear]  # noqa: E721
    for layer, (weight, bias) in zip(layers, starts):
        overwrite(engine, layer.weight, weight)
        overwrite(engine, layer.bias, bias)


def linear_starts(net):
    """The starting weights and biases of a torch net's linear layers, as arrays."""
    return [(m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy())
            for m in net if isinstance(m, torch.nn.Linear)]


def train_classifier(torch, net, batches, lr):
    """A few steps of the chapters' training loop with a torch optimizer; what each step saw."""
    loss = torch.nn.CrossEntropyLoss(reduction="none")
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    net.train()
    r = {}
    for step, (images, labels) in enumerate(batches):
        X, y = torch.from_numpy(images.copy()), torch.from_numpy(labels.copy())
        y_hat = net(X)
        l = loss(y_hat, y)
        trainer.zero_grad()
        l.mean().backward()
        trainer.step()
        r[f"loss_{step}"], r[f"right_{step}"] = l.detach(), accuracy(y_hat, y)
    for name, param in net.named_parameters():
        r[name], r[f"{name}.grad"] = param.detach(), param.grad
    return r


def softmax_regression_net(torch):
    nn = torch.nn
    return initialised(torch, nn.Sequential(nn.Flatten(), nn.Linear(784, 10)))


def test_softmax_regression_concise_with_flatten_linear_and_cross_entropy():
    batches = mnist_batches(count=4, batch_size=64, seed=1)
    torch.manual_seed(2)
    starts = linear_starts(softmax_regression_net(torch))

    def pattern(torch):
        net = softmax_regression_net(torch)
        assert 0.005 < float(net[1].weight.data.std()) < 0.015  # the init took
        copy_linear_layers(torch, net, starts)  # torch's draws, the same start on both
        return train_classifier(torch, net, batches, lr=0.1)

    compare(*on_both(pattern), rtol=1e-5, atol=1e-6)


# -- 4.2 MLP from scratch -------------------------------------------------------------------------
def test_mlp_from_scratch_with_parameters_and_a_max_relu():
    batches = mnist_batches(count=3, batch_size=64, seed=2)
    generator = torch.Generator().manual_seed(4)
    W1_start = (torch.randn(784, 256, generator=generator) * 0.01).numpy()
    W2_start = (torch.randn(256, 10, generator=generator) * 0.01).numpy()

    def pattern(torch):
        nn = torch.nn
        r = {}
        edge = torch.tensor([-1.5, 0.0, 2.0], requires_grad=True)
        relu(torch, edge).sum().backward()  # torch.max splits the gradient at a tie
        r["relu_edge"], r["relu_edge_grad"] = relu(torch, edge).detach(), edge.grad

        num_inputs, num_outputs, num_hiddens = 784, 10, 256
        W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01)
        b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
        W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01)
        b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
        params = [W1, b1, W2, b2]
        assert all(p.is_leaf and p.requires_grad for p in params)
        overwrite(torch, W1, W1_start)
        overwrite(torch, W2, W2_start)

        def net(X):
            X = X.reshape((-1, num_inputs))
            H = relu(torch, X @ W1 + b1)
            return H @ W2 + b2

        loss = nn.CrossEntropyLoss(reduction="none")
        updater = torch.optim.SGD(params, lr=0.1)
        for step, (images, labels) in enumerate(batches):
            X, y = torch.from_numpy(images.copy()), torch.from_numpy(labels.copy())
            y_hat = net(X)
            l = loss(y_hat, y)
            updater.zero_grad()
            l.mean().backward()
            updater.step()
            r[f"loss_{step}"], r[f"right_{step}"] = l.detach(), accuracy(y_hat, y)
        for k, p in enumerate(params):
            r[f"param_{k}"], r[f"grad_{k}"] = p.detach(), p.grad
        return r

    compare(*on_both(pattern), rtol=1e-5, atol=1e-6)


# -- 4.3 MLP, concise -----------------------------------------------------------------------------
def mlp_net(torch):
    nn = torch.nn
    return initialised(torch, nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                            nn.Linear(256, 10)))


def test_mlp_concise_with_relu_layer_init_and_training():
    batches = mnist_batches(count=3, batch_size=64, seed=3)
    torch.manual_seed(6)
    starts = linear_starts(mlp_net(torch))

    def pattern(torch):
        net = mlp_net(torch)
        assert 0.005 < float(net[3].weight.data.std()) < 0.015
        copy_linear_layers(torch, net, starts)
        return train_classifier(torch, net, batches, lr=0.1)

    compare(*on_both(pattern), rtol=1e-5, atol=1e-6)


# -- 4.1 the activation functions' plots and their derivatives ------------------------------------
def test_activation_plots_data_relu_sigmoid_tanh_and_their_gradients():
    def pattern(torch):
        r = {}
        x = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
        y = torch.relu(x)
        y.backward(torch.ones_like(x), retain_graph=True)
        r["x"], r["relu"], r["relu_grad"] = x.detach(), y.detach(), x.grad.clone()
        for name in ("sigmoid", "tanh"):
            x.grad.data.zero_()
            y = getattr(torch, name)(x)
            y.backward(torch.ones_like(x), retain_graph=True)
            r[name], r[f"{name}_grad"] = y.detach(), x.grad.clone()
        return r

    ours, theirs = on_both(pattern)
    exact = ["x", "relu", "relu_grad"]  # the grid, and relu' where x is (nearly) 0
    compare({k: ours[k] for k in exact}, {k: theirs[k] for k in exact}, exact=True)
    rest = [k for k in theirs if k not in exact]
    # tanh' = 1 - tanh² near the saturated ends is a small difference of numbers close to 1:
    # there it is only good to float32's spacing at 1, eps (torch's kernel fuses y·y and 1 - ·)
    compare({k: ours[k] for k in rest}, {k: theirs[k] for k in rest}, rtol=1e-5,
            atol=float(np.finfo(np.float32).eps))


def test_mv_refuses_what_torch_refuses():
    """torch.mv, which the linear-algebra chapter calls, takes exactly a matrix and a vector of
    its width and dtype (no broadcasting, unlike @)."""
    assert tinygrad_edu.mv is tinygrad_edu.Tensor.mv
    calls = [
        lambda torch: torch.mv(torch.ones(3, 4), torch.ones(3)),
        lambda torch: torch.mv(torch.ones(3), torch.ones(3)),
        lambda torch: torch.mv(torch.ones(3, 4), torch.ones(4, 1)),
        lambda torch: torch.mv(torch.ones(3, 4, dtype=torch.float64), torch.ones(4)),
        lambda torch: torch.ones(3, 4).mv(torch.ones(4, dtype=torch.int64)),
        lambda torch: torch.mv(torch.ones(2, 2, dtype=torch.bool), torch.ones(2, dtype=torch.bool)),
        lambda torch: torch.ones(3, 4).mv([1.0, 2.0, 3.0, 4.0]),
    ]
    for call in calls:
        with pytest.raises(Exception) as theirs:
            call(torch)
        with pytest.raises(type(theirs.value)) as ours:
            call(tinygrad_edu)
        assert str(ours.value) == str(theirs.value)
    ours, theirs = on_both(lambda torch: {
        "int": torch.mv(torch.arange(6).reshape(2, 3), torch.tensor([1, -1, 2])),
        "empty": torch.mv(torch.ones(2, 0), torch.ones(0)),
        "float64": torch.mv(torch.ones(2, 3, dtype=torch.float64), torch.ones(3).double())})
    compare(ours, theirs, exact=True)
