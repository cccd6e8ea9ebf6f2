"""The case table (see cases.py): the layers of the canon: embedding, layer_norm, batch_norm,
gelu, leaky_relu, pad, l1_loss."""
import numpy as np

from specs import C, F, const, signed, uniform

TOKENS = np.array([[1, 3, 1], [0, 3, 3], [4, 1, 1], [3, 3, 0]])   # repeated rows: summed grads
REDUCTIONS = ("mean", "sum", "none")
ZEROS3, ONES3 = const([0.0, 0.0, 0.0]), const([1.0, 1.0, 1.0])   # running stats, 3 channels

LAYER_CASES = [
    # -- embedding: a row per index; repeated indices add their gradients ----------------------
    C("embedding_repeated", lambda torch, idx, w: F(torch).embedding(idx, w), TOKENS, (5, 4)),
    C("embedding_int32", lambda torch, idx, w: F(torch).embedding(idx, w),
      TOKENS.astype(np.int32), (5, 4)),
    # the padding row's gradient (0) and scale_grad_by_freq's (divided by each row's count)
    # are torch's rules, not derivatives: finite differences disagree by design, parity with
    # torch checks them
    C("embedding_padding_idx", lambda torch, idx, w: [
        F(torch).embedding(idx, w, padding_idx=3), F(torch).embedding(idx, w, padding_idx=-1)],
      TOKENS, (5, 4), gradcheck=False),
    C("embedding_scale_grad_by_freq", lambda torch, idx, w: F(torch).embedding(
        idx, w, scale_grad_by_freq=True), TOKENS, (5, 4), gradcheck=False),
    C("embedding_single_index", lambda torch, idx, w: F(torch).embedding(idx, w),
      np.array(2), (5, 4)),
    C("embedding_mlp", lambda torch, idx, w, w1: torch.tanh(
        F(torch).embedding(idx, w).view(4, -1) @ w1), TOKENS, (5, 2), (6, 7)),
    # -- layer_norm: over the last dims, with and without the affine part ------------------------
    C("layer_norm", lambda torch, x, w, b: F(torch).layer_norm(x, (5,), w, b, eps=1e-5),
      (4, 5), (5,), (5,)),
    C("layer_norm_no_affine", lambda torch, x: [F(torch).layer_norm(x, (5,)),
                                                F(torch).layer_norm(x, [3, 5], eps=1e-3)],
      (2, 3, 5)),
    C("layer_norm_two_dims", lambda torch, x, w, b: [
        F(torch).layer_norm(x, (3, 4), weight=w), F(torch).layer_norm(x, (3, 4), bias=b)],
      (2, 3, 4), (3, 4), (3, 4)),
    # -- batch_norm: batch statistics in training, running ones in eval -------------------------
    C("batch_norm_train_2d", lambda torch, x, w, b, rm, rv: F(torch).batch_norm(
        x, rm, rv, w, b, training=True), (8, 3), (3,), (3,), ZEROS3, ONES3),
    C("batch_norm_train_3d", lambda torch, x, w, b: F(torch).batch_norm(
        x, None, None, w, b, training=True, eps=1e-3), (4, 3, 5), (3,), (3,)),
    C("batch_norm_train_4d", lambda torch, x, w, b, rm, rv: F(torch).batch_norm(
        x, rm, rv, w, b, True, 0.3), (2, 3, 4, 5), (3,), (3,), ZEROS3, ONES3),
    C("batch_norm_train_no_affine", lambda torch, x: F(torch).batch_norm(
        x, None, None, training=True), (6, 3)),
    C("batch_norm_eval", lambda torch, x, w, b, rm, rv: F(torch).batch_norm(
        x, rm, rv, w, b, training=False), (5, 3, 2), (3,), (3,), const([0.5, -1.0, 0.0]),
      const([0.5, 2.0, 1.5])),
    # -- activations ---------------------------------------------------------------------------
    C("gelu", lambda torch, a: [F(torch).gelu(a), torch.nn.GELU()(a)], (3, 4)),
    C("gelu_tanh", lambda torch, a: [F(torch).gelu(a, approximate="tanh"),
                                     torch.nn.GELU(approximate="tanh")(a)], (3, 4)),
    C("gelu_tails", lambda torch, a: [F(torch).gelu(a), F(torch).gelu(a, approximate="tanh")],
      uniform(4, 5, low=-7, high=7)),
    C("leaky_relu", lambda torch, a: [F(torch).leaky_relu(a), F(torch).leaky_relu(a, 0.2),
                                      torch.nn.LeakyReLU(0.1)(a)], signed(3, 4)),
    # -- pad: positive pads add `value` around, negative pads crop -----------------------------
    C("pad_positive", lambda torch, a: [F(torch).pad(a, (1, 2)),
                                        F(torch).pad(a, (0, 1, 2, 0), value=1.5)], (2, 3)),
    C("pad_3d", lambda torch, a: F(torch).pad(a, [1, 1, 0, 2, 1, 0]), (2, 3, 2)),
    C("pad_negative", lambda torch, a: [F(torch).pad(a, (-1, 2)),
                                        F(torch).pad(a, (1, -2, -1, 0), "constant", -3.0)],
      (3, 4)),
    # -- l1_loss: |x − y| then the reduction (no ties: x and y never meet) --------------------
    *[C(f"l1_loss_{r}", lambda torch, x, y, r=r: F(torch).l1_loss(x, y, reduction=r),
        (4, 3), (4, 3)) for r in REDUCTIONS],
    C("l1_loss_module", lambda torch, x, y: [torch.nn.L1Loss()(x, y),
                                             torch.nn.L1Loss(reduction="sum")(x, y)],
      (5,), (5,)),
]
