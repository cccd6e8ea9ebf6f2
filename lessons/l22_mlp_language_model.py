"""Lesson 22 — an MLP language model (makemore, part 2; Bengio et al. 2003).

A bigram model sees one character; counting contexts of three would need a table of
27³ = 19,683 rows, most of them never seen. Instead each character gets a learned
vector (an embedding, a row of C), the three vectors of the context are joined and fed
to a tanh hidden layer, and a linear layer scores the 27 possible next characters;
F.cross_entropy is the loss. Trained on minibatches of 32, with a train/val/test split
of the names, a learning rate that drops from 0.1 to 0.01 halfway, and the loss plotted
per step. Then names sampled from it, and — in a short extra run with 2-D embeddings —
a picture of where each character sits."""
import random

from tinygrad_edu.datasets import load_names

from .l20_bigram_counts import on_the_cpu

BLOCK_SIZE = 3             # context length: how many characters predict the next one
EMB, HIDDEN, BATCH = 10, 200, 32
STEPS, QUICK_STEPS = 200_000, 2_000
PLOT_STEPS, PLOT_QUICK_STEPS = 20_000, 500    # the 2-D embedding's extra run (--plot)
COURSE_SEED = 2147483647   # the lecture's generator seed (+ --seed)
SPLIT_SEED = 42            # the shuffle of the names before the split
SAMPLES = 10


def run(torch, device, say, opts):
    F = torch.nn.functional
    on_the_cpu(say, device)
    words = load_names()
    chars = sorted(list(set(''.join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i: s for s, i in stoi.items()}

    say(f"The data set: for every character of every name (and the closing '.'), the "
        f"{BLOCK_SIZE} characters before it are the input X and the character is the "
        f"label Y. The context starts as '...' and slides along the name.",
        zh=f"数据集：对每个名字的每个字符（以及结尾的 '.'），它前面的 {BLOCK_SIZE} 个字符是输入 X，"
           f"这个字符是标签 Y。上下文从 '...' 开始，沿着名字向后滑动。")

    def build_dataset(words):
        X, Y = [], []
        for w in words:
            context = [0] * BLOCK_SIZE
            for ch in w + '.':
                ix = stoi[ch]
                X.append(context)
                Y.append(ix)
                context = context[1:] + [ix]   # slide: drop the oldest, add the newest
        X = torch.tensor(X)
        Y = torch.tensor(Y)
        return X, Y

    Xe, Ye = build_dataset(['emma'])
    say.result("'emma': " + ", ".join(f"{''.join(itos[i] for i in x)} → {itos[y]}"
                                      for x, y in zip(Xe.tolist(), Ye.tolist())))

    say(f"Split the names, shuffled with random.seed({SPLIT_SEED}): 80 % to train the "
        f"parameters, 10 % (val, the development set) to choose the hyperparameters — "
        f"sizes, learning rate, steps — and 10 % (test) looked at once, at the end. A "
        f"model large enough to memorise its training set shows a val loss above its "
        f"training loss: overfitting.",
        zh=f"划分名字（先用 random.seed({SPLIT_SEED}) 打乱）：80 % 用来训练参数，10 %（val，开发集）"
           f"用来选择超参数——大小、学习率、步数——10 %（test）只在最后看一次。模型大到能记住训练集时，"
           f"val 上的损失会高于训练损失：过拟合。")
    names = list(words)
    random.Random(SPLIT_SEED).shuffle(names)   # Python's own generator: the same on both engines
    n1 = int(0.8 * len(names))
    n2 = int(0.9 * len(names))
    Xtr, Ytr = build_dataset(names[:n1])
    Xdev, Ydev = build_dataset(names[n1:n2])
    Xte, Yte = build_dataset(names[n2:])
    say.result(f"train {tuple(Xtr.shape)} from {n1:,} names, val {tuple(Xdev.shape)}, test "
               f"{tuple(Xte.shape)}",
               f"训练集 {tuple(Xtr.shape)}（{n1:,} 个名字），验证集 {tuple(Xdev.shape)}，"
               f"测试集 {tuple(Xte.shape)}")

    say(f"The parameters: C ({len(itos)} x {EMB}), a {EMB}-number vector per character; "
        f"W1 ({BLOCK_SIZE * EMB} x {HIDDEN}) and b1, the tanh hidden layer; W2 ({HIDDEN} x "
        f"{len(itos)}) and b2, the scores of the next character. All drawn from "
        f"torch.Generator().manual_seed({COURSE_SEED}), then requires_grad = True.",
        zh=f"参数：C（{len(itos)}×{EMB}），每个字符一个 {EMB} 维向量；W1（{BLOCK_SIZE * EMB}×{HIDDEN}）"
           f"和 b1，tanh 隐藏层；W2（{HIDDEN}×{len(itos)}）和 b2，下一个字符的分数。全部用 "
           f"torch.Generator().manual_seed({COURSE_SEED}) 生成，然后设 requires_grad = True。")
    g = torch.Generator().manual_seed(COURSE_SEED + opts.seed)
    parameters = opts.same("parameters", lambda: make_parameters(torch, g, EMB, HIDDEN))
    C, W1, b1, W2, b2 = parameters
    for p in parameters:
        p.requires_grad = True
    say.result(f"{sum(p.nelement() for p in parameters):,} parameters",
               f"共 {sum(p.nelement() for p in parameters):,} 个参数")

    say(f"The forward pass. C[X] looks up every index of X at once: X is (32, "
        f"{BLOCK_SIZE}) integers, C[X] is (32, {BLOCK_SIZE}, {EMB}). emb.view(-1, "
        f"{BLOCK_SIZE * EMB}) lays the three vectors side by side without copying (the "
        f"same memory, read with another shape). Then h = tanh(emb @ W1 + b1), logits = "
        f"h @ W2 + b2.",
        zh=f"前向传播。C[X] 一次查出 X 中每个下标对应的行：X 是 (32, {BLOCK_SIZE}) 的整数，C[X] 是 "
           f"(32, {BLOCK_SIZE}, {EMB})。emb.view(-1, {BLOCK_SIZE * EMB}) 把三个向量并排放，不复制数据"
           f"（同一块内存，换一个形状来读）。然后 h = tanh(emb @ W1 + b1)，logits = h @ W2 + b2。")
    emb = C[Xe]
    say.result(f"C[X] for 'emma': {tuple(emb.shape)} → view {tuple(emb.view(-1, BLOCK_SIZE * EMB).shape)}",
               f"'emma' 的 C[X]：{tuple(emb.shape)} → view {tuple(emb.view(-1, BLOCK_SIZE * EMB).shape)}")

    say("The loss: F.cross_entropy(logits, Y) computes what lesson 21 wrote by hand (exp, "
        "normalise, pick, -log, mean) in one fused step: faster, a simpler backward, and "
        "safe with large logits — it subtracts each row's maximum first, which leaves the "
        "probabilities unchanged. By hand, exp(100) overflows to inf:",
        zh="损失：F.cross_entropy(logits, Y) 一步完成第 21 课手写的内容（exp、归一化、取值、-log、求平均）："
           "更快，反向传播更简单，而且对很大的 logits 也安全——它先减去每行的最大值，概率不变。"
           "手写时 exp(100) 会溢出成 inf：")
    big = torch.tensor([[-2.0, 3.0, 0.0, 100.0]])
    counts = big.exp()
    by_hand = counts / counts.sum(1, keepdims=True)
    fused = F.cross_entropy(big, torch.tensor([3])).item()
    say.result(f"logits {big.tolist()[0]}: by hand probs {by_hand.tolist()[0]}; "
               f"F.cross_entropy {fused:.4f}",
               f"logits {big.tolist()[0]}：手写的概率 {by_hand.tolist()[0]}；"
               f"F.cross_entropy {fused:.4f}")
    if opts.step or opts.graph:
        backward_once(torch, F, say, opts, parameters, Xe, Ye)

    steps = QUICK_STEPS if opts.quick else STEPS
    decay_at = steps // 2
    say(f"Training: {steps:,} steps. Each picks a minibatch of {BATCH} random examples "
        f"(torch.randint(0, Xtr.shape[0], ({BATCH},), generator=g)): its gradient is only "
        f"an estimate, but over 5,000 times cheaper than the full training set's, and many "
        f"rough steps beat a few exact ones. Learning rate 0.1, then 0.01 from step "
        f"{decay_at:,} on (step decay): big steps while far away, small ones to settle.",
        zh=f"训练：{steps:,} 步。每一步随机选 {BATCH} 个样本组成小批量（torch.randint(0, Xtr.shape[0], "
           f"({BATCH},), generator=g)）：它的梯度只是估计，但比整个训练集便宜 5,000 多倍，许多粗略的步子"
           f"胜过少数精确的步子。学习率 0.1，从第 {decay_at:,} 步起降为 0.01（阶梯衰减）："
           f"离得远时迈大步，快到了用小步稳住。")
    losses = train(torch, F, opts, say, parameters, Xtr, Ytr, g, steps, decay_at)

    train_loss = split_loss(torch, F, parameters, Xtr, Ytr)
    val_loss = split_loss(torch, F, parameters, Xdev, Ydev)
    test_loss = split_loss(torch, F, parameters, Xte, Yte)
    if val_loss - train_loss < 0.05:
        verdict = ("close together: the model does not overfit; it is small enough that a "
                   "bigger one could do better",
                   "很接近：模型没有过拟合；它还足够小，更大的模型可能做得更好")
    else:
        verdict = ("val clearly above train: the model starts to memorise its training set "
                   "(overfitting)", "验证集明显高于训练集：模型开始记住训练集（过拟合）")
    say(f"The losses on the whole splits, computed under torch.no_grad(). Train and val "
        f"are {verdict[0]}.",
        zh=f"在整个数据集上算损失（放在 torch.no_grad() 下）。训练集和验证集的损失{verdict[1]}。")
    say.result(f"train loss {train_loss:.4f}, val loss {val_loss:.4f}, test loss "
               f"{test_loss:.4f} (the bigram model: about 2.45)",
               f"训练集损失 {train_loss:.4f}，验证集损失 {val_loss:.4f}，测试集损失 {test_loss:.4f}"
               f"（二元模型：约 2.45）")

    say("Sampling: start from the context '...', run the network, softmax the logits "
        "into probabilities, draw the next character with torch.multinomial, slide the "
        "context, until '.' comes out.",
        zh="采样：从上下文 '...' 开始，运行网络，用 softmax 把 logits 变成概率，用 torch.multinomial "
           "抽出下一个字符，滑动上下文，直到抽出 '.'。")
    sampled = sample(torch, F, parameters, itos, COURSE_SEED + 10 + opts.seed)
    say.result("sampled: " + " ".join(sampled), "采样得到：" + " ".join(sampled))

    if opts.plot:
        from viz import plots_lm
        opts.save_plot(plots_lm.step_losses, "l22_loss.png", losses, decay_at=decay_at,
                       what="loss per step")
        embedding_plot(torch, F, opts, say, itos, Xtr, Ytr, Xdev, Ydev)
    return {"metrics": {"train loss": train_loss, "val loss": val_loss, "test loss": test_loss},
            "losses": losses, "samples": sampled,
            "summary": f"val loss {val_loss:.4f} (train {train_loss:.4f}, test "
                       f"{test_loss:.4f}) after {steps:,} steps; sampled "
                       f"{' '.join(sampled[:3])} ...",
            "summary_zh": f"{steps:,} 步之后验证集损失 {val_loss:.4f}（训练集 {train_loss:.4f}，"
                          f"测试集 {test_loss:.4f}）；采样 {' '.join(sampled[:3])} ……"}


def make_parameters(torch, g, emb, hidden):
    """C, W1, b1, W2, b2 drawn from the generator ``g``, as the lecture draws them."""
    C = torch.randn((27, emb), generator=g)
    W1 = torch.randn((BLOCK_SIZE * emb, hidden), generator=g)
    b1 = torch.randn(hidden, generator=g)
    W2 = torch.randn((hidden, 27), generator=g)
    b2 = torch.randn(27, generator=g)
    return C, W1, b1, W2, b2


def train(torch, F, opts, say, parameters, Xtr, Ytr, g, steps, decay_at, quiet=False,
          stream="batch"):
    """Minibatch gradient descent; returns the minibatch loss of every step. In compare
    the minibatches are the first engine's (``opts.same``)."""
    C, W1, b1, W2, b2 = parameters
    width = C.shape[1] * BLOCK_SIZE
    losses = []
    bar = opts.progress(range(steps), desc="steps", unit="step")
    for i in bar:
        # 32 random examples of the training set
        ix = opts.same((stream, i), lambda: torch.randint(0, Xtr.shape[0], (BATCH,),
                                                          generator=g))
        # forward
        emb = C[Xtr[ix]]                           # (32, 3, emb)
        h = torch.tanh(emb.view(-1, width) @ W1 + b1)
        logits = h @ W2 + b2
        loss = F.cross_entropy(logits, Ytr[ix])
        # backward: clear the old gradients first
        for p in parameters:
            p.grad = None
        loss.backward()
        # update, with the learning rate of this step
        lr = 0.1 if i < decay_at else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        losses.append(loss.item())
        if i % 5000 == 0:
            bar.set_postfix(loss=losses[-1])
        if not quiet and (i % (steps // 10) == 0 or i == steps - 1):
            say.result(f"{i:7d}/{steps:7d}: {losses[-1]:.4f}")
    return losses


def split_loss(torch, F, parameters, X, Y):
    """The loss over a whole split, without building a graph."""
    C, W1, b1, W2, b2 = parameters
    with torch.no_grad():
        emb = C[X]
        h = torch.tanh(emb.view(emb.shape[0], -1) @ W1 + b1)
        logits = h @ W2 + b2
        return F.cross_entropy(logits, Y).item()


def sample(torch, F, parameters, itos, seed):
    """``SAMPLES`` names from the model, one character at a time."""
    C, W1, b1, W2, b2 = parameters
    g = torch.Generator().manual_seed(seed)
    names = []
    with torch.no_grad():
        for _ in range(SAMPLES):
            out = []
            context = [0] * BLOCK_SIZE
            while True:
                emb = C[torch.tensor([context])]    # (1, block_size, emb)
                h = torch.tanh(emb.view(1, -1) @ W1 + b1)
                logits = h @ W2 + b2
                probs = F.softmax(logits, dim=1)
                ix = torch.multinomial(probs, num_samples=1, generator=g).item()
                context = context[1:] + [ix]
                out.append(ix)
                if ix == 0:
                    break
            names.append(''.join(itos[i] for i in out))
    return names


def backward_once(torch, F, say, opts, parameters, X, Y):
    """The loss on the five examples of 'emma', before training: its graph and its
    backward stepper (--graph), node by node in the terminal (--step). The parameters'
    .grad are left as they were."""
    C, W1, b1, W2, b2 = parameters
    emb = C[X]
    h = torch.tanh(emb.view(-1, BLOCK_SIZE * C.shape[1]) @ W1 + b1)
    logits = h @ W2 + b2
    loss = F.cross_entropy(logits, Y)
    params = {"C": C, "W1": W1, "b1": b1, "W2": W2, "b2": b2}
    names = {"X": X, "Y": Y, "loss": loss}
    frames = opts.step_backward(loss, params=params, names=names)
    order = " → ".join(frames.order)
    say(f"Backward on the five examples of 'emma' ({order}): cross-entropy hands "
        f"(softmax - one_hot(Y)) / 5 to the logits; the tanh multiplies by 1 - h²; the "
        f"lookup C[X] sends each row's gradient back to the character it came from, "
        f"adding up where a character repeats (the two m's).",
        zh=f"在 'emma' 的五个样本上做反向传播（{order}）：交叉熵把 (softmax - one_hot(Y)) / 5 "
           f"传给 logits；tanh 乘以 1 - h²；查表 C[X] 把每一行的梯度送回它来自的那个字符，"
           f"同一个字符出现多次时梯度相加（两个 m）。")
    if opts.step:
        say.frames(frames, f"loss.backward() node by node ({len(frames.order)} nodes):",
                   zh=f"loss.backward() 逐个节点（共 {len(frames.order)} 个节点）：")
    if opts.graph:
        from . import graphs
        svg = opts.save_graph(loss, "l22_mlp_graph", params=params, names=names)
        html = opts.save_stepper(frames, "l22_mlp_backward")
        say(f"--graph: the computational graph of the loss on 'emma' is in {svg}. In the "
            f"picture {graphs.picture(svg)}. {html} steps through its backward pass.",
            zh=f"--graph：'emma' 上损失的计算图在 {svg}。图中{graphs.picture(svg, 'zh')}。"
               f"{html} 单步展示它的反向传播。")


def embedding_plot(torch, F, opts, say, itos, Xtr, Ytr, Xdev, Ydev):
    """--plot: a short extra run of the same network with 2-D embeddings (C is 27 x 2,
    100 hidden units), then each character drawn at its row of C."""
    steps = PLOT_QUICK_STEPS if opts.quick else PLOT_STEPS
    say(f"--plot: the embedding picture. The model above has 10-D vectors; to see them "
        f"whole, a second model with C of width 2 (and 100 hidden units) trains for "
        f"{steps:,} steps, and each character is drawn at its 2-D vector. Characters the "
        f"network treats alike sit close together.",
        zh=f"--plot：嵌入图。上面的模型用 10 维向量；为了完整地画出来，另训练一个 C 宽度为 2（隐藏层 100）"
           f"的模型 {steps:,} 步，把每个字符画在它的二维向量处。网络看作相似的字符会挨在一起。")
    g = torch.Generator().manual_seed(COURSE_SEED + 1 + opts.seed)
    parameters = opts.same("2-D parameters", lambda: make_parameters(torch, g, 2, 100))
    for p in parameters:
        p.requires_grad = True
    train(torch, F, opts, say, parameters, Xtr, Ytr, g, steps, steps // 2, quiet=True,
          stream="2-D batch")
    val = split_loss(torch, F, parameters, Xdev, Ydev)
    say.result(f"the 2-D model after {steps:,} steps: val loss {val:.4f}",
               f"二维嵌入模型训练 {steps:,} 步后：验证集损失 {val:.4f}")
    from viz import plots_lm
    opts.save_plot(plots_lm.embedding_2d, "l22_embedding_2d.png", parameters[0].detach(),
                   itos, what="2-D embedding")
