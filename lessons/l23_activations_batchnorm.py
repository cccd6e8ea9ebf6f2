"""Lesson 23 — activations, gradients and BatchNorm (makemore, part 3).

A deeper MLP language model on the names: an embedding of 10 numbers per character, a
context of 3 characters, five Linear(…, 100) + Tanh layers and a last Linear(100, 27),
written as small classes the way the lecture writes them. Three variants of the same
network, from the same random draws and the same batches:

1. naive init: every weight drawn from N(0, 1), as lesson 22 did — the tanh layers
   saturate, the first loss is far above -log(1/27) = 3.2958, and the gradients' size
   changes from layer to layer;
2. careful init: weights · (5/3)/sqrt(fan_in) (the gain for tanh) and a last layer
   shrunk by 0.1, so the first loss is about 3.30;
3. BatchNorm: ``nn.BatchNorm1d`` after every Linear, which normalises each batch itself.

For each: the tanh activations and their gradients per layer (histograms and the
saturated share) and the update-to-data ratio over training; then BatchNorm's two modes
and its running statistics."""
import numpy as np

from .l23_data import build_dataset, same_parameters, split_names
from .l23_report import (conclusion, draw_network, layer_lines, ratio_panels, result_dict,
                         sample_names, saturation)

N_EMBD, N_HIDDEN, BLOCK_SIZE, BATCH_SIZE = 10, 100, 3, 32
SATURATED = 0.97   # |tanh| beyond this: the slope 1 - tanh² is below 0.06
VARIANTS = ("naive init", "careful init", "BatchNorm")
ZH = {"naive init": "朴素初始化", "careful init": "精心初始化", "BatchNorm": "批归一化"}


def run(torch, device, say, opts):
    nn, F = torch.nn, torch.nn.functional
    say("The data: the 32,033 names shuffled with random.seed(42), 80 % to train, 10 % to "
        "tune (dev), 10 % to test; each character is predicted from the 3 before it.",
        zh="数据：32,033 个名字用 random.seed(42) 打乱，80% 训练，10% 验证（dev），10% 测试；"
           "每个字符由它前面的 3 个字符来预测。")
    words, stoi, itos, (train_words, dev_words, _) = split_names()
    if opts.quick:   # --quick: a tenth of the names
        train_words, dev_words = train_words[:2500], dev_words[:300]
    Xtr, Ytr = (t.to(device) for t in build_dataset(torch, train_words, stoi, BLOCK_SIZE))
    Xdev, Ydev = (t.to(device) for t in build_dataset(torch, dev_words, stoi, BLOCK_SIZE))
    vocab_size = len(itos)
    max_steps = 150 if opts.quick else 4000
    say.result(f"train {tuple(Xtr.shape)} → {tuple(Ytr.shape)}, dev {tuple(Xdev.shape)}; "
               f"{max_steps} steps of batches of {BATCH_SIZE} per variant",
               f"训练集 {tuple(Xtr.shape)} → {tuple(Ytr.shape)}，验证集 {tuple(Xdev.shape)}；"
               f"每种网络训练 {max_steps} 步，每批 {BATCH_SIZE} 个")

    say("The layers, as the lecture writes them: Linear keeps its output in self.out "
        "(x @ weight, then += bias), Tanh too, so that we can look inside after a step. "
        "Linear draws its weight from N(0, 1) / sqrt(fan_in).",
        zh="各层的写法与课程相同：Linear 把输出存在 self.out 里（先 x @ weight，再 += bias），Tanh 也一样，"
           "这样训练一步之后可以查看每层的内部。Linear 的权重取自 N(0, 1) / sqrt(fan_in)。")

    class Linear:
        def __init__(self, fan_in, fan_out, bias=True):
            self.weight = torch.randn((fan_in, fan_out), generator=g).to(device) / fan_in**0.5
            self.bias = torch.zeros(fan_out).to(device) if bias else None

        def __call__(self, x):
            self.out = x @ self.weight
            if self.bias is not None:
                self.out += self.bias
            return self.out

        def parameters(self):
            return [self.weight] + ([] if self.bias is None else [self.bias])

    class Tanh:
        def __call__(self, x):
            self.out = torch.tanh(x)
            return self.out

        def parameters(self):
            return []

    def build(batchnorm, naive):
        """The embedding table C and the layers: with or without BatchNorm, with the naive
        N(0, 1) weights or the careful ones."""
        C = torch.randn((vocab_size, N_EMBD), generator=g).to(device)
        sizes = [N_EMBD * BLOCK_SIZE] + [N_HIDDEN] * 5
        layers = []
        for fan_in, fan_out in zip(sizes, sizes[1:] + [vocab_size]):
            if batchnorm:   # the BatchNorm's bias (beta) replaces the Linear's
                layers += [Linear(fan_in, fan_out, bias=False),
                           nn.BatchNorm1d(fan_out).to(device), Tanh()]
            else:
                layers += [Linear(fan_in, fan_out), Tanh()]
        layers.pop()   # the last layer gives the 27 logits: no tanh after it
        with torch.no_grad():
            for layer in layers:
                if isinstance(layer, Linear):
                    # naive: back to N(0, 1), lesson 22's torch.randn; careful: tanh's gain
                    layer.weight *= layer.weight.shape[0]**0.5 if naive else 5 / 3
            if not naive:   # a less confident last layer (or last gamma); mul_ keeps
                layers[-1].weight.mul_(0.1)  # BatchNorm1d's parameter order as torch's
        parameters = [C] + [p for layer in layers for p in layer.parameters()]
        same_parameters(opts, torch, parameters,
                        f"{'BatchNorm' if batchnorm else ''} {naive} parameters")
        for p in parameters:
            p.requires_grad = True
        return C, layers, parameters

    def forward(C, layers, X):
        emb = C[X]                          # (N, 3, 10)
        x = emb.view(emb.shape[0], -1)      # (N, 30)
        for layer in layers:
            x = layer(x)
        return x

    def split_loss(C, layers, X, Y):
        with torch.no_grad():
            return F.cross_entropy(forward(C, layers, X), Y).item()

    runs = {}
    for variant in VARIANTS:
        name_zh = ZH[variant]
        say(_introduce(variant)[0], zh=_introduce(variant)[1])
        g = torch.Generator().manual_seed(2147483647)   # the same draws for every variant
        C, layers, parameters = build(variant == "BatchNorm", variant == "naive init")
        batches = opts.same(f"{variant} batches", lambda: torch.randint(
            0, Xtr.shape[0], (max_steps, BATCH_SIZE), generator=g)).to(device)
        weights = [p for p in parameters if p.ndim == 2]   # C and the Linear weights
        losses, ud, inside = [], [], None
        for i in opts.progress(range(max_steps), desc=variant, unit="step"):
            Xb, Yb = Xtr[batches[i]], Ytr[batches[i]]
            x = forward(C, layers, Xb)
            loss = F.cross_entropy(x, Yb)
            if i == 0:   # keep the tanh outputs' gradients of the first step to look at
                for layer in layers:
                    if isinstance(layer, Tanh):
                        layer.out.retain_grad()
            for p in parameters:
                p.grad = None
            loss.backward()
            lr = 0.1 if i < max_steps * 3 // 4 else 0.01   # step decay for the last quarter
            for p in parameters:
                p.data += -lr * p.grad
            with torch.no_grad():
                ud.append([((lr * p.grad).std() / p.data.std()).log10().item()
                           for p in weights])
            if i == 0:
                inside = _tanh_layers(layers, Tanh)
            losses.append(loss.item())
        if isinstance(layers[1], nn.BatchNorm1d):
            for layer in layers:
                if isinstance(layer, nn.BatchNorm1d):
                    layer.eval()   # from now on: the running statistics
        train_loss, val_loss = split_loss(C, layers, Xtr, Ytr), split_loss(C, layers, Xdev, Ydev)
        runs[variant] = dict(C=C, layers=layers, losses=losses, ud=ud, inside=inside,
                             first_loss=losses[0], train=train_loss, val=val_loss,
                             last_batch=Xtr[batches[-1]], first_batch=batches[0])
        for en, zh in layer_lines(inside, SATURATED):
            say.result(f"  {en}", f"  {zh}")
        say(*conclusion(variant, runs[variant], SATURATED))
        say.result(f"{variant}: first loss {losses[0]:.4f}; after {max_steps} steps train "
                   f"{train_loss:.4f}, val {val_loss:.4f}",
                   f"{name_zh}：第一步损失 {losses[0]:.4f}；训练 {max_steps} 步后训练集 "
                   f"{train_loss:.4f}，验证集 {val_loss:.4f}")

    say("The update-to-data ratio, lr · grad.std() / data.std() (--plot draws its log10 "
        "over training): about 1e-3 (-3) means each step changes the weights by a "
        "thousandth, neither frozen nor thrown around. The drop at three quarters of "
        "training is the learning rate going from 0.1 to 0.01.",
        zh="更新量与参数值之比 lr · grad.std() / data.std()（--plot 画出它在训练中的 log10）：约为 1e-3"
           "（即 -3）表示每一步把权重改变千分之一，既没有停滞也没有乱跳。训练到四分之三处的下降是学习率"
           "从 0.1 变为 0.01。")
    say("BatchNorm does not even need the careful init: the BatchNorm network with the naive "
        "N(0, 1) weights, one forward pass on the first batch.",
        zh="批归一化甚至不需要精心初始化：把批归一化网络的权重换成朴素的 N(0, 1)，在第一批数据上做一次前向传播。")
    g = torch.Generator().manual_seed(2147483647)
    C, layers, _ = build(batchnorm=True, naive=True)
    with torch.no_grad():
        forward(C, layers, Xtr[runs["BatchNorm"]["first_batch"]])
    naive_bn = 100 * float(np.mean([np.mean(np.abs(layer.out.cpu().numpy()) > SATURATED)
                                    for layer in layers if isinstance(layer, Tanh)]))
    without = saturation(runs["naive init"]["inside"], SATURATED)
    careful = saturation(runs["BatchNorm"]["inside"], SATURATED)
    say.result(f"BatchNorm with N(0, 1) weights: {naive_bn:.1f} % of the tanh outputs "
               f"saturated; with the careful weights {careful:.1f} %; without BatchNorm "
               f"{without:.1f} %",
               f"批归一化、权重取 N(0, 1)：tanh 输出中 {naive_bn:.1f}% 饱和；精心初始化的权重："
               f"{careful:.1f}%；没有批归一化：{without:.1f}%")
    say("The same share with either init: BatchNorm divides each layer's output by its "
        "own spread, so any scale of the weights before it cancels out.",
        zh="两种初始化的饱和比例相同：批归一化把每层的输出除以它自己的标准差，所以它前面的权重乘以任何倍数都会被抵消。")

    bn = _batchnorm_statistics(torch, say, runs["BatchNorm"], Xtr, Xdev, Ydev, F, nn,
                               forward)
    say("Sampling from the BatchNorm network in eval mode: one context at a time, which "
        "training mode could not even do.",
        zh="在 eval 模式下从批归一化网络采样：一次只输入一个上下文，训练模式下做不到。")
    run_bn = runs["BatchNorm"]
    names = sample_names(torch, lambda X: forward(run_bn["C"], run_bn["layers"], X), itos,
                         BLOCK_SIZE, device)
    say.result("names: " + ", ".join(names), "生成的名字：" + "，".join(names))

    if opts.plot:
        from viz import plots_activations as pa
        panels = {variant: r["inside"] for variant, r in runs.items()}
        opts.save_plot(pa.layer_histograms, "l23_activations.png",
                       {_label(say, v): {k: a for k, (a, _) in p.items()}
                        for v, p in panels.items()},
                       saturation=SATURATED, what="tanh activations per layer",
                       title=say.text("tanh outputs per layer, first step",
                                      "第一步各层 tanh 的输出"))
        opts.save_plot(pa.layer_histograms, "l23_gradients.png",
                       {_label(say, v): {k: gr for k, (_, gr) in p.items()}
                        for v, p in panels.items()},
                       what="gradients per layer",
                       title=say.text("gradients of the tanh outputs per layer, first step",
                                      "第一步各层 tanh 输出的梯度"),
                       xlabel=say.text("∂loss/∂(tanh output)", "∂loss/∂(tanh 输出)"))
        opts.save_plot(pa.update_ratios, "l23_update_ratio.png",
                       {_label(say, v): ratio_panels(r, say.text("weight", "的权重"))
                        for v, r in runs.items()},
                       what="update-to-data ratio")
    if opts.graph:
        draw_network(say, opts, torch, run_bn, Xtr[:4], Ytr[:4], forward, F)
    bn["naive weights saturation"] = naive_bn
    return result_dict(runs, bn, names, max_steps)


def _introduce(variant):
    if variant == "naive init":
        return ("Variant 1, naive init: every weight from N(0, 1), like lesson 22. Each "
                "Linear multiplies the spread of its input by about sqrt(fan_in): the "
                "pre-activations grow to ±10 and tanh answers ±1 almost everywhere.",
                "第一种，朴素初始化：所有权重都取自 N(0, 1)，和第 22 课一样。每个 Linear 把输入的分散程度放大约 "
                "sqrt(fan_in) 倍：激活前的数值达到 ±10，tanh 几乎处处输出 ±1。")
    if variant == "careful init":
        return ("Variant 2, careful init: weights · (5/3)/sqrt(fan_in) (Kaiming's gain for "
                "tanh keeps the spread of every layer's output near 1), and the last layer "
                "· 0.1, so the first prediction is nearly uniform: loss ≈ -log(1/27) = "
                "3.2958.",
                "第二种，精心初始化：权重乘以 (5/3)/sqrt(fan_in)（Kaiming 为 tanh 给出的增益，使每层输出的"
                "分散程度保持在 1 左右），最后一层再乘以 0.1，使第一次预测接近均匀分布：损失约为 "
                "-log(1/27) = 3.2958。")
    return ("Variant 3, BatchNorm: nn.BatchNorm1d after every Linear subtracts the batch's "
            "mean and divides by its std, then scales by gamma (weight) and shifts by beta "
            "(bias). The pre-activations are unit Gaussian by construction, whatever the "
            "init; the Linear needs no bias any more.",
            "第三种，批归一化：每个 Linear 之后接 nn.BatchNorm1d，减去这一批的均值、除以标准差，再乘以 "
            "gamma（weight）、加上 beta（bias）。不论如何初始化，激活前的数值都被做成了标准正态分布；"
            "Linear 也不再需要偏置。")


def _label(say, variant):
    return say.text(variant, ZH[variant])


def _tanh_layers(layers, Tanh):
    """{'tanh 1': (output values, their gradients)} for every Tanh, as NumPy."""
    inside = {}
    for layer in layers:
        if isinstance(layer, Tanh):
            inside[f"tanh {len(inside) + 1}"] = (
                layer.out.detach().cpu().numpy().copy(),
                layer.out.grad.detach().cpu().numpy().copy())
    return inside


def _batchnorm_statistics(torch, say, run_bn, Xtr, Xdev, Ydev, F, nn, forward):
    """BatchNorm's two modes: the running statistics against the batch's and the whole
    training set's, one example in each mode, and the dev loss in each mode."""
    C, layers = run_bn["C"], run_bn["layers"]
    first_bn = layers[1]
    kept = [(layer.running_mean.clone(), layer.running_var.clone())
            for layer in layers if isinstance(layer, nn.BatchNorm1d)]
    with torch.no_grad():
        hpre_all = layers[0](C[Xtr].view(Xtr.shape[0], -1))   # the first Linear, all rows
        Xb = run_bn["last_batch"]
        hpre_batch = layers[0](C[Xb].view(Xb.shape[0], -1))   # the last training batch
    set_mean = hpre_all.mean(0).cpu().numpy()
    batch_mean = hpre_batch.mean(0).cpu().numpy()
    running = first_bn.running_mean.cpu().numpy()
    set_var = hpre_all.var(0).cpu().numpy()
    running_var = first_bn.running_var.cpu().numpy()
    gap = float(np.abs(running - set_mean).max())
    batch_gap = float(np.abs(batch_mean - set_mean).max())
    say("Train mode normalises with the batch's own mean and variance, and updates "
        "running_mean ← 0.9 · running_mean + 0.1 · batch mean (momentum 0.1) on each step. "
        "Eval mode uses the running statistics instead, so one example alone gives a "
        "definite answer.",
        zh="训练模式用这一批自己的均值和方差做归一化，并在每一步更新 running_mean ← 0.9 · running_mean + "
           "0.1 · 这一批的均值（momentum 0.1）。eval 模式改用这些滑动统计量，所以单独一个样本也能得到确定的输出。")
    fmt = lambda a: "[" + ", ".join(f"{v:+.3f}" for v in a[:4]) + ", …]"   # noqa: E731
    say.result(f"first BatchNorm: running_mean {fmt(running)}; one batch's mean "
               f"{fmt(batch_mean)}; the training set's mean {fmt(set_mean)}",
               f"第一个 BatchNorm：running_mean {fmt(running)}；一批的均值 {fmt(batch_mean)}；"
               f"整个训练集的均值 {fmt(set_mean)}")
    say.result(f"  |running_mean - training set's mean| ≤ {gap:.3f} (one batch's mean: "
               f"≤ {batch_gap:.3f}); running_var {fmt(running_var)} vs {fmt(set_var)}",
               f"  |running_mean - 训练集均值| ≤ {gap:.3f}（一批的均值：≤ {batch_gap:.3f}）；"
               f"running_var {fmt(running_var)}，训练集方差 {fmt(set_var)}")
    one = Xdev[:1]
    with torch.no_grad():   # eval mode (set after training)
        eval_one = F.softmax(forward(C, layers, one), dim=1).max().item()
        eval_mode_loss = F.cross_entropy(forward(C, layers, Xdev), Ydev).item()
    bns = [layer for layer in layers if isinstance(layer, nn.BatchNorm1d)]
    for layer in bns:
        layer.train()
    try:
        with torch.no_grad():
            forward(C, layers, one)
        train_one = "no error"
    except ValueError as err:   # a batch of one has no spread to normalise by
        train_one = str(err)
    with torch.no_grad():
        train_mode_loss = F.cross_entropy(forward(C, layers, Xdev), Ydev).item()
        for layer, (mean, var) in zip(bns, kept):   # train mode moved them: put them back
            layer.running_mean.copy_(mean)
            layer.running_var.copy_(var)
    for layer in bns:
        layer.eval()
    say.result(f"one example in train mode: {train_one}",
               f"训练模式下输入一个样本：{train_one}")
    say.result(f"one example in eval mode: its most likely next character has p = "
               f"{eval_one:.3f}; dev loss in eval mode {eval_mode_loss:.4f} (in train mode, "
               f"the whole dev set as one batch: {train_mode_loss:.4f})",
               f"eval 模式下输入一个样本：最可能的下一个字符概率为 {eval_one:.3f}；eval 模式下验证集损失 "
               f"{eval_mode_loss:.4f}（训练模式、整个验证集作为一批：{train_mode_loss:.4f}）")
    return dict(gap=gap, batch_gap=batch_gap, train_one=train_one,
                eval_loss=eval_mode_loss, train_mode_loss=train_mode_loss)
