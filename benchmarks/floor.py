"""The NumPy floor: each benchmarked training step written by hand, forward and backward,
with no autograd at all. An engine cannot beat this by much; the goal is to come close."""
import numpy as np


def _relu(x):
    return np.maximum(x, 0)


def _softmax_ce(logits, labels):
    """Mean cross-entropy and its gradient wrt the logits: (softmax - one_hot) / n."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(len(labels))
    loss = (np.log(s[:, 0]) - shifted[rows, labels]).mean()
    grad = e / s
    grad[rows, labels] -= 1
    grad /= len(labels)
    return loss, grad


class SGDMomentum:
    """torch.optim.SGD(lr, momentum) on a list of arrays, updated in place."""

    def __init__(self, params, lr, momentum=0.0):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.buffers = [None] * len(params)

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads)):
            if self.momentum:
                if self.buffers[i] is None:
                    self.buffers[i] = g.copy()
                else:
                    self.buffers[i] *= self.momentum
                    self.buffers[i] += g
                g = self.buffers[i]
            p -= self.lr * g


class MLP:
    """Linear layers with ReLU between them; weights as torch stores them (out, in)."""

    def __init__(self, weights, biases, lr, momentum, loss="ce"):
        self.W, self.b, self.loss = weights, biases, loss
        self.opt = SGDMomentum(self.W + self.b, lr, momentum)

    def step(self, x, y):
        acts = [x]
        h = x
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            h = h @ W.T + b
            if i < len(self.W) - 1:
                h = _relu(h)
            acts.append(h)
        if self.loss == "ce":
            loss, g = _softmax_ce(h, y)
        else:  # mse, mean over every element
            d = h - y
            loss = (d * d).mean()
            g = d * (2.0 / d.size)
        gW, gb = [None] * len(self.W), [None] * len(self.W)
        for i in range(len(self.W) - 1, -1, -1):
            gW[i] = g.T @ acts[i]
            gb[i] = g.sum(axis=0)
            if i:
                g = (g @ self.W[i]) * (acts[i] > 0)
        self.opt.step(gW + gb)
        return float(loss)


def _im2col(x, k):
    """(N, C, H, W) -> (N, H-k+1, W-k+1, C*k*k) as a strided view (no copy yet)."""
    win = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))  # N,C,Ho,Wo,k,k
    return win.transpose(0, 2, 3, 1, 4, 5)


def _conv_forward(x, W, b):
    n, c, h, w = x.shape
    o, _, k, _ = W.shape
    cols = _im2col(x, k).reshape(n * (h - k + 1) * (w - k + 1), c * k * k)
    out = cols @ W.reshape(o, -1).T + b
    return out.reshape(n, h - k + 1, w - k + 1, o).transpose(0, 3, 1, 2), cols


def _conv_backward(g, x_shape, cols, W, need_x=True):
    n, c, h, w = x_shape
    o, _, k, _ = W.shape
    ho, wo = h - k + 1, w - k + 1
    g2 = g.transpose(0, 2, 3, 1).reshape(-1, o)
    gW = (g2.T @ cols).reshape(W.shape)
    gb = g2.sum(axis=0)
    if not need_x:
        return None, gW, gb
    gcols = (g2 @ W.reshape(o, -1)).reshape(n, ho, wo, c, k, k)
    gx = np.zeros(x_shape, dtype=g.dtype)
    for i in range(k):  # add each kernel offset's contribution back (col2im)
        for j in range(k):
            gx[:, :, i:i + ho, j:j + wo] += gcols[:, :, :, :, i, j].transpose(0, 3, 1, 2)
    return gx, gW, gb


def _avgpool(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).mean(axis=(3, 5))


def _avgpool_backward(g):
    return np.repeat(np.repeat(g, 2, axis=2), 2, axis=3) * 0.25


class LeNet:
    """LeNet-5 (lesson 16): conv5(pad 2)-tanh-avg2-conv5-tanh-avg2-conv5-tanh-fc84-tanh-fc10."""

    def __init__(self, params, lr):
        self.p = params  # c1w c1b c2w c2b c3w c3b f1w f1b f2w f2b
        self.opt = SGDMomentum(params, lr)

    def step(self, x, y):
        c1w, c1b, c2w, c2b, c3w, c3b, f1w, f1b, f2w, f2b = self.p
        x0 = np.pad(x, ((0, 0), (0, 0), (2, 2), (2, 2)))
        z1, cols1 = _conv_forward(x0, c1w, c1b)
        a1 = np.tanh(z1)
        p1 = _avgpool(a1)
        z2, cols2 = _conv_forward(p1, c2w, c2b)
        a2 = np.tanh(z2)
        p2 = _avgpool(a2)
        z3, cols3 = _conv_forward(p2, c3w, c3b)
        a3 = np.tanh(z3).reshape(len(x), -1)
        a4 = np.tanh(a3 @ f1w.T + f1b)
        out = a4 @ f2w.T + f2b
        loss, g = _softmax_ce(out, y)
        gf2w, gf2b = g.T @ a4, g.sum(axis=0)
        g = (g @ f2w) * (1 - a4 * a4)
        gf1w, gf1b = g.T @ a3, g.sum(axis=0)
        g = ((g @ f1w) * (1 - a3 * a3)).reshape(z3.shape)
        g, gc3w, gc3b = _conv_backward(g, p2.shape, cols3, c3w)
        g = _avgpool_backward(g) * (1 - a2 * a2)
        g, gc2w, gc2b = _conv_backward(g, p1.shape, cols2, c2w)
        g = _avgpool_backward(g) * (1 - a1 * a1)
        _, gc1w, gc1b = _conv_backward(g, x0.shape, cols1, c1w, need_x=False)
        self.opt.step([gc1w, gc1b, gc2w, gc2b, gc3w, gc3b, gf1w, gf1b, gf2w, gf2b])
        return float(loss)
