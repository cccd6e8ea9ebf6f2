"""Lesson 21 — the bigram model, learned (makemore, part 1, second half).

The same question as lesson 20 — which character follows this one? — answered by a
neural network instead of a count: the input character as a one-hot vector, times a
27 x 27 weight matrix W, gives 27 scores (logits, read as log-counts); exp and a
normalisation turn them into probabilities (softmax, written out by hand); the loss is
the mean negative log-likelihood of the next characters, plus a little W² to keep W
small. Gradient descent brings the loss down towards the counting model's; the learned
probabilities end up close to the counted ones."""
from tinygrad_edu.datasets import load_names

from .l20_bigram_counts import on_the_cpu

QUICK_NAMES = 1000        # --quick: the bigrams of the first names only
STEPS, QUICK_STEPS = 200, 40
LEARNING_RATE = 50
REGULARISATION = 0.01
COURSE_SEED = 2147483647  # the lecture's generator seed (+ --seed)
SAMPLES = 10


def run(torch, device, say, opts):
    F = torch.nn.functional
    on_the_cpu(say, device)
    say("The training set of bigrams (x, y): x the index of a character, y the index of "
        "the character that follows it. 'emma' gives x = . e m m a and y = e m m a .: "
        "given x, the network should give a high probability to y.",
        zh="二元组训练集 (x, y)：x 是一个字符的下标，y 是紧跟其后的字符的下标。'emma' 给出 "
           "x = . e m m a 和 y = e m m a .：给定 x，网络应当给 y 一个高概率。")
    words = load_names()
    chars = sorted(list(set(''.join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i: s for s, i in stoi.items()}
    if opts.quick:
        words = words[:QUICK_NAMES]
    xs, ys = [], []
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            xs.append(ix1)
            ys.append(ix2)
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    num = xs.nelement()
    say.result(f"{num:,} bigrams of {len(words):,} names; 'emma': xs[:5] = "
               f"{xs[:5].tolist()}, ys[:5] = {ys[:5].tolist()}",
               f"{len(words):,} 个名字共 {num:,} 个二元组；'emma'：xs[:5] = {xs[:5].tolist()}，"
               f"ys[:5] = {ys[:5].tolist()}")

    say("One-hot encoding: F.one_hot(xs, num_classes=27) turns index i into a row of 27 "
        "numbers, all 0 except a 1 at position i. It returns integers; .float() makes them "
        "numbers a weight matrix can multiply.",
        zh="独热编码：F.one_hot(xs, num_classes=27) 把下标 i 变成 27 个数的一行，除了第 i 位是 1 "
           "其余都是 0。它返回整数；.float() 把它变成可以和权重矩阵相乘的浮点数。")
    xenc = F.one_hot(xs, num_classes=27).float()
    say.result(f"xenc: shape {tuple(xenc.shape)}, dtype {xenc.dtype}; row 1 ('e') has its 1 "
               f"at index {xenc[1].argmax().item()}",
               f"xenc：形状 {tuple(xenc.shape)}，类型 {xenc.dtype}；第 1 行（'e'）的 1 在下标 "
               f"{xenc[1].argmax().item()}")

    say("The counting model on the same bigrams, for reference: one_hot(xs)ᵀ @ "
        "one_hot(ys) puts a 1 at (x, y) for every bigram, which is lesson 20's N; with +1 "
        "smoothing its mean negative log-likelihood is the loss to approach.",
        zh="作为参照，同样这些二元组上的计数模型：one_hot(xs)ᵀ @ one_hot(ys) 为每个二元组在 (x, y) "
           "处加 1，正是第 20 课的 N；加 1 平滑后它的平均负对数似然就是要逼近的损失。")
    N = xenc.T @ F.one_hot(ys, num_classes=27).float()
    P = N + 1
    P = P / P.sum(1, keepdims=True)
    count_nll = -P[xs, ys].log().mean().item()
    say.result(f"counting model: nll = {count_nll:.4f}", f"计数模型：nll = {count_nll:.4f}")

    say(f"The network: one linear layer without bias, W of shape 27 x 27 drawn from "
        f"torch.Generator().manual_seed({COURSE_SEED}). logits = xenc @ W picks row x of W: "
        f"27 numbers, read as log-counts. counts = logits.exp() makes them positive; "
        f"probs = counts / counts.sum(1, keepdims=True) makes each row sum to 1. These two "
        f"lines are the softmax.",
        zh=f"网络：一个不带偏置的线性层，W 的形状是 27×27，用 torch.Generator().manual_seed({COURSE_SEED}) "
           f"生成。logits = xenc @ W 取出 W 的第 x 行：27 个数，看作对数计数。counts = logits.exp() "
           f"把它们变成正数；probs = counts / counts.sum(1, keepdims=True) 让每一行的和为 1。"
           f"这两行就是 softmax。")
    g = torch.Generator().manual_seed(COURSE_SEED + opts.seed)
    W = opts.same("W", lambda: torch.randn((27, 27), generator=g))
    W.requires_grad = True

    say(f"The loss: probs[torch.arange(num), ys] picks, in every row, the probability "
        f"given to the right next character; -log, mean: the negative log-likelihood. "
        f"+ {REGULARISATION} * (W**2).mean() pulls W towards 0, where all 27 "
        f"probabilities are equal: the learned counterpart of the +1 smoothing.",
        zh=f"损失：probs[torch.arange(num), ys] 在每一行取出给正确的下一个字符的概率；取 -log、求平均："
           f"负对数似然。+ {REGULARISATION} * (W**2).mean() 把 W 拉向 0，那里 27 个概率都相等："
           f"它相当于计数模型里的 +1 平滑。")
    if opts.step or opts.graph:
        backward_once(torch, F, say, opts, W, xs[:5], ys[:5], itos)

    say(f"Gradient descent, {STEPS if not opts.quick else QUICK_STEPS} steps on all "
        f"{num:,} bigrams at once: forward (the loss), W.grad = None, loss.backward(), "
        f"then W.data += -{LEARNING_RATE} * W.grad. The learning rate is large because "
        f"the problem is simple: one layer, a smooth loss.",
        zh=f"梯度下降，在全部 {num:,} 个二元组上一次算完，共 {STEPS if not opts.quick else QUICK_STEPS} 步："
           f"前向传播（算损失）、W.grad = None、loss.backward()，再 W.data += -{LEARNING_RATE} * W.grad。"
           f"学习率很大，因为问题很简单：只有一层，损失很光滑。")
    steps = QUICK_STEPS if opts.quick else STEPS
    losses, nlls = [], []
    for k in opts.progress(range(steps), desc="gradient descent", unit="step"):
        # forward: the whole data set at once
        logits = xenc @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        nll = -probs[torch.arange(num), ys].log().mean()
        loss = nll + REGULARISATION * (W**2).mean()
        # backward
        W.grad = None
        loss.backward()
        # update
        W.data += -LEARNING_RATE * W.grad
        losses.append(loss.item())
        nlls.append(nll.item())
        if k % (steps // 4) == 0:
            say.result(f"step {k:3d}: loss {losses[-1]:.4f} (nll {nlls[-1]:.4f})",
                       f"第 {k:3d} 步：损失 {losses[-1]:.4f}（nll {nlls[-1]:.4f}）")
    with torch.no_grad():
        counts = (xenc @ W).exp()
        probs = counts / counts.sum(1, keepdims=True)
        final_nll = -probs[torch.arange(num), ys].log().mean().item()
        final_loss = final_nll + REGULARISATION * (W**2).mean().item()
    say.result(f"after {steps} steps: loss {final_loss:.4f}, nll {final_nll:.4f}; the "
               f"counting model: {count_nll:.4f}",
               f"{steps} 步之后：损失 {final_loss:.4f}，nll {final_nll:.4f}；计数模型：{count_nll:.4f}")

    say("What did W learn? Row i of W.exp() plays the part of row i of the count table "
        "N + 1 (up to a factor per row): normalised, it is the network's probability of "
        "each next character after character i. Compare with the counted P.",
        zh="W 学到了什么？W.exp() 的第 i 行相当于计数表 N + 1 的第 i 行（每行差一个倍数）："
           "归一化以后就是网络给出的、字符 i 之后每个字符的概率。和计数得到的 P 比较一下。")
    with torch.no_grad():
        learned = W.exp()
        learned = learned / learned.sum(1, keepdims=True)
    gap = (learned - P).abs().max().item()
    say.result(f"largest |P_learned - P_counted| = {gap:.4f}",
               f"|学到的 P - 计数的 P| 的最大值 = {gap:.4f}")

    say("Sampling from the network: feed the current character as a one-hot row, "
        "softmax the logits, draw the next character with torch.multinomial. With "
        "lesson 20's generator seed, the more alike the two models' probabilities, the "
        "more names come out the same (on the same engine).",
        zh="从网络采样：把当前字符作为独热行输入，对 logits 做 softmax，用 torch.multinomial 抽出下一个字符。"
           "用第 20 课同样的生成器种子，两个模型的概率越接近，（在同一个引擎上）抽出的相同名字就越多。")
    names = sample(torch, F, itos, COURSE_SEED + opts.seed, W=W)
    counted = sample(torch, F, itos, COURSE_SEED + opts.seed, P=P)
    same = len(set(names) & set(counted))
    say.result("sampled: " + " ".join(names), "采样得到：" + " ".join(names))
    say.result(f"the counted P, same seed: {' '.join(counted)}; {same} of the {SAMPLES} "
               f"names are in both lists",
               f"计数的 P，同样的种子：{' '.join(counted)}；{SAMPLES} 个名字中有 {same} 个两边都有")
    if opts.plot:
        from viz import plots, plots_lm
        opts.save_plot(plots.loss_curve, "l21_loss.png",
                       {say.text("loss (nll + 0.01·mean(W²))", "损失 (nll + 0.01·mean(W²))"):
                        losses, "nll": nlls,
                        say.text("counting model", "计数模型"): [count_nll] * len(losses)},
                       xlabel=say.text("step", "步数"), what="loss curve")
        opts.save_plot(plots_lm.bigram_heatmap, "l21_learned_probabilities.png", learned,
                       itos, title=say.text("the learned probabilities: softmax of W's rows",
                                            "学到的概率：W 每一行的 softmax"),
                       what="learned probabilities")
    return {"metrics": {"loss": final_loss, "nll": final_nll, "counting model nll": count_nll,
                        "largest probability gap": gap},
            "losses": losses, "samples": names,
            "summary": f"after {steps} steps of gradient descent: nll {final_nll:.4f} "
                       f"(loss {final_loss:.4f}); the counting model {count_nll:.4f}",
            "summary_zh": f"梯度下降 {steps} 步之后：nll {final_nll:.4f}（损失 {final_loss:.4f}）；"
                          f"计数模型 {count_nll:.4f}"}


def backward_once(torch, F, say, opts, W, xs, ys, itos):
    """The loss on the five bigrams of 'emma' and its backward pass, node by node (--step)
    and as a graph with its stepper page (--graph). W.grad is left as it was."""
    xenc = F.one_hot(xs, num_classes=27).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    picked = probs[torch.arange(5), ys]
    loss = -picked.log().mean() + REGULARISATION * (W**2).mean()
    rows = ", ".join(f"{itos[x]}→{itos[y]} {p:.4f}" for x, y, p in
                     zip(xs.tolist(), ys.tolist(), picked.tolist()))
    say.result(f"'emma' before training: the probability of each right next character: "
               f"{rows}; loss {loss.item():.4f}",
               f"训练前的 'emma'：每个正确的下一个字符的概率：{rows}；损失 {loss.item():.4f}")
    names = {"xenc": xenc, "ys": ys, "loss": loss}
    frames = opts.step_backward(loss, params={"W": W}, names=names)
    order = " → ".join(frames.order)
    say(f"One step of backward on these five bigrams ({order}): the loss hands -1/5 to "
        f"each picked log-probability; the division, exp and matrix product carry it back "
        f"to W. Only the rows of W for '.', 'e', 'm' and 'a' get a gradient from the "
        f"likelihood (xenc has zeros elsewhere); the W² term touches every entry.",
        zh=f"在这五个二元组上做一次反向传播（{order}）：损失给每个取出的对数概率传去 -1/5；"
           f"除法、exp 和矩阵乘法把它传回 W。只有 W 中 '.'、'e'、'm'、'a' 这几行从似然项得到梯度"
           f"（xenc 的其他位置都是 0）；W² 项则作用到每一个元素。")
    say.frames(frames, f"loss.backward() node by node ({len(frames.order)} nodes):",
               zh=f"loss.backward() 逐个节点（共 {len(frames.order)} 个节点）：")
    if opts.graph:
        from . import graphs
        svg = opts.save_graph(loss, "l21_neural_bigram_graph", params={"W": W}, names=names)
        html = opts.save_stepper(frames, "l21_neural_bigram_backward")
        say(f"--graph: the computational graph of the loss on 'emma' is in {svg}. In the "
            f"picture {graphs.picture(svg)}. {html} steps through the same backward pass "
            f"in a browser, with the numbers of the chain rule.",
            zh=f"--graph：'emma' 上损失的计算图在 {svg}。图中{graphs.picture(svg, 'zh')}。"
               f"用浏览器打开 {html} 可以单步查看同一次反向传播，每一步都有链式法则的具体数值。")


def sample(torch, F, itos, seed, W=None, P=None):
    """``SAMPLES`` names, one character at a time: from the network's softmax (``W``), or
    from the rows of the counted probabilities ``P`` as lesson 20 does."""
    g = torch.Generator().manual_seed(seed)
    names = []
    with torch.no_grad():
        for i in range(SAMPLES):
            out = []
            ix = 0
            while True:
                if W is not None:
                    xenc = F.one_hot(torch.tensor([ix]), num_classes=27).float()
                    logits = xenc @ W
                    counts = logits.exp()
                    p = counts / counts.sum(1, keepdims=True)
                else:
                    p = P[ix]
                ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
                out.append(itos[ix])
                if ix == 0:
                    break
            names.append(''.join(out))
    return names
