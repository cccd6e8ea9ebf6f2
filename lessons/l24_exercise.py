"""Lesson 24, your turn: write each gradient by hand.

Copy this file anywhere, replace each ``None`` with your expression, and run

    TINYGRAD_EDU_SOLUTION=path/to/your_copy.py python -m lessons run 24

The lesson checks every gradient against autograd and prints a table (exact /
approximate / wrong / not written yet); for a wrong one it saves the backward
step-through of that node, with autograd's numbers, into --out. ``lessons/l24_solution.py``
is a complete answer: look at it once you have tried.

``v`` holds the forward pass's tensors (the comment above each line recalls how it was
computed); ``v.n`` is the batch size (32), ``v.Xb``/``v.Yb`` the batch. Write
∂loss/∂<name> into ``d.<name>``, of the same shape as ``v.<name>``. Later lines may use
earlier ones. ``torch`` is the engine (tinygrad_edu or PyTorch): torch.zeros_like,
F.one_hot, .sum(1, keepdim=True), .T, @, index_add_ … are all there.
"""


def backward(torch, v, d):
    # loss = -logprobs[range(n), Yb].mean()
    d.logprobs = None
    # logprobs = probs.log()
    d.probs = None
    # probs = counts * counts_sum_inv
    d.counts_sum_inv = None
    # counts_sum_inv = counts_sum**-1
    d.counts_sum = None
    # counts = norm_logits.exp(); counts_sum = counts.sum(1, keepdim=True)  (two paths!)
    d.counts = None
    d.norm_logits = None
    # norm_logits = logits - logit_maxes;  logit_maxes = logits.max(1, keepdim=True).values
    d.logit_maxes = None
    d.logits = None
    # logits = h @ W2 + b2
    d.h = None
    d.W2 = None
    d.b2 = None
    # h = torch.tanh(hpreact)
    d.hpreact = None
    # hpreact = bngain * bnraw + bnbias
    d.bngain = None
    d.bnbias = None
    d.bnraw = None
    # bnraw = bndiff * bnvar_inv
    d.bnvar_inv = None
    # bnvar_inv = (bnvar + 1e-5)**-0.5
    d.bnvar = None
    # bnvar = 1/(n-1) * bndiff2.sum(0, keepdim=True)
    d.bndiff2 = None
    # bndiff2 = bndiff**2;  bndiff = hprebn - bnmeani  (two paths to bndiff!)
    d.bndiff = None
    d.bnmeani = None
    # bnmeani = 1/n * hprebn.sum(0, keepdim=True)
    d.hprebn = None
    # hprebn = embcat @ W1 + b1
    d.embcat = None
    d.W1 = None
    d.b1 = None
    # embcat = emb.view(emb.shape[0], -1)
    d.emb = None
    # emb = C[Xb]
    d.C = None


def cross_entropy_backward(torch, v):
    """∂loss/∂logits in one expression (loss = F.cross_entropy(logits, Yb))."""
    return None


def batchnorm_backward(torch, v, dhpreact):
    """∂loss/∂hprebn in one expression, given ∂loss/∂hpreact."""
    return None
