"""Lesson 19 — backprop with no framework (course 004 §4.3).

The course's NumPy ``Network([784, 30, 10])`` (Michael Nielsen's): sigmoid neurons, the
quadratic cost, mini-batch SGD with eta 3.0, and ``backprop`` written out by hand. Beside
it the same network in the lesson's engine (and in the other engine, when installed):
the same initial weights, the same mini-batches, and after every step the same numbers,
up to float rounding. What ``loss.backward()`` does is exactly what ``backprop`` spells
out.

The course's ``backprop`` loops over the samples of a mini-batch and adds up their
gradients; here the samples are the columns of one matrix, which gives the same sums."""
import numpy as np

from . import common, data


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


class Network:
    """The course's network, in float32, one column per sample."""

    def __init__(self, sizes, rng):
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [rng.standard_normal((y, 1), dtype=np.float32) for y in sizes[1:]]
        self.weights = [rng.standard_normal((y, x), dtype=np.float32)
                        for x, y in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def update_mini_batch(self, x, y, eta):
        """One SGD step on a mini-batch: x (784, m) inputs, y (10, m) one-hot targets."""
        nabla_b, nabla_w = self.backprop(x, y)
        m = x.shape[1]
        self.weights = [w - (eta / m) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / m) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        """The gradient of the quadratic cost, summed over the mini-batch's samples."""
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        # output error: dC/da * sigma'(z), with C = 1/2 ||a - y||^2
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta.sum(axis=1, keepdims=True)
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            # the error of layer -l: pull delta back through the weights, times sigma'(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sigmoid_prime(zs[-l])
            nabla_b[-l] = delta.sum(axis=1, keepdims=True)
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return nabla_b, nabla_w

    def evaluate(self, x, labels):
        return int((np.argmax(self.feedforward(x), axis=0) == labels).sum())

    def cost_derivative(self, output_activations, y):
        return output_activations - y


class FrameworkNet:
    """The same network in an engine: two Linear layers, sigmoid, the quadratic cost and
    SGD with lr = eta, started from the NumPy network's weights."""

    def __init__(self, torch, device, numpy_net, eta):
        nn = torch.nn
        self.torch, self.device = torch, device
        self.model = nn.Sequential(nn.Linear(784, 30), nn.Sigmoid(),
                                   nn.Linear(30, 10), nn.Sigmoid()).to(device)
        with torch.no_grad():
            for layer, w, b in zip((self.model[0], self.model[2]), numpy_net.weights,
                                   numpy_net.biases):
                layer.weight.copy_(torch.from_numpy(w.copy()))
                layer.bias.copy_(torch.from_numpy(b[:, 0].copy()))
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=eta)

    def step(self, x, y):
        """x (m, 784), y (m, 10): cost = 1/(2m) sum ||a - y||^2, backward, step."""
        a = self.model(x)
        loss = ((a - y) ** 2).sum() / (2 * x.shape[0])
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def arrays(self):
        """The weights and biases laid out as the NumPy network's."""
        out = []
        for layer in (self.model[0], self.model[2]):
            out.append(layer.weight.detach().cpu().numpy())
            out.append(layer.bias.detach().cpu().numpy()[:, None])
        return out

    def evaluate(self, x, labels):
        with self.torch.no_grad():
            return int((self.model(x).argmax(dim=1).cpu().numpy() == labels).sum())


def run(torch, device, say, opts):
    from .engines import get_engine, EngineError
    say("The NumPy network: weights and biases drawn from a standard normal "
        "(np.random.randn), one weight matrix (y, x) between each pair of layers.",
        zh="用 Python 定义一个神经网络：权重和偏置用标准正态分布初始化（np.random.randn），"
           "相邻两层之间一个 (y, x) 的权重矩阵。")
    rng = np.random.default_rng(opts.seed)
    net = Network([784, 30, 10], rng)
    eta, mini_batch_size = 3.0, 10
    epochs = 1 if opts.quick else 30

    train_x, train_y, test_x, test_y = data.mnist_sample()
    if opts.quick:
        train_x, train_y = train_x[:500], train_y[:500]
        test_x, test_y = test_x[:200], test_y[:200]
    x_train = data.to_tensor_images(train_x).reshape(len(train_x), 784)
    x_test = data.to_tensor_images(test_x).reshape(len(test_x), 784)
    y_train = np.eye(10, dtype=np.float32)[train_y]

    others = [(opts.engine_name, torch, device)]
    other = "torch" if opts.engine_name == "edu" else "edu"
    try:
        others.append((other, get_engine(other), "cpu"))
    except EngineError:
        say.result(f"({other} is not installed: comparing NumPy with {opts.engine_name} only)",
                   f"（未安装 {other}：只比较 NumPy 与 {opts.engine_name}）")
    nets = {name: FrameworkNet(engine, dev, net, eta) for name, engine, dev in others}
    tensors = {name: (engine.from_numpy(x_train).to(dev), engine.from_numpy(y_train).to(dev),
                      engine.from_numpy(x_test).to(dev))
               for name, engine, dev in others}
    engines = ", ".join(nets)
    say(f"The same network in {engines}: nn.Linear layers given the NumPy weights, the "
        f"quadratic cost 1/(2m) sum ||a - y||^2 and SGD with lr = eta. Its gradient is "
        f"1/m times the NumPy network's summed nabla, so one optimizer.step() is one "
        f"update_mini_batch.",
        zh=f"同一个网络放进 {engines}：nn.Linear 层拷贝 NumPy 的权重，代价函数 1/(2m) Σ||a - y||²，"
           f"SGD 学习率 = eta。它的梯度正好是 NumPy 网络累加的 nabla 乘以 1/m，"
           f"所以一次 optimizer.step() 就是一次 update_mini_batch。")

    say("Each epoch: shuffle the training data, cut it into mini-batches of 10, update on "
        "each one. All networks get the same batches, and after every step we measure the "
        "largest difference between their weights.",
        zh="每个 epoch：打乱训练数据（避免局部最优），划分为大小为 10 的小批量，逐个更新参数。"
           "所有网络使用相同的批次，每一步之后比较它们权重的最大差值。")
    n = len(x_train)
    shuffle = np.random.default_rng(opts.seed + 1)
    one_step = {name: 0.0 for name in nets}     # from identical weights, one update
    drift = {name: [] for name in nets}         # side by side, after each epoch
    accuracy = {name: [] for name in ["numpy"] + list(nets)}
    costs = []
    bar = opts.epochs(epochs)
    for j in bar:
        order = shuffle.permutation(n)
        for k in range(0, n, mini_batch_size):
            idx = order[k:k + mini_batch_size]
            if k == 0:   # the check of one step: every engine starts from NumPy's weights
                fresh = {name: FrameworkNet(engine, dev, net, eta)
                         for name, engine, dev in others}
            net.update_mini_batch(x_train[idx].T, y_train[idx].T, eta)
            if k == 0:
                for name, fnet in fresh.items():
                    x, y, _ = tensors[name]
                    fnet.step(x[fnet.torch.from_numpy(idx).to(fnet.device)],
                              y[fnet.torch.from_numpy(idx).to(fnet.device)])
                    one_step[name] = max(one_step[name], _largest(fnet, net))
            for name, fnet in nets.items():
                x, y, _ = tensors[name]
                picked = fnet.torch.from_numpy(idx).to(fnet.device)
                cost = fnet.step(x[picked], y[picked])
            costs.append(cost)
        for name, fnet in nets.items():
            drift[name].append(_largest(fnet, net))
        accuracy["numpy"].append(net.evaluate(x_test.T, test_y))
        for name, fnet in nets.items():
            accuracy[name].append(fnet.evaluate(tensors[name][2], test_y))
        bar.set_postfix(loss=costs[-1])
        if j % 5 == 0 or j == epochs - 1:
            say.result(f"Epoch {j}: " + "  ".join(f"{name} {acc[-1]} / {len(test_y)}"
                                                  for name, acc in accuracy.items()))
    for name in nets:
        say.result(f"{name} vs numpy: one step from the same weights differs by at most "
                   f"{one_step[name]:.1e}; trained side by side, the weights differ by "
                   f"{drift[name][0]:.1e} after epoch 1 and {drift[name][-1]:.1e} after "
                   f"{len(costs)} steps",
                   f"{name} 与 numpy：从相同权重出发走一步，最大差值 {one_step[name]:.1e}；"
                   f"并排训练时，第 1 轮后权重相差 {drift[name][0]:.1e}，{len(costs)} 步后相差 "
                   f"{drift[name][-1]:.1e}")
    say("The hand-written backprop and the framework's backward agree: one step from the "
        "same weights differs only by float32 rounding (the sums are done in another "
        "order). Over thousands of steps those last-digit differences grow, as they do "
        "between any two float programs, but the networks stay the same network: the "
        "accuracies match.",
        zh="手写的 backprop 与框架的 backward 结果一致：从相同权重出发走一步，差别只是 float32 的舍入误差"
           "（求和顺序不同）。经过成千上万步，这些末位差异会逐渐放大（任何两个浮点程序之间都如此），"
           "但网络仍是同一个网络：准确率相同。")
    final = {name: 100 * acc[-1] / len(test_y) for name, acc in accuracy.items()}
    common.plot_accuracy(opts, "l19_accuracy.png",
                         {name: [100 * a / len(test_y) for a in acc]
                          for name, acc in accuracy.items()})
    metrics = {f"{name} test accuracy": value for name, value in final.items()}
    metrics.update({f"one step |{name} - numpy|": v for name, v in one_step.items()})
    metrics.update({f"drift |{name} - numpy|": v[-1] for name, v in drift.items()})
    return {"metrics": metrics, "losses": costs[len(costs) // epochs - 1::len(costs) // epochs],
            "one_step_difference": one_step, "drift": drift,
            "summary": "test accuracy " + ", ".join(f"{k} {v:.1f} %" for k, v in final.items())
                       + "; one step from the same weights differs from NumPy by " +
                       ", ".join(f"{k} {v:.1e}" for k, v in one_step.items()),
            "summary_zh": "测试集精准度 " + "，".join(f"{k} {v:.1f} %" for k, v in final.items())
                          + "；从相同权重出发走一步，与 NumPy 的差别：" +
                          "，".join(f"{k} {v:.1e}" for k, v in one_step.items())}


def _largest(fnet, numpy_net):
    """The largest difference between a framework net's weights and the NumPy net's."""
    reference = [a for pair in zip(numpy_net.weights, numpy_net.biases) for a in pair]
    return max(float(np.abs(a - r).max()) for a, r in zip(fnet.arrays(), reference))
