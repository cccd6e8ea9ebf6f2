"""Lesson 24's gradients written by hand: a complete, correct solution.

The lesson calls three functions, on either engine (``torch`` is the engine module):

- ``backward(torch, v, d)``: ``v`` holds the forward pass's tensors under the names the
  lesson gives them (``v.logprobs``, ``v.bnraw``, ``v.W1``, ``v.Xb``, ``v.n`` …); write each
  gradient into ``d`` under the same name: ``d.probs`` = ∂loss/∂probs, of probs' shape.
  Later lines may read earlier ones (``d.probs`` uses ``d.logprobs``), as backward does.
- ``cross_entropy_backward(torch, v)``: ∂loss/∂logits in one expression.
- ``batchnorm_backward(torch, v, dhpreact)``: ∂loss/∂hprebn in one expression, given
  ∂loss/∂hpreact (the lesson hands in autograd's, so this check stands on its own).

The lesson runs them under ``torch.no_grad()``. To try your own, copy
``lessons/l24_exercise.py`` (the same functions, empty) anywhere, fill it in and run

    TINYGRAD_EDU_SOLUTION=path/to/your_file.py python -m lessons run 24

A gradient you leave out (or set to None) is reported as not written yet.
"""


def backward(torch, v, d):
    F = torch.nn.functional
    n = v.n
    # loss = -logprobs[range(n), Yb].mean(): n of the numbers are picked, each weighs -1/n
    d.logprobs = torch.zeros_like(v.logprobs)
    d.logprobs[range(n), v.Yb] = -1.0 / n
    # logprobs = probs.log():  d log(p) / dp = 1/p
    d.probs = d.logprobs / v.probs
    # probs = counts * counts_sum_inv: counts_sum_inv (n, 1) was stretched over 27 columns,
    # so its gradient is summed back over them
    d.counts_sum_inv = (v.counts * d.probs).sum(1, keepdim=True)
    d.counts = v.counts_sum_inv * d.probs            # counts' first path
    # counts_sum_inv = counts_sum ** -1
    d.counts_sum = -(v.counts_sum ** -2) * d.counts_sum_inv
    # counts_sum = counts.sum(1, keepdim=True): each count adds 1 × the row's gradient
    d.counts = d.counts + d.counts_sum.expand_as(v.counts)   # + counts' second path
    # counts = norm_logits.exp():  the derivative of exp is exp itself, i.e. counts
    d.norm_logits = v.counts * d.counts
    # norm_logits = logits - logit_maxes (logit_maxes stretched over the row)
    d.logit_maxes = -d.norm_logits.sum(1, keepdim=True)
    # logit_maxes = logits.max(1, keepdim=True).values: only the largest of each row moves it
    largest = F.one_hot(v.logits.max(1).indices, num_classes=v.logits.shape[1])
    d.logits = d.norm_logits + largest * d.logit_maxes
    # logits = h @ W2 + b2
    d.h = d.logits @ v.W2.T
    d.W2 = v.h.T @ d.logits
    d.b2 = d.logits.sum(0)
    # h = tanh(hpreact):  tanh' = 1 - tanh²
    d.hpreact = (1.0 - v.h ** 2) * d.h
    # hpreact = bngain * bnraw + bnbias (bngain, bnbias: (1, 64), stretched over the batch)
    d.bngain = (v.bnraw * d.hpreact).sum(0, keepdim=True)
    d.bnbias = d.hpreact.sum(0, keepdim=True)
    d.bnraw = v.bngain * d.hpreact
    # bnraw = bndiff * bnvar_inv
    d.bnvar_inv = (v.bndiff * d.bnraw).sum(0, keepdim=True)
    d.bndiff = v.bnvar_inv * d.bnraw                 # bndiff's first path
    # bnvar_inv = (bnvar + 1e-5) ** -0.5
    d.bnvar = -0.5 * (v.bnvar + 1e-5) ** -1.5 * d.bnvar_inv
    # bnvar = bndiff2.sum(0, keepdim=True) / (n - 1)
    d.bndiff2 = d.bnvar.expand_as(v.bndiff2) / (n - 1)
    # bndiff2 = bndiff ** 2
    d.bndiff = d.bndiff + 2 * v.bndiff * d.bndiff2   # + bndiff's second path
    # bndiff = hprebn - bnmeani
    d.bnmeani = -d.bndiff.sum(0, keepdim=True)
    # bnmeani = hprebn.sum(0, keepdim=True) / n:  every row gets 1/n of it
    d.hprebn = d.bndiff + d.bnmeani.expand_as(v.hprebn) / n
    # hprebn = embcat @ W1 + b1
    d.embcat = d.hprebn @ v.W1.T
    d.W1 = v.embcat.T @ d.hprebn
    d.b1 = d.hprebn.sum(0)
    # embcat = emb.view(n, -1): the same numbers, back in emb's shape
    d.emb = d.embcat.view(v.emb.shape)
    # emb = C[Xb]: a row of C picked several times receives the sum of those gradients
    d.C = torch.zeros_like(v.C)
    d.C.index_add_(0, v.Xb.view(-1), d.emb.view(-1, v.C.shape[1]))


def cross_entropy_backward(torch, v):
    """loss = F.cross_entropy(logits, Yb) in one go: (softmax(logits) - one_hot(Yb)) / n."""
    F = torch.nn.functional
    dlogits = F.softmax(v.logits, 1)
    dlogits[range(v.n), v.Yb] -= 1
    return dlogits / v.n


def batchnorm_backward(torch, v, dhpreact):
    """hpreact = bngain · (hprebn - mean) / sqrt(var + 1e-5) + bnbias in one go, with the
    unbiased var (n - 1) as the forward uses: the mean and the variance depend on every
    row, hence the two sums over the batch."""
    n = v.n
    return v.bngain * v.bnvar_inv / n * (
        n * dhpreact - dhpreact.sum(0) - n / (n - 1) * v.bnraw * (dhpreact * v.bnraw).sum(0))
