"""Lesson 24 — backprop by hand (makemore, part 4).

The MLP of lesson 23 with one BatchNorm layer (embedding 10, context 3, 64 hidden units),
its forward pass broken into small steps — cross-entropy written out (max, exp, sum,
1/sum, log, pick), BatchNorm written out (mean, difference, square, variance, 1/sqrt),
tanh, and the embedding lookup C[Xb]. The learner writes the gradient of every step by
hand (``lessons/l24_exercise.py``); the lesson checks each against autograd and prints a
table: exact, approximate (allclose) or wrong, with the largest difference. For a wrong
one it saves the backward step-through of that node with autograd's numbers.

The shipped ``lessons/l24_solution.py`` is complete; ``TINYGRAD_EDU_SOLUTION=file.py``
swaps in the learner's. Then the network trains on those hand-written gradients alone,
without ``loss.backward()``."""
from types import SimpleNamespace

from . import common, graphs
from .l23_data import build_dataset, same_parameters, split_names
from .l24_check import (ENV, VERDICTS, SolutionError, check, counts, frames_for,
                        largest_difference, learner_gradients, load_solution, table_lines,
                        name_the_seed, telling_elements)

N_EMBD, N_HIDDEN, BLOCK_SIZE, BATCH_SIZE = 10, 64, 3, 32
INTERMEDIATES = ("emb", "embcat", "hprebn", "bnmeani", "bndiff", "bndiff2", "bnvar",
                 "bnvar_inv", "bnraw", "hpreact", "h", "logits", "logit_maxes",
                 "norm_logits", "counts", "counts_sum", "counts_sum_inv", "probs", "logprobs")
PARAMETERS = ("C", "W1", "b1", "W2", "b2", "bngain", "bnbias")
PAGES = 3   # stepper pages saved for wrong gradients (the first wrong ones: later ones use them)


def forward(torch, p, Xb, Yb):
    """The forward pass in small steps, each a node whose gradient the learner writes.
    Returns every tensor by name (``v.probs`` …), the loss and the batch included."""
    layers = hidden_and_output(torch, p, Xb)
    loss = cross_entropy_pieces(torch, layers.logits, Yb)
    return SimpleNamespace(n=Xb.shape[0], Xb=Xb, Yb=Yb, **vars(p), **vars(layers),
                           **vars(loss))


def hidden_and_output(torch, p, Xb):
    """From the characters to the logits: embedding, Linear, BatchNorm, tanh, Linear."""
    n = Xb.shape[0]
    emb = p.C[Xb]                                  # embed the characters: (n, 3, 10)
    embcat = emb.view(emb.shape[0], -1)            # concatenate: (n, 30)
    hprebn = embcat @ p.W1 + p.b1                  # hidden layer before BatchNorm
    bnmeani = 1 / n * hprebn.sum(0, keepdim=True)  # BatchNorm: the batch's mean
    bndiff = hprebn - bnmeani
    bndiff2 = bndiff**2
    bnvar = 1 / (n - 1) * bndiff2.sum(0, keepdim=True)   # unbiased variance (n - 1)
    bnvar_inv = (bnvar + 1e-5)**-0.5
    bnraw = bndiff * bnvar_inv
    hpreact = p.bngain * bnraw + p.bnbias
    h = torch.tanh(hpreact)                        # the non-linearity
    logits = h @ p.W2 + p.b2                       # the output layer
    return SimpleNamespace(emb=emb, embcat=embcat, hprebn=hprebn, bnmeani=bnmeani,
                           bndiff=bndiff, bndiff2=bndiff2, bnvar=bnvar, bnvar_inv=bnvar_inv,
                           bnraw=bnraw, hpreact=hpreact, h=h, logits=logits)


def cross_entropy_pieces(torch, logits, Yb):
    """F.cross_entropy(logits, Yb), written out."""
    n = logits.shape[0]
    logit_maxes = logits.max(1, keepdim=True).values
    norm_logits = logits - logit_maxes             # subtract the max, for exp's sake
    counts = norm_logits.exp()
    counts_sum = counts.sum(1, keepdim=True)
    counts_sum_inv = counts_sum**-1
    probs = counts * counts_sum_inv
    logprobs = probs.log()
    loss = -logprobs[range(n), Yb].mean()
    return SimpleNamespace(logit_maxes=logit_maxes, norm_logits=norm_logits, counts=counts,
                           counts_sum=counts_sum, counts_sum_inv=counts_sum_inv, probs=probs,
                           logprobs=logprobs, loss=loss)


def run(torch, device, say, opts):
    F = torch.nn.functional
    try:
        solution, where = load_solution()
    except SolutionError as err:
        say.result(f"{err}", f"{err}")
        return {"summary": str(err), "metrics": {}, "stopped": True}
    words, stoi, itos, (train_words, dev_words, _) = split_names()
    if opts.quick:
        train_words, dev_words = train_words[:2500], dev_words[:300]
    Xtr, Ytr = (t.to(device) for t in build_dataset(torch, train_words, stoi, BLOCK_SIZE))
    Xdev, Ydev = (t.to(device) for t in build_dataset(torch, dev_words, stoi, BLOCK_SIZE))
    vocab_size = len(itos)

    say("The network: C (27 × 10), W1 (30 × 64) + b1, a BatchNorm (bngain, bnbias), "
        "tanh, W2 (64 × 27) + b2. The biases and BatchNorm's parameters start as small "
        "random numbers rather than 0 and 1, so that a wrong gradient cannot hide behind "
        "a zero.",
        zh="网络：C (27 × 10)，W1 (30 × 64) + b1，一个批归一化层（bngain、bnbias），tanh，W2 (64 × 27) + b2。"
           "偏置和批归一化的参数用小的随机数初始化而不是 0 和 1，免得错误的梯度被 0 掩盖。")
    g = torch.Generator().manual_seed(2147483647)
    fan_in = N_EMBD * BLOCK_SIZE
    p = SimpleNamespace(
        C=torch.randn((vocab_size, N_EMBD), generator=g),
        W1=torch.randn((fan_in, N_HIDDEN), generator=g) * (5 / 3) / fan_in**0.5,
        b1=torch.randn(N_HIDDEN, generator=g) * 0.1,
        W2=torch.randn((N_HIDDEN, vocab_size), generator=g) * 0.1,
        b2=torch.randn(vocab_size, generator=g) * 0.1,
        bngain=torch.randn((1, N_HIDDEN), generator=g) * 0.1 + 1.0,
        bnbias=torch.randn((1, N_HIDDEN), generator=g) * 0.1)
    for name in PARAMETERS:
        setattr(p, name, getattr(p, name).to(device))
    parameters = same_parameters(opts, torch, [getattr(p, k) for k in PARAMETERS], "parameters")
    for t in parameters:
        t.requires_grad = True
    ix = opts.same("batch", lambda: torch.randint(0, Xtr.shape[0], (BATCH_SIZE,),
                                                  generator=g)).to(device)
    Xb, Yb = Xtr[ix], Ytr[ix]

    say("The forward pass in small steps: every intermediate tensor keeps its gradient "
        "(retain_grad), so that autograd's answer is there to compare with.",
        zh="把前向传播拆成小步：每个中间张量都保留梯度（retain_grad），以便与自动求导的结果比较。")
    v = forward(torch, p, Xb, Yb)
    for name in INTERMEDIATES:
        getattr(v, name).retain_grad()
    v.loss.backward()
    say.result(f"loss on a batch of {BATCH_SIZE}: {v.loss.item():.4f}",
               f"一批 {BATCH_SIZE} 个样本上的损失：{v.loss.item():.4f}")

    say(f"Your gradients come from {where} (set {ENV}=your_file.py to use yours: copy "
        f"lessons/l24_exercise.py). They run under torch.no_grad(), from the loss back to "
        f"C; each is compared with autograd's .grad.",
        zh=f"你的梯度来自 {where}（设置 {ENV}=你的文件.py 即可换成你自己的：先复制 "
           f"lessons/l24_exercise.py）。它们在 torch.no_grad() 下运行，从损失一直算到 C；"
           f"每一个都与自动求导的 .grad 比较。")
    d, one_go, error = learner_gradients(torch, solution, v, v.hpreact.grad)
    rows = check(torch, v, d, one_go)
    if error:
        say.result(f"your code stopped: {error}", f"你的代码出错停止了：{error}")
    for en, zh in table_lines(rows, say.lang):
        say.result(en, zh)
    tally = counts(rows)
    say.result(", ".join(f"{k}: {n}" for k, n in tally.items()),
               "，".join(f"{VERDICTS[k]}：{n}" for k, n in tally.items()))

    wrong = [row for row in rows if row[3] in ("wrong", "wrong shape")]
    small = forward(torch, p, Xb[:4], Yb[:4])   # 4 examples: numbers that fit on a page
    pages = []
    if wrong or opts.graph:
        names = {k: getattr(small, k) for k in PARAMETERS + INTERMEDIATES}
        names.update(loss=small.loss, Xb=small.Xb, Yb=small.Yb)
        frames = telling_elements(opts.step_backward(small.loss, names=names))
        for label, node, *_ in wrong[:PAGES]:
            focused = frames_for(frames, node)
            if focused is not None:
                path = opts.save_stepper(focused, f"l24_{node}_backward")
                pages.append(path)
                say.frames(focused, en=f"How autograd computes ∂loss/∂{node}:",
                           zh=f"自动求导如何计算 ∂loss/∂{node}：")
                say.result(f"{label} is wrong: {path} steps through how autograd computes "
                           f"it (on 4 examples), the chain rule with numbers",
                           f"{label} 不对：{path} 逐步展示自动求导如何计算它（4 个样本），"
                           f"给出链式法则的具体数值")
        if len(wrong) > PAGES:
            say.result(f"({len(wrong) - PAGES} more wrong: fix the first ones, the later "
                       f"gradients are built on them)",
                       f"（还有 {len(wrong) - PAGES} 个错误：先改前面的，后面的梯度是在它们之上算出来的）")
        if opts.graph:
            _draw_in_two_parts(say, opts, torch, p, Xb[:4], Yb[:4])

    result = _train_by_hand(torch, say, opts, solution, p, parameters, d, Xtr, Ytr, Xdev,
                            Ydev, itos, g, F)
    metrics = {"loss": v.loss.item(), "largest |difference|": largest_difference(rows),
               "exact": tally.get("exact", 0), "approximate": tally.get("approximate", 0),
               "wrong": tally.get("wrong", 0) + tally.get("wrong shape", 0),
               "not written": tally.get("not written", 0)}
    metrics.update(result.pop("metrics"))
    summary = (f"{tally.get('exact', 0)} exact, {tally.get('approximate', 0)} approximate, "
               f"{metrics['wrong']} wrong, {metrics['not written']} not written "
               f"(largest difference {metrics['largest |difference|']:.2e}); "
               + result.pop("summary"))
    summary_zh = (f"完全相同 {tally.get('exact', 0)}，近似相等 {tally.get('approximate', 0)}，"
                  f"错误 {metrics['wrong']}，未写 {metrics['not written']}"
                  f"（最大差值 {metrics['largest |difference|']:.2e}）；"
                  + result.pop("summary_zh"))
    return dict(result, metrics=metrics, rows=rows, pages=[str(x) for x in pages],
                solution=where, summary=summary, summary_zh=summary_zh)


def _train_by_hand(torch, say, opts, solution, p, parameters, d, Xtr, Ytr, Xdev, Ydev, itos,
                   g, F):
    """Exercise 4: train with the hand-written gradients only (no loss.backward())."""
    if any(getattr(d, name, None) is None for name in PARAMETERS):
        say.result("training by hand skipped: some parameter gradients are not written yet",
                   "跳过手写梯度训练：有些参数的梯度还没有写")
        return {"metrics": {}, "summary": "no training (gradients missing)",
                "summary_zh": "没有训练（缺少梯度）"}
    steps = 200 if opts.quick else 20000
    say(f"Training with your gradients alone: {steps} steps of SGD (lr 0.1, then 0.01 for "
        f"the last quarter), no loss.backward() anywhere.",
        zh=f"只用你的梯度训练：SGD {steps} 步（学习率 0.1，最后四分之一为 0.01），完全不调用 loss.backward()。")
    batches = opts.same("batches", lambda: torch.randint(0, Xtr.shape[0], (steps, BATCH_SIZE),
                                                         generator=g)).to(Xtr.device)
    losses = []
    with torch.no_grad():
        for i in opts.progress(range(steps), desc="steps", unit="step"):
            v = forward(torch, p, Xtr[batches[i]], Ytr[batches[i]])
            grads = SimpleNamespace()
            solution.backward(torch, v, grads)
            lr = 0.1 if i < steps * 3 // 4 else 0.01
            for name, t in zip(PARAMETERS, parameters):
                t.data += -lr * getattr(grads, name)
            losses.append(v.loss.item())
            if i % (steps // 4) == 0 or i == steps - 1:
                say.result(f"step {i:6d}: loss {losses[-1]:.4f}", f"第 {i:6d} 步：损失 {losses[-1]:.4f}")
        # BatchNorm at test time: the mean and variance of the whole training set
        hprebn = p.C[Xtr].view(Xtr.shape[0], -1) @ p.W1 + p.b1
        bnmean, bnvar = hprebn.mean(0, keepdim=True), hprebn.var(0, keepdim=True)

        def logits_of(X):
            h = p.C[X].view(X.shape[0], -1) @ p.W1 + p.b1
            h = torch.tanh(p.bngain * (h - bnmean) * (bnvar + 1e-5)**-0.5 + p.bnbias)
            return h @ p.W2 + p.b2
        train_loss = F.cross_entropy(logits_of(Xtr), Ytr).item()
        val_loss = F.cross_entropy(logits_of(Xdev), Ydev).item()
    from .l23_report import sample_names
    names = sample_names(torch, logits_of, itos, BLOCK_SIZE, Xtr.device)
    say.result(f"after {steps} steps (BatchNorm with the training set's mean and variance): "
               f"train {train_loss:.4f}, val {val_loss:.4f}",
               f"{steps} 步后（批归一化用整个训练集的均值和方差）：训练集 {train_loss:.4f}，验证集 {val_loss:.4f}")
    say.result("names: " + ", ".join(names), "生成的名字：" + "，".join(names))
    common.plot_losses(opts, "l24_loss.png", losses, xlabel="step",
                       what="loss, trained by hand")
    return {"metrics": {"train loss": train_loss, "val loss": val_loss}, "losses": losses,
            "names": names,
            "summary": f"trained {steps} steps by hand: train {train_loss:.4f}, val "
                       f"{val_loss:.4f}",
            "summary_zh": f"手写梯度训练 {steps} 步：训练集 {train_loss:.4f}，验证集 {val_loss:.4f}"}


def _draw_in_two_parts(say, opts, torch, p, Xb, Yb):
    """--graph, on 4 examples, in two pictures that each stay readable: the cross-entropy
    written out (from the logits, a leaf here, to the loss), and the layers (from C and
    the weights to the logits), the second stepped through backward from the gradient
    the first hands to the logits."""
    logits = hidden_and_output(torch, p, Xb).logits.detach().requires_grad_()
    ce = cross_entropy_pieces(torch, logits, Yb)
    names = dict(vars(ce), logits=logits, Yb=Yb)
    svg1, html1, frames1 = opts.save_backward(ce.loss, "l24_cross_entropy", names=names)
    dlogits = torch.autograd.grad(ce.loss, logits)[0]
    layers = hidden_and_output(torch, p, Xb)
    names = dict(vars(layers), Xb=Xb, **{k: getattr(p, k) for k in PARAMETERS})
    frames2 = telling_elements(opts.step_backward(layers.logits, gradient=dlogits,
                                                  names=names))
    name_the_seed(frames2, "logits", _numpy(dlogits), say.text(
        "the seed: what the cross-entropy hands back", "种子：交叉熵传回的梯度"))
    svg2 = opts.save_graph(layers.logits, "l24_layers_graph", names=names)
    html2 = opts.save_stepper(frames2, "l24_layers_backward")
    say(f"--graph, on 4 examples: the cross-entropy written out is drawn in {svg1} and "
        f"stepped through in {html1} ({graphs.short_order(frames1)}); the layers, from C "
        f"to the logits, in {svg2} and {html2}, starting from the ∂loss/∂logits the "
        f"cross-entropy hands back ({graphs.short_order(frames2)}).",
        zh=f"--graph（4 个样本）：拆开写的交叉熵画在 {svg1}，{html1} 逐步展示它的反向传播"
           f"（{graphs.short_order(frames1, lang='zh')}）；从 C 到 logits 的各层画在 {svg2}，{html2} "
           f"从交叉熵传回的 ∂loss/∂logits 开始逐步展示（{graphs.short_order(frames2, lang='zh')}）。")


def _numpy(t):
    return t.detach().cpu().numpy()
