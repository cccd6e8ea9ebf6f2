"""The case table, part 1: tensor operations (arithmetic, matrix products, elementwise math
and activations, reductions, shapes, indexing). See cases.py for how the table is read.

A case that returns a list checks each output (values, dtype, grad_fn name) and backpropagates
through all of them: the list form groups the spellings of one operation (``a.exp()``,
``torch.exp(a)``) whose grad_fn names torch also checks."""
import numpy as np

from specs import C, F, const, distinct, probs, signed, uniform  # noqa: F401

# (name, a, b, same grad_fn name as torch): torch ends a product whose batch it had to
# broadcast or transpose in a copy; we name the plain reshape only
MATMUL_SHAPES = [
    ("vector_vector", (3,), (3,), True),
    ("matrix_vector", (2, 3), (3,), True),
    ("vector_matrix", (3,), (3, 4), True),
    ("2d", (2, 3), (3, 4), True),
    ("batch_matrix", (5, 2, 3), (3, 4), True),
    ("vector_batch", (3,), (5, 3, 4), True),
    ("batch_vector", (5, 2, 3), (3,), True),
    ("bmm", (5, 2, 3), (5, 3, 4), True),
    ("broadcast_batch", (1, 2, 3), (5, 3, 4), False),
    ("matrix_batch", (2, 3), (5, 3, 4), False),
    ("4d_3d", (2, 1, 2, 3), (4, 3, 2), False),
    ("4d_matrix", (6, 5, 2, 3), (3, 4), True),
]

IDX = np.array([2, 0, 2, 2])
LABELS = np.array([0, 1, 1, 0, 1])

TENSOR_CASES = [
    # -- arithmetic: broadcasting both ways, numbers on either side --------------------------
    C("add", lambda torch, a, b: a + b, (3, 1), (4,)),
    C("sub", lambda torch, a, b: a - b, (2, 3, 4), (3, 1)),
    C("mul", lambda torch, a, b: a * b, (3, 4), (4,)),
    C("div", lambda torch, a, b: a / b, (3, 4), uniform(3, 1, low=0.5, high=2)),
    C("add_scalar_tensor", lambda torch, a, b: a + b, (), (2, 3)),
    C("mul_3d_broadcast", lambda torch, a, b: a * b, (2, 1, 4), (3, 1)),
    C("add_number", lambda torch, a: [a + 2.5, 2.5 + a + 1], (2, 3)),
    C("sub_number", lambda torch, a: a - 3, (2, 3)),
    C("rsub", lambda torch, a: 3 - a, (2, 3)),
    C("mul_number", lambda torch, a: [a * -1.5, 2 * a], (2, 3)),
    C("div_number", lambda torch, a: a / 4, (2, 3)),
    C("rdiv", lambda torch, a: 2.0 / a, (2, 3), low=0.5, high=2),
    C("pow_number", lambda torch, a: [a ** 2, a ** 3], (2, 3)),
    C("pow_fraction", lambda torch, a: a ** 0.5, (2, 3), low=0.5, high=2),
    C("pow_negative", lambda torch, a: [a ** -1, a ** -2], (4,), low=0.5, high=2),
    C("pow_zero_one", lambda torch, a: [a ** 0, a ** 1], (2, 3)),
    C("pow_tensor", lambda torch, a, b: a ** b, uniform(2, 3, low=0.5, high=2), (3,)),
    C("rpow", lambda torch, a: [2 ** a, 2.718 ** a, (3.0 ** a) * (0.5 ** a)], (4,)),
    C("neg", lambda torch, a: [-a, torch.neg(a)], (2, 3)),
    C("pos", lambda torch, a: +a * 1, (2, 3)),
    C("remainder", lambda torch, a, b: a % b, uniform(3, 4, low=0.1, high=0.9),
      uniform(4, low=1.1, high=2)),
    C("remainder_negative", lambda torch, a: a % -1.5, (3, 4), low=-1.4, high=-0.1),
    C("remainder_method", lambda torch, a: torch.remainder(a, 2.0).remainder(1.5), (3,),
      low=0.1, high=1.4),
    C("add_sub_alpha", lambda torch, a, b: [a.add(b, alpha=2).sub(b, alpha=0.5),
                                            a.add(a * 2, alpha=3), a.sub(1.5, alpha=2)],
      (3,), (3,)),
    C("torch_arithmetic", lambda torch, a, b: [torch.add(a, 1), torch.sub(a, a * b),
                                               torch.mul(a, 3), torch.div(a, 3),
                                               torch.pow(a, 2)], (2, 3), (2, 3)),
    # -- matrix products: 1-D to 4-D -------------------------------------------------------
    *[C(f"matmul_{name}", lambda torch, a, b: a @ b, a, b, grad_fn=same)
      for name, a, b, same in MATMUL_SHAPES],
    C("matmul_forms", lambda torch, a, b: [a.mm(b), torch.mm(a, b), torch.matmul(a, b),
                                           a.matmul(b)], (3, 4), (4, 2)),
    C("matmul_vector_forms", lambda torch, a, b: [torch.matmul(a, b), a.matmul(b)], (3,), (3,)),
    C("matmul_views", lambda torch, a, b, c, d: [a.t() @ b[:, ::2],
                                                 c.transpose(0, 1)[1:] @ d.permute(1, 0)],
      (3, 2), (3, 8), (4, 3), (5, 4)),
    C("matmul_one_side", lambda torch, x, w: [x @ w, w.t() @ x.t()], (4, 3),
      const(np.ones((3, 2)))),
    C("matmul_chain", lambda torch, a, b, c: (a @ b).tanh() @ c @ c.t(), (4, 5), (5, 6), (6, 3)),
    C("linear_by_hand", lambda torch, x, w, b: [x @ w.t() + b, torch.matmul(x, w.T) + b],
      (8, 4), (3, 4), (3,)),
    # -- elementwise math and activations --------------------------------------------------
    C("exp", lambda torch, a: [a.exp(), torch.exp(a)], (2, 3)),
    C("log", lambda torch, a: [a.log(), torch.log(a)], (2, 3), low=0.2, high=3),
    C("sqrt", lambda torch, a: [a.sqrt(), torch.sqrt(a)], (2, 3), low=0.2, high=3),
    C("abs", lambda torch, a: [a.abs(), torch.abs(a), abs(a)], signed(2, 3)),
    C("clamp", lambda torch, a: [a.clamp(-0.5, 0.5), torch.clamp(a, -1, 1), a.clip(-1, 1)],
      signed(3, 4, high=3)),
    C("clamp_min", lambda torch, a, m: a.clamp(min=m), signed(3, 4), 0.1),  # a number input
    C("clamp_max", lambda torch, a: a.clamp(max=-0.1), signed(3, 4)),
    C("sigmoid", lambda torch, a: [a.sigmoid(), torch.sigmoid(a), F(torch).sigmoid(a)], (3, 4)),
    C("relu", lambda torch, a: [a.relu(), torch.relu(a), F(torch).relu(a)], signed(3, 4)),
    C("tanh", lambda torch, a: [a.tanh(), torch.tanh(a), F(torch).tanh(a)], (3, 4)),
    C("softmax", lambda torch, a: [a.softmax(1), a.softmax(dim=-1), torch.softmax(a, 0)]
      + [F(torch).softmax(a, dim=d) for d in (0, 1, -1)], (3, 4)),
    C("softmax_vector", lambda torch, a: a.softmax(0), (5,)),
    C("softmax_3d", lambda torch, a: [torch.softmax(a, d) for d in (0, 1, 2, -1)], (2, 3, 4)),
    C("softmax_dtype", lambda torch, a: F(torch).softmax(a, 1, dtype=torch.float64), (2, 3)),
    C("log_softmax", lambda torch, a: [a.log_softmax(1), a.log_softmax(-1),
                                       torch.log_softmax(a, dim=0)]
      + [F(torch).log_softmax(a, dim=d) for d in (0, 1, -1)], (3, 4)),
    C("log_softmax_3d", lambda torch, a: [torch.log_softmax(a, d) for d in (0, 1, 2, -1)],
      (2, 3, 4)),
    C("maximum", lambda torch, a, b: torch.maximum(a, b), distinct(3, 4),
      distinct(3, 4, step=0.41)),
    C("minimum", lambda torch, a, b: torch.minimum(a, b), distinct(3, 4),
      distinct(4, step=0.41)),
    C("max_min_binary", lambda torch, a, b: [torch.max(a, b), torch.min(a, b)], distinct(3, 4),
      distinct(4, step=0.41)),
    C("activation_chain", lambda torch, x, w, b: ((x @ w + b).relu() @ w.t()).sigmoid().sum(),
      (4, 3), (3, 3), (3,)),
    C("clone", lambda torch, a: a.clone(), (2, 3, 4)),
    C("contiguous", lambda torch, a: a.transpose(0, 1).contiguous().view(-1), (2, 3, 4)),
    C("cast_double", lambda torch, a: a.double() * 2, (2, 3)),
    C("cast_to", lambda torch, a: [a.to(torch.float64), a.to(a)], (2, 3)),
    C("cast_float", lambda torch, a: a.float() * 2, (2, 3), gradcheck=False),
    # -- reductions ------------------------------------------------------------------------
    C("sum_all", lambda torch, a: a.sum(), (3, 4)),
    C("sum_dim", lambda torch, a: a.sum(1), (3, 4)),
    C("sum_negative_dim_keepdim", lambda torch, a: a.sum(-2, keepdim=True), (2, 3, 4)),
    C("sum_two_dims", lambda torch, a: torch.sum(a, (0, 2)), (2, 3, 4)),
    C("sum_0d", lambda torch, a: [a.sum(), a.sum(0)], ()),
    C("mean_all", lambda torch, a: a.mean(), (3, 4)),
    C("mean_dim", lambda torch, a: a.mean(0, keepdim=True), (3, 4)),
    C("mean_dims", lambda torch, a: torch.mean(a, (-1, 0)), (2, 3, 4)),
    C("var", lambda torch, a: a.var(1), (3, 4)),
    C("var_biased_keepdim", lambda torch, a: a.var(0, unbiased=False, keepdim=True), (3, 4)),
    C("std", lambda torch, a: a.std(), (3, 4)),
    C("std_dim", lambda torch, a: a.std(-1, keepdim=True), (3, 4)),
    C("var_std_forms", lambda torch, a: [torch.var(a, 0, correction=0), a.std(dim=(0, 2)),
                                         torch.std(a, 1, True, True), a.std(correction=2),
                                         a[0].var(-1, keepdim=True)], (2, 3, 4)),
    C("reduce_empty_dims", lambda torch, a: [a.sum(dim=()), a.mean(dim=[]), a.sum((-1, 0))],
      (2, 3)),
    C("max_all", lambda torch, a: [a.max(), torch.max(a)], distinct(3, 4)),
    C("min_all", lambda torch, a: [a.min(), torch.min(a)], distinct(2, 3, 2)),
    C("max_dim", lambda torch, a: a.max(1), distinct(3, 4)),
    C("max_dim_keepdim", lambda torch, a: a.max(-1, keepdim=True).values, distinct(2, 3, 4)),
    C("min_dim", lambda torch, a: torch.min(a, 0)[0], distinct(3, 4)),
    C("min_dim_keepdim", lambda torch, a: a.min(dim=2, keepdim=True), distinct(2, 3, 4)),
    # -- shapes ----------------------------------------------------------------------------
    C("reshape", lambda torch, a: [a.reshape(4, 6), a.reshape((3, -1)), torch.reshape(a, (-1,)),
                                   a.reshape_as(torch.zeros(6, 2, 2))], (2, 3, 4)),
    C("view", lambda torch, a: [a.view(2, 12), a.view(-1, 4), a.view((24,)),
                                a.view_as(torch.zeros(4, 6))], (2, 3, 4)),
    C("flatten", lambda torch, a: [a.flatten(), a.flatten(1), a.flatten(0, 1),
                                   torch.flatten(a, start_dim=-2)], (2, 3, 4)),
    C("squeeze", lambda torch, a: [a.squeeze(), a.squeeze(1), a.squeeze(0),
                                   torch.squeeze(a, -2)], (3, 1, 4)),
    C("unsqueeze", lambda torch, a: [a.unsqueeze(0), a.unsqueeze(-1), torch.unsqueeze(a, 2)],
      (2, 3, 4)),
    C("t", lambda torch, a, v: [a.t(), torch.t(a), a.T, v.t()], (3, 4), (4,)),
    C("transpose", lambda torch, a: [a.transpose(0, 2), torch.transpose(a, -1, -2)], (2, 3, 4)),
    C("permute", lambda torch, a: [a.permute(2, 0, 1), a.permute((1, 2, 0)),
                                   torch.permute(a, (2, 1, 0)), a.permute(-1, 0, 1)], (2, 3, 4)),
    C("expand", lambda torch, a: a.expand(2, 3, 4), (3, 1)),
    C("expand_forms", lambda torch, a: [a[:, :1].expand(2, 3, 4), a[:, :, :1].expand(-1, -1, 5),
                                        a[0, 0].expand(2, 3, 4), a[0, :, :1].expand_as(a)],
      (2, 3, 4)),
    C("repeat", lambda torch, a: [a.repeat(2, 1, 3), a[0].repeat(2, 1, 2)], (2, 3, 4)),
    C("shape_chain", lambda torch, a: a.permute(1, 0, 2).reshape(3, 8).t().unsqueeze(0).sum(1),
      (2, 3, 4)),
    C("noncontiguous_view", lambda torch, a: (a.t()[::2] * 3).sum(0), (4, 5)),
    C("cat", lambda torch, a, b: torch.cat([a, b, a], dim=1), (2, 3), (2, 1)),
    C("cat_const", lambda torch, a, b: [torch.cat([a, b], 1), torch.stack([b, a[:, :2]])],
      (2, 3), const(np.ones((2, 2)))),
    C("cat_comprehension", lambda torch, a: torch.cat([a[i:i + 1] * i for i in range(3)]),
      (3, 2)),
    C("stack", lambda torch, a, b: [torch.stack([a, b], dim=-1), torch.stack((a, b, a))],
      (2, 3), (2, 3)),
    C("where", lambda torch, a, b: [torch.where(a > 0, a, b), torch.where(a > 0, a, 0.0)],
      signed(3, 4), (4,)),
    C("where_promotes", lambda torch, a, b: [torch.where(a > 0, 1.0, 0.0) * a,
                                             torch.where(a > 0, b.double(), 2) * a,
                                             torch.where(a > 0, a, torch.tensor(1.0).double())],
      signed(3, 4), (4,)),
    C("masked_fill", lambda torch, a: a.masked_fill(a > 0, 0.0), signed(3, 4)),
    # -- indexing --------------------------------------------------------------------------
    C("index_ints", lambda torch, a: [a[1], a[-1], a[1, 2], a[0, -1, 2], a[1][2], a[-1, -2]],
      (3, 4, 5)),
    C("index_slices", lambda torch, a: [a[1:], a[:2], a[:], a[::2], a[:, 1::2, ::3],
                                        a[-2:, :-1], a[2:1], a[:, 1], a[1, :, 2]], (3, 4, 5)),
    C("index_none_ellipsis", lambda torch, a: [a[None], a[:, None], a[0, None], a[..., 1],
                                               a[..., 1:3], a[..., None], a[1, ...],
                                               a[None, ..., 0]], (3, 4, 5)),
    C("index_bool_mask", lambda torch, a: [a[a > 0], a[a[:, 0, 0] > -10], a[a[..., 0] > 0]],
      signed(3, 4, 5)),
    C("index_int_lists", lambda torch, a: [a[[0, 2]], a[[1, 1, 0, 1]], a[:, [3, 0, 3]],
                                           a[[0, 2], 1], a[1, [0, 1, 1]],
                                           a[[0, 1, 2], [3, 2, 3]], a[[0, 2], :, [1, 1]],
                                           a[[-1, 0]], a[1:, [0, 0]]], (3, 4, 5)),
    C("index_int_tensors", lambda torch, a, i: [a[i], a[:, i % 4], a[i, i], a[i.view(2, 2)],
                                                a[i[0]]], (3, 4), IDX),
    C("index_labels", lambda torch, a, y: [a[y == 1], a[torch.arange(5), y]], (5, 2), LABELS),
    C("index_then_math", lambda torch, a, b: [(a[0] * a[1]).sum() + a[:, 1:].exp().mean(),
                                              b[1:3][1].sigmoid()], (3, 4), (4, 4)),
    C("index_views", lambda torch, a: [a.t()[1:, [0, 2]], a.transpose(0, 1)[::2, 1]], (3, 4)),
    C("index_int_apart", lambda torch, a: [a[0, :, [0, 1]], a[0, None, [0, 1]], a[:, 1, :, [2, 0]],
                                           a[0, ..., [4, 1]], a[[1], 0, :, 0], a[[]],
                                           a[1, :, a[1, 0] > 0]], (2, 3, 4, 5)),
    C("cat_onto_empty", lambda torch, a: [torch.cat([torch.zeros(0), a]),
                                          torch.cat([a, torch.zeros(0)], 1)], (2, 3)),
    # in-place changes inside a graph (autograd/versions.py): each returns a new version
    C("inplace_assign", lambda torch, a, v: _assigned(a * 1, v), (3, 4), (4,)),
    C("inplace_arithmetic", lambda torch, a, w, b: _updated(a @ w, b, a), (3, 3), (3, 3), (3,)),
]


def _assigned(h, v):
    h[0] = v                   # CopySlices
    h[h > 0.5] = 0.25          # IndexPutBackward0
    h[1:, :2] += v[:2]         # through a view
    return h


def _updated(out, b, a):
    out += b                   # makemore's Linear: MM saved its inputs, not out
    out.mul_(a)
    out.copy_(out.tanh() * 2)  # CopyBackwards
    return out
