"""What lesson 23 prints, plots, draws and returns, kept apart so that the lesson shows the
lecture's code: the per-layer lines, the update-ratio curves, names sampled from a model,
the --graph drawing and the result dict."""
import numpy as np

from . import graphs


def layer_lines(inside, saturated):
    """One (English, Chinese) line per Tanh layer: the spread of its outputs, the share
    saturated, the spread of its gradients (from ``(values, gradients)`` arrays)."""
    lines = []
    for name, (values, grads) in inside.items():
        share = 100 * float(np.mean(np.abs(values) > saturated))
        lines.append((f"{name}: mean {values.mean():+.2f}, std {values.std():.2f}, "
                      f"saturated {share:.1f} %; gradient std {grads.std():.2e}",
                      f"{name}："
                      f"均值 {values.mean():+.2f}，标准差 {values.std():.2f}，饱和 {share:.1f}%；"
                      f"梯度标准差 {grads.std():.2e}"))
    return lines


def conclusion(variant, run, saturated):
    """What the numbers of one variant's first step say, (English, Chinese)."""
    first, inside = run["first_loss"], run["inside"]
    share = saturation(inside, saturated)
    stds = [float(grads.std()) for _, grads in inside.values()]
    spread = max(stds) / min(stds) if min(stds) > 0 else float("inf")
    if variant == "naive init":
        sizes = (f"The gradients' size differs {spread:.0f}× between the tanh layers.",
                 f"各个 tanh 层的梯度大小相差 {spread:.0f} 倍。") if spread < float("inf") else \
                ("Some tanh layers get no gradient at all.", "有的 tanh 层完全得不到梯度。")
        return (f"The first loss, {first:.2f}, is far above -log(1/27) = 3.2958: huge logits, "
                f"confidently wrong. {share:.0f} % of the tanh outputs are saturated; there "
                f"the slope 1 - tanh² is almost 0 and little gradient passes. " + sizes[0],
                f"第一步的损失 {first:.2f} 远高于 -log(1/27) = 3.2958：logits 很大，而且错得很自信。"
                f"{share:.0f}% 的 tanh 输出已饱和，那里的斜率 1 - tanh² 几乎为 0，梯度几乎传不过去。"
                + sizes[1])
    return (f"The first loss is {first:.4f}, close to 3.2958; {share:.1f} % of the tanh "
            f"outputs are saturated, and the gradients have about the same size in every "
            f"layer (within {spread:.1f}×).",
            f"第一步的损失为 {first:.4f}，接近 3.2958；tanh 输出中 {share:.1f}% 饱和，各层梯度大小相近"
            f"（相差不超过 {spread:.1f} 倍）。")


def saturation(inside, saturated):
    """The share (%) of saturated tanh outputs over all Tanh layers."""
    values = np.concatenate([v.ravel() for v, _ in inside.values()])
    return 100 * float(np.mean(np.abs(values) > saturated))


def ratio_panels(run, weight="weight"):
    """{'C': [log10 ratio per step], 'Linear 1 weight (30, 100)': ...}: one variant's
    curves (``weight``: that word in the learner's language)."""
    linears = [layer for layer in run["layers"] if type(layer).__name__ == "Linear"]
    names = ["C"] + [f"Linear {k} {weight} {tuple(layer.weight.shape)}"
                     for k, layer in enumerate(linears, 1)]
    ud = np.asarray(run["ud"], dtype=float)
    return {name: ud[:, j] for j, name in enumerate(names)}


def sample_names(torch, model, itos, block_size, device, count=8, seed=2147483647 + 10,
                 longest=30):
    """``count`` names drawn from ``model`` (a function of a batch of contexts giving
    logits), one character at a time with ``torch.multinomial`` and a seeded generator,
    as the lecture samples (a name is cut at ``longest`` characters: an untrained model
    may never choose the end)."""
    F = torch.nn.functional
    g = torch.Generator().manual_seed(seed)
    names = []
    with torch.no_grad():
        for _ in range(count):
            out, context = [], [0] * block_size
            while True:
                logits = model(torch.tensor([context]).to(device))
                probs = F.softmax(logits, dim=1).cpu()
                ix = torch.multinomial(probs, num_samples=1, generator=g).item()
                context = context[1:] + [ix]
                if ix == 0 or len(out) == longest:
                    break
                out.append(ix)
            names.append("".join(itos[i] for i in out))
    return names


def draw_network(say, opts, torch, run, Xb, Yb, forward, F):
    """--graph: the BatchNorm network's loss on a few examples (in train mode, so that
    BatchNorm uses the batch's statistics) as a graph and a backward step-through."""
    C, layers = run["C"], run["layers"]
    for layer in layers:
        if hasattr(layer, "running_mean"):
            layer.train()
    names = {"C": C}
    for i, layer in enumerate(layers):
        for kind, p in (("weight", getattr(layer, "weight", None)),
                        ("bias", getattr(layer, "bias", None))):
            if p is not None:
                names[f"layers[{i}].{kind}"] = p
    loss = F.cross_entropy(forward(C, layers, Xb), Yb)
    names.update(loss=loss, X=Xb, Y=Yb)
    svg, html, frames = opts.save_backward(loss, "l23_batchnorm", names=names)
    say(f"--graph: the BatchNorm network's loss on {len(Xb)} examples is drawn in {svg}; "
        f"{html} steps through its backward ({graphs.short_order(frames)}).",
        zh=f"--graph：批归一化网络在 {len(Xb)} 个样本上的损失的计算图在 {svg}；{html} 逐个节点展示它的"
           f"反向传播（{graphs.short_order(frames, lang='zh')}）。")
    return frames


def result_dict(runs, bn, names, steps):
    metrics = {}
    for variant, run in runs.items():
        metrics[f"first loss ({variant})"] = run["first_loss"]
        metrics[f"saturated % at init ({variant})"] = saturation(run["inside"], 0.97)
        metrics[f"train loss ({variant})"] = run["train"]
        metrics[f"val loss ({variant})"] = run["val"]
    metrics["|running_mean - mean|"] = bn["gap"]
    metrics["val loss, eval mode"] = bn["eval_loss"]
    metrics["saturated % (BatchNorm, naive init)"] = bn["naive weights saturation"]
    # the loss history compare checks: the careful-init and BatchNorm runs. The naive run's
    # saturated tanh (1 - tanh² of numbers rounded to ±1) turns float32 rounding into
    # different runs on the two engines after a few steps; its losses stay in batch_losses
    losses = runs["careful init"]["losses"] + runs["BatchNorm"]["losses"]
    parts = "; ".join(f"{v} {r['first_loss']:.2f} → val {r['val']:.4f}"
                      for v, r in runs.items())
    zh = {"naive init": "朴素初始化", "careful init": "精心初始化", "BatchNorm": "批归一化"}
    parts_zh = "；".join(f"{zh.get(v, v)} {r['first_loss']:.2f} → 验证集 {r['val']:.4f}"
                        for v, r in runs.items())
    return {"metrics": metrics, "losses": losses, "names": names,
            "batch_losses": {v: r["losses"] for v, r in runs.items()},
            "summary": f"{steps} steps each: {parts}",
            "summary_zh": f"各训练 {steps} 步：{parts_zh}"}
