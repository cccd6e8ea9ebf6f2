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
            # a batch of one: gᵀ @ x is an outer product, einsum is the fast way (the
            # engine's Linear does the same, ops/linalg.py transposed_product)
            gW[i] = np.einsum("ki,kj->ij", g, acts[i]) if len(g) == 1 else g.T @ acts[i]
            gb[i] = g.sum(axis=0)
            if i:
                g = (g @ self.W[i]) * (acts[i] > 0)
        self.opt.step(gW + gb)
        return float(loss)


def _im2col(x, k):
    """(N, C, H, W) -> cols (C·k·k, N·Ho·Wo): row (c, i, j) holds x[n, c, y+i, x+j] for
    every output pixel (n, y, x); built from a strided view, copied once."""
    n, c, h, w = x.shape
    ho, wo = h - k + 1, w - k + 1
    s_n, s_c, s_h, s_w = x.strides
    view = np.lib.stride_tricks.as_strided(x, (c, k, k, n, ho, wo),
                                           (s_c, s_h, s_w, s_n, s_h, s_w), writeable=False)
    return np.ascontiguousarray(view).reshape(c * k * k, n * ho * wo)


def _conv_forward(x, W, b):
    """Valid convolution, stride 1: one matrix product (O, C·k·k) @ cols. The result is
    returned as an (N, O, Ho, Wo) view of the (O, N, Ho, Wo) product (no copy)."""
    n, c, h, w = x.shape
    o, _, k, _ = W.shape
    cols = _im2col(x, k)
    out = W.reshape(o, -1) @ cols
    out += b[:, None]
    return out.reshape(o, n, h - k + 1, w - k + 1).transpose(1, 0, 2, 3), cols


def _conv_backward(g, x_shape, cols, W, need_x=True):
    n, c, h, w = x_shape
    o, _, k, _ = W.shape
    ho, wo = h - k + 1, w - k + 1
    g2 = g.transpose(1, 0, 2, 3).reshape(o, -1)  # (O, N·Ho·Wo), as the product was laid out
    gW = (g2 @ cols.T).reshape(W.shape)
    gb = g2.sum(axis=1)
    if not need_x:
        return None, gW, gb
    # col2im with the batch innermost (long runs for each addition): (C, H, W, N)
    g_last = g.transpose(1, 2, 3, 0).reshape(o, -1)
    gcols = (W.reshape(o, -1).T @ g_last).reshape(c, k, k, ho, wo, n)
    gx = np.zeros((c, h, w, n), dtype=g.dtype)
    for i in range(k):  # add each kernel offset's contribution back
        for j in range(k):
            gx[:, i:i + ho, j:j + wo] += gcols[:, i, j]
    return gx.transpose(3, 0, 1, 2), gW, gb


def _avgpool(x):
    """2x2 average pooling, stride 2: the four corners of each window, added."""
    return (x[:, :, 0::2, 0::2] + x[:, :, 0::2, 1::2] + x[:, :, 1::2, 0::2]
            + x[:, :, 1::2, 1::2]) * 0.25


def _avgpool_backward(g):
    n, c, h, w = g.shape
    gx = np.empty((n, c, 2 * h, 2 * w), dtype=g.dtype)
    share = g * 0.25
    for i in (0, 1):
        for j in (0, 1):
            gx[:, :, i::2, j::2] = share
    return gx


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


class CharLM:
    """The makemore MLP by hand: C[X], tanh hidden layer, cross-entropy, p -= lr · grad."""

    def __init__(self, params, lr):
        self.p, self.lr = params, lr   # C, W1, b1, W2, b2 as the step holds them (x @ W)

    def step(self, x, y):
        C, W1, b1, W2, b2 = self.p
        flat = C[x].reshape(len(x), -1)
        h = np.tanh(flat @ W1 + b1)
        loss, g = _softmax_ce(h @ W2 + b2, y)
        gW2, gb2 = h.T @ g, g.sum(axis=0)
        g = g @ W2.T
        g *= 1 - h * h
        gW1, gb1 = flat.T @ g, g.sum(axis=0)
        gC = np.zeros_like(C)
        np.add.at(gC, x.ravel(), (g @ W1.T).reshape(-1, C.shape[1]))
        for p, gp in zip(self.p, (gC, gW1, gb1, gW2, gb2)):
            p -= self.lr * gp
        return float(loss)
