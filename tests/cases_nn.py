"""The case table, part 2: torch.nn.functional (linear, losses with every reduction, class
weights, ignore_index, label smoothing, probability targets and (N, C, d...) inputs;
convolution, pooling, dropout) and small networks. See cases.py for how the table is read."""
import numpy as np

from specs import C, F, const, distinct, probs, uniform, weights

LABELS = np.array([2, 0, 1, 1, 3])
IGNORED = np.array([2, 0, -100, 3, 1])
PIXELS = np.random.default_rng(3).integers(0, 3, (2, 4, 5))
PIXELS[0, 1, 2] = -100
REDUCTIONS = ("mean", "sum", "none")
CONV_TOL = dict(tol=(1e-4, 1e-4))  # float32 sums of many products

# (name, input, weight, options) of conv2d, each run with and without a bias
CONVOLUTIONS = [
    ("plain", (2, 3, 6, 6), (4, 3, 3, 3), dict()),
    ("stride_padding", (2, 3, 6, 5), (4, 3, 3, 3), dict(stride=2, padding=1)),
    ("groups", (1, 4, 5, 6), (6, 2, 3, 2), dict(groups=2, stride=(1, 2), padding=(2, 1))),
    ("depthwise", (2, 3, 5, 5), (3, 1, 3, 3), dict(groups=3)),
    ("dilation_same", (1, 2, 7, 6), (3, 2, 3, 3), dict(dilation=(2, 1), padding="same")),
    ("same_even_kernel", (2, 2, 5, 5), (3, 2, 2, 2), dict(padding="same")),
    ("unbatched", (3, 5, 5), (2, 3, 3, 3), dict(padding=1)),
]
MAX_POOLS = [dict(kernel_size=2), dict(kernel_size=3, stride=1),
             dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1)),
             dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=2, dilation=2),
             dict(kernel_size=2, stride=3, dilation=2), dict(kernel_size=2, stride=3, padding=1)]
AVG_POOLS = [dict(kernel_size=2), dict(kernel_size=3, stride=1),
             dict(kernel_size=3, stride=2, padding=1),
             dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
             dict(kernel_size=2, stride=2, padding=1, ceil_mode=True),
             dict(kernel_size=(2, 3), divisor_override=4), dict(kernel_size=2, stride=3, padding=1)]

NN_CASES = [
    # -- linear ------------------------------------------------------------------------------
    C("linear", lambda torch, x, w, b: F(torch).linear(x, w, b), (4, 3), (5, 3), (5,)),
    C("linear_no_bias", lambda torch, x, w: F(torch).linear(x, w), (4, 3), (5, 3)),
    C("linear_batched", lambda torch, x, w, b: [F(torch).linear(x, w, b), F(torch).linear(x, w)],
      (2, 4, 3), (5, 3), (5,)),
    C("linear_vector", lambda torch, x, w, b: [F(torch).linear(x, w, b), F(torch).linear(x, w)],
      (3,), (5, 3), (5,)),
    # -- losses ----------------------------------------------------------------------------
    *[C(f"mse_{r}", lambda torch, x, y, r=r: F(torch).mse_loss(x, y, reduction=r), (4, 3),
        (4, 3)) for r in REDUCTIONS],
    C("mse_weight", lambda torch, x, y, w: [F(torch).mse_loss(x, y, weight=w, reduction=r)
                                            for r in REDUCTIONS], (4, 3), (4, 3),
      weights(4, 3, low=0.1, high=1)),
    *[C(f"bce_{r}", lambda torch, p, y, r=r: F(torch).binary_cross_entropy(p, y, reduction=r),
        (4, 3), uniform(4, 3, low=0, high=1), low=0.05, high=0.95) for r in REDUCTIONS],
    C("bce_weight", lambda torch, p, y, w: [F(torch).binary_cross_entropy(
        p, y, weight=w, reduction=r) for r in REDUCTIONS], (4, 3), uniform(4, 3, low=0, high=1),
      weights(3), low=0.05, high=0.95),
    C("bce_of_sigmoid", lambda torch, z, y: F(torch).binary_cross_entropy(torch.sigmoid(z), y),
      (3, 1), const([[0.0], [0.0], [1.0]])),
    *[C(f"bce_with_logits_{r}", lambda torch, x, y, r=r: F(torch)
        .binary_cross_entropy_with_logits(x, y, reduction=r), (6, 2),
        uniform(6, 2, low=0, high=1)) for r in REDUCTIONS],
    C("bce_with_logits_weights", lambda torch, x, y, w, pw: F(torch)
      .binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction="sum"),
      (6, 2), uniform(6, 2, low=0, high=1), weights(2), weights(2, high=3)),
    *[C(f"cross_entropy_{r}", lambda torch, x, t, r=r: F(torch).cross_entropy(x, t, reduction=r),
        (5, 4), LABELS) for r in REDUCTIONS],
    C("cross_entropy_weight_ignore", lambda torch, x, t, w: F(torch).cross_entropy(
        x, t, weight=w), (5, 4), IGNORED, weights(4)),
    C("cross_entropy_ignore_index_0", lambda torch, x, t: F(torch).cross_entropy(
        x, t, ignore_index=0, reduction="sum"), (5, 4), LABELS),
    C("cross_entropy_spatial", lambda torch, x, t: F(torch).cross_entropy(x, t),
      (2, 3, 3), np.array([[0, 2, 1], [1, 1, 0]])),
    *[C(f"cross_entropy_image_{r}", lambda torch, x, t, w, r=r: [
        F(torch).cross_entropy(x, t, reduction=r), F(torch).cross_entropy(x, t, w, reduction=r)],
        (2, 3, 4, 5), PIXELS, weights(3)) for r in REDUCTIONS],
    C("cross_entropy_unbatched", lambda torch, x, t: F(torch).cross_entropy(x, t), (4,),
      np.array(2)),
    *[C(f"cross_entropy_probabilities_{r}", lambda torch, x, p, r=r: F(torch).cross_entropy(
        x, p, reduction=r), (3, 4), probs(3, 4)) for r in REDUCTIONS],
    C("cross_entropy_probability_maps", lambda torch, x, p: F(torch).cross_entropy(x, p),
      (2, 3, 4), probs(2, 3, 4, dim=1)),
    C("cross_entropy_probabilities_weight", lambda torch, x, p, w: F(torch).cross_entropy(
        x, p, weight=w, label_smoothing=0.1), (3, 4), probs(3, 4), weights(4)),
    *[C(f"cross_entropy_smoothing_{r}", lambda torch, x, t, r=r: F(torch).cross_entropy(
        x, t, label_smoothing=0.2, reduction=r), (5, 4), LABELS) for r in REDUCTIONS],
    C("cross_entropy_smoothing_weight_ignore", lambda torch, x, t, w: F(torch).cross_entropy(
        x, t, weight=w, ignore_index=0, label_smoothing=0.1), (5, 4), LABELS, weights(4)),
    C("cross_entropy_probabilities_smoothing", lambda torch, x, p: F(torch).cross_entropy(
        x, p, label_smoothing=0.25, reduction="sum"), (3, 4), probs(3, 4)),
    *[C(f"nll_loss_{r}", lambda torch, x, t, r=r: F(torch).nll_loss(
        F(torch).log_softmax(x, dim=1), t, reduction=r), (5, 4), LABELS) for r in REDUCTIONS],
    C("nll_loss_weight_sum", lambda torch, x, t, w: F(torch).nll_loss(
        x, t, weight=w, reduction="sum"), (5, 4), LABELS, weights(4)),
    C("nll_loss_weight_ignore", lambda torch, x, t, w: F(torch).nll_loss(x, t, weight=w),
      (5, 4), IGNORED, weights(4)),
    C("nll_loss_spatial", lambda torch, x, t: F(torch).nll_loss(x, t, reduction="sum"),
      (2, 3, 4, 5), PIXELS),
    # -- convolution, pooling, dropout ------------------------------------------------------
    *[C(f"conv2d_{name}", lambda torch, x, w, b, o=options: [F(torch).conv2d(x, w, b, **o),
                                                             F(torch).conv2d(x, w, **o)],
        x, w, (w[0],), **CONV_TOL) for name, x, w, options in CONVOLUTIONS],
    C("max_pool2d", lambda torch, x: [F(torch).max_pool2d(x, **o) for o in MAX_POOLS],
      distinct(1, 2, 9, 8)),
    C("max_pool2d_indices", lambda torch, x: F(torch).max_pool2d(x, 3, 2, 1,
                                                                  return_indices=True),
      distinct(2, 2, 7, 7)),
    C("avg_pool2d", lambda torch, x: [F(torch).avg_pool2d(x, **o) for o in AVG_POOLS],
      (1, 2, 9, 8)),
    C("dropout_all", lambda torch, x: F(torch).dropout(x, p=1.0) + x, (3, 4)),
    C("dropout_eval", lambda torch, x: F(torch).dropout(x, 0.5, training=False) * 2, (3, 4)),
    # -- small networks: everything together ------------------------------------------------
    C("two_layer_net", lambda torch, x, w1, w2: (x @ w1).sigmoid().matmul(w2).relu().mean(),
      (5, 3), (3, 4), (4, 2)),
    C("mlp_cross_entropy", lambda torch, x, w, b, t: F(torch).cross_entropy(x @ w.t() + b, t),
      (6, 8), (10, 8), (10,), np.array([3, 1, 4, 1, 5, 9])),
    C("cnn", lambda torch, x, w, b, v, t: F(torch).cross_entropy(F(torch).linear(
        F(torch).max_pool2d(F(torch).conv2d(x, w, b).relu(), 2).flatten(1), v), t),
      (2, 1, 6, 6), (2, 1, 3, 3), (2,), (3, 8), np.array([0, 2]), **CONV_TOL),
]
