"""Lesson 20 — a bigram language model by counting (makemore, part 1).

32,033 names. A bigram is two characters in a row; '.' marks the start and the end of a
name, so 'emma' holds five: .e em mm ma a. Count every bigram of every name in a 27 x 27
table N, turn each row into probabilities (with +1 smoothing), and the table is a
language model: it samples new names one character at a time, and it scores the data
with the mean negative log-likelihood — 2.4544 over all 228,146 bigrams.

Nothing here needs autograd: lesson 21 learns the same table with gradient descent."""
import math
import time

from tinygrad_edu.datasets import load_names

QUICK_LOOP_NAMES = 2000    # --quick: the Python loop counts these, index_add_ the rest
SAMPLES = 10
COURSE_SEED = 2147483647   # the lecture's generator seed (+ --seed)


def run(torch, device, say, opts):
    on_the_cpu(say, device)
    say("The data: 32,033 names, one a line (names.txt, shipped with tinygrad_edu). A "
        "character-level language model learns which character tends to follow which, "
        "and then makes up new names that sound like these.",
        zh="数据：32,033 个英文名字，每行一个（names.txt，随 tinygrad_edu 附带）。字符级语言模型"
           "学习哪个字符常跟在哪个字符后面，然后编出听起来像这些名字的新名字。")
    words = load_names()
    say.result(f"{len(words)} names, e.g. {words[:3]}; the shortest has "
               f"{min(len(w) for w in words)} letters, the longest {max(len(w) for w in words)}",
               f"共 {len(words)} 个名字，例如 {words[:3]}；最短 {min(len(w) for w in words)} "
               f"个字母，最长 {max(len(w) for w in words)} 个")

    say("The vocabulary: the 26 letters get the indices 1 to 26 (stoi: string to index, "
        "itos: the reverse), and '.' gets 0. '.' stands for the start and the end of a "
        "name, so 'emma' is read as .emma. and holds the bigrams .e em mm ma a.",
        zh="词表：26 个字母编号 1 到 26（stoi：字符到下标，itos：反过来），'.' 编号 0。"
           "'.' 表示名字的开头和结尾，所以 'emma' 读作 .emma.，含有二元组 .e em mm ma a.。")
    chars = sorted(list(set(''.join(words))))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi['.'] = 0
    itos = {i: s for s, i in stoi.items()}

    say("Counting: N = torch.zeros((27, 27), dtype=torch.int32), then for every bigram "
        "(ch1, ch2) of every name N[ix1, ix2] += 1. Row ix1 of N counts what follows "
        "character ix1.",
        zh="计数：N = torch.zeros((27, 27), dtype=torch.int32)，然后对每个名字的每个二元组 "
           "(ch1, ch2) 执行 N[ix1, ix2] += 1。N 的第 ix1 行统计了字符 ix1 后面跟着的各个字符。")
    N = torch.zeros((27, 27), dtype=torch.int32)
    xs, ys = [], []
    loop_words = words[:QUICK_LOOP_NAMES] if opts.quick else words
    start = time.perf_counter()
    for w in opts.progress(loop_words, desc="counting", unit="name"):
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            N[ix1, ix2] += 1
            xs.append(ix1)
            ys.append(ix2)
    loop_seconds = time.perf_counter() - start
    say.result(f"the loop counted {len(xs):,} bigrams of {len(loop_words):,} names in "
               f"{loop_seconds:.1f} s ({loop_seconds / len(xs) * 1e6:.0f} µs per N[ix1, ix2] += 1)",
               f"循环统计了 {len(loop_words):,} 个名字的 {len(xs):,} 个二元组，用时 "
               f"{loop_seconds:.1f} 秒（每次 N[ix1, ix2] += 1 约 {loop_seconds / len(xs) * 1e6:.0f} 微秒）")
    if opts.quick:
        count_the_rest(torch, say, N, words[QUICK_LOOP_NAMES:], stoi, xs, ys)
    xs = torch.tensor(xs)
    ys = torch.tensor(ys)
    n = xs.nelement()
    say.result(f"N holds {N.sum().item():,} bigrams", f"N 中共有 {N.sum().item():,} 个二元组")

    say("The most common bigrams: a name very often ends in n or a (n., a.), and 'an' is "
        "the most common pair inside a name. Some pairs never occur at all: their count "
        "is 0.",
        zh="最常见的二元组：名字常以 n 或 a 结尾（n.、a.），名字内部最常见的是 'an'。"
           "有些组合从未出现过：计数为 0。")
    top, flat = N.view(-1).topk(6)
    common = ", ".join(f"{itos[i // 27] + itos[i % 27]} {c}"
                       for c, i in zip(top.tolist(), flat.tolist()))
    unseen = (N == 0).sum().item()
    say.result(f"most common: {common}; {unseen} of the 729 pairs never occur (e.g. 'jq': "
               f"{N[stoi['j'], stoi['q']].item()})",
               f"最常见：{common}；729 个组合中有 {unseen} 个从未出现（例如 'jq'："
               f"{N[stoi['j'], stoi['q']].item()}）")
    if opts.plot:
        from viz import plots_lm
        opts.save_plot(plots_lm.bigram_heatmap, "l20_bigram_counts.png", N, itos,
                       what="bigram counts")
        say("--plot: the heat map shows N with each cell's pair and count; read a row "
            "from left to right to see what follows its character.",
            zh="--plot：热力图显示 N，每个格子写着它的字符对和计数；从左往右读一行，"
               "就能看到这一行的字符后面跟着什么。")

    say("From counts to probabilities: P = (N + 1).float(), then divide each row by its "
        "sum. The +1 (smoothing) makes sure no pair has probability 0: a 0 would give "
        "log 0 = -inf, an infinite loss for any name that contains the pair.",
        zh="从计数到概率：P = (N + 1).float()，再把每一行除以该行的和。+1（平滑）保证没有哪个"
           "组合的概率为 0：概率 0 会得到 log 0 = -inf，任何含有这个组合的名字损失都是无穷大。")
    P = (N + 1).float()
    say("Why keepdims=True: P.sum(1, keepdims=True) has shape 27 x 1, and broadcasting "
        "stretches that column across the 27 columns, so each row is divided by its own "
        "sum. Without keepdims the sum has shape (27,); broadcasting aligns shapes from "
        "the right and reads it as a 1 x 27 row: column j is divided by row j's sum, and "
        "the rows no longer add up to 1.",
        zh="为什么要 keepdims=True：P.sum(1, keepdims=True) 的形状是 27×1，广播把这一列复制到 27 列，"
           "于是每一行除以它自己的和。不加 keepdims 时和的形状是 (27,)；广播从右边对齐形状，"
           "把它当成 1×27 的一行：第 j 列被除以第 j 行的和，每一行加起来就不再是 1。")
    row_sums = P.sum(1, keepdims=True)
    wrong = P / P.sum(1)
    P /= row_sums
    say.result(f"P.sum(1, keepdims=True).shape = {tuple(row_sums.shape)}: row 0 of P sums "
               f"to {P[0].sum().item():.4f}; without keepdims row 0 sums to "
               f"{wrong[0].sum().item():.4f}",
               f"P.sum(1, keepdims=True).shape = {tuple(row_sums.shape)}：P 第 0 行的和为 "
               f"{P[0].sum().item():.4f}；不加 keepdims 时第 0 行的和为 {wrong[0].sum().item():.4f}")

    say(f"Sampling: start at '.', draw the next character from its row of P with "
        f"torch.multinomial(p, num_samples=1, replacement=True, generator=g), go on from "
        f"there until '.' comes out. g = torch.Generator().manual_seed({COURSE_SEED}) "
        f"makes the names repeatable. On the two engines they differ: tinygrad_edu's "
        f"generator draws from NumPy's random stream, torch's from its own, so the same "
        f"probabilities give other draws.",
        zh=f"采样：从 '.' 开始，用 torch.multinomial(p, num_samples=1, replacement=True, "
           f"generator=g) 按 P 中对应行的概率抽出下一个字符，再从它接着抽，直到抽出 '.'。"
           f"g = torch.Generator().manual_seed({COURSE_SEED}) 使结果可以重复。两个引擎抽出的名字"
           f"不同：tinygrad_edu 的生成器用 NumPy 的随机数流，torch 用它自己的，同样的概率抽到的结果不同。")
    g = torch.Generator().manual_seed(COURSE_SEED + opts.seed)
    names = sample(torch, P, itos, g, SAMPLES)
    say.result("sampled: " + " ".join(names), "采样得到：" + " ".join(names))

    say("How good is the model? The likelihood of the data is the product of the "
        "probabilities the model gives to every bigram in it; its log is the sum of the "
        "log-probabilities. The loss is the negative log-likelihood, averaged: -mean(log "
        "P[ix1, ix2]). The first name, bigram by bigram:",
        zh="模型有多好？数据的似然是模型给其中每个二元组的概率之积；取对数就是对数概率之和。"
           "损失是平均负对数似然：-mean(log P[ix1, ix2])。先看第一个名字的每个二元组：")
    chs = ['.'] + list(words[0]) + ['.']
    parts = []
    for ch1, ch2 in zip(chs, chs[1:]):
        prob = P[stoi[ch1], stoi[ch2]]
        logprob = torch.log(prob)
        parts.append(f"{ch1}{ch2}: {prob.item():.4f} ({logprob.item():.4f})")
    say.result(f"'{words[0]}': " + ", ".join(parts))

    say("The course's loop over every bigram: log_likelihood += torch.log(P[ix1, ix2]), "
        "then nll / n. A model that guesses uniformly (1/27 each) would score "
        f"log 27 = {math.log(27):.4f}."
        + (f" --quick: over the first {QUICK_LOOP_NAMES:,} names only." if opts.quick else ""),
        zh="课程里的循环遍历每个二元组：log_likelihood += torch.log(P[ix1, ix2])，最后算 nll / n。"
           f"均匀猜测（每个 1/27）的模型得分为 log 27 = {math.log(27):.4f}。"
           + (f"--quick：只算前 {QUICK_LOOP_NAMES:,} 个名字。" if opts.quick else ""))
    log_likelihood = 0.0
    count = 0
    for w in opts.progress(loop_words, desc="log-likelihood", unit="name"):
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            ix1 = stoi[ch1]
            ix2 = stoi[ch2]
            prob = P[ix1, ix2]
            logprob = torch.log(prob)
            log_likelihood += logprob
            count += 1
    nll = -log_likelihood
    loop_nll = (nll / count).item()
    say.result(f"log_likelihood = {log_likelihood.item():.4f}; nll = {nll.item():.4f}; "
               f"nll / n = {loop_nll:.4f} over {count:,} bigrams (uniform: {math.log(27):.4f})",
               f"对数似然 = {log_likelihood.item():.4f}；nll = {nll.item():.4f}；"
               f"{count:,} 个二元组上 nll / n = {loop_nll:.4f}（均匀猜测：{math.log(27):.4f}）")

    reached = log_likelihood.item()
    spacing = 2.0 ** (math.floor(math.log2(abs(reached))) - 23)   # float32: 24-bit mantissa
    say(f"The same in one line: P[xs, ys] picks the probability of every bigram at once "
        f"(xs the first characters, ys the second ones, collected by the counting loop), "
        f"then -log, mean. The loop's float32 running sum rounds at every +=: near "
        f"{reached:,.0f} neighbouring float32 numbers are {spacing:g} apart. A tensor's sum "
        f"adds in pairs, a tree of small partial sums, so it rounds far less. Both engines "
        f"round alike, so both loops print the same number.",
        zh=f"一行写完：P[xs, ys] 一次取出每个二元组的概率（xs 是前一个字符，ys 是后一个，在计数循环里收集），"
           f"再取 -log、求平均。循环里 float32 的累加每次 += 都要舍入：在 {reached:,.0f} 附近相邻的 "
           f"float32 数相差 {spacing:g}。张量的 sum 两两相加，是一棵由小部分和组成的树，舍入误差小得多。"
           f"两个引擎的舍入方式相同，所以两者的循环打印同一个数。")
    total = P[xs, ys].log().sum()
    exact = P.double()[xs, ys].log().sum().item()
    mean_nll = -P[xs, ys].log().mean().item()
    say.result(f"all {n:,} bigrams: sum of log P = {total.item():.4f} (float64: {exact:.4f}); "
               f"-mean = {mean_nll:.4f} (float64: {-exact / n:.6f})",
               f"全部 {n:,} 个二元组：log P 之和 = {total.item():.4f}（float64：{exact:.4f}）；"
               f"-mean = {mean_nll:.4f}（float64：{-exact / n:.6f}）")
    raw = N.float() / N.float().sum(1, keepdims=True)
    nll_raw = -raw[xs, ys].log().mean().item()

    say("Smoothing costs little on the data (every pair in the data was seen, so without "
        "+1 the loss is a bit lower), but a name with an unseen pair such as 'jq' now gets "
        "a finite loss instead of infinity.",
        zh="平滑在数据上的代价很小（数据里的组合都出现过，不加 +1 损失还略低一些），"
           "但含有未见组合（如 'jq'）的名字现在得到有限的损失，而不是无穷大。")
    test = "andrejq"
    chs = ['.'] + list(test) + ['.']
    ix1s = torch.tensor([stoi[c] for c in chs[:-1]])
    ix2s = torch.tensor([stoi[c] for c in chs[1:]])
    with_smoothing = -P[ix1s, ix2s].log().mean().item()
    without = -raw[ix1s, ix2s].log().mean().item()
    say.result(f"without +1: {nll_raw:.4f} on the data; '{test}': {with_smoothing:.4f} with "
               f"smoothing, {without} without",
               f"不加 +1：数据上 {nll_raw:.4f}；'{test}'：平滑后 {with_smoothing:.4f}，"
               f"不平滑 {without}")
    return {"metrics": {"nll (loop)": loop_nll, "nll (mean)": mean_nll,
                        "nll (float64)": -exact / n, "nll without smoothing": nll_raw,
                        "uniform nll": math.log(27), "bigrams": n, "loop bigrams": count,
                        f"nll of '{test}'": with_smoothing},
            "samples": names, "loop_seconds": loop_seconds,
            "summary": f"negative log-likelihood {loop_nll:.4f} (the loop over {count:,} "
                       f"bigrams; one-line mean {mean_nll:.4f}, uniform {math.log(27):.4f}); "
                       f"sampled {' '.join(names[:3])} ...",
            "summary_zh": f"负对数似然 {loop_nll:.4f}（循环 {count:,} 个二元组；一行求平均 "
                          f"{mean_nll:.4f}，均匀猜测 {math.log(27):.4f}）；采样 "
                          f"{' '.join(names[:3])} ……"}


def on_the_cpu(say, device):
    """The language-model lessons keep their tensors on the CPU: with single characters
    and minibatches of 32 a GPU would mostly wait for Python. Says so when another device
    was asked for."""
    if device != "cpu":
        say.result(f"--device {device}: this lesson keeps its small tensors on the CPU (one "
                   f"character or 32 examples at a time: a GPU would mostly wait for Python)",
                   f"--device {device}：本课的张量很小（一次一个字符或 32 个样本），GPU 大部分时间"
                   f"都在等 Python，所以留在 CPU 上")


def count_the_rest(torch, say, N, words, stoi, xs, ys):
    """--quick: the remaining names' bigrams counted in one tensor operation, so that N
    (and the loss) are those of the whole data set in a second."""
    say("--quick: the loop counted the first names only; the rest are counted in one "
        "tensor operation, N.view(-1).index_add_(0, ix1 * 27 + ix2, ones): each bigram "
        "adds 1 at its flat position. (N[ix1s, ix2s] += 1 with whole tensors of indices "
        "would count a pair that occurs twice only once: the indexed assignment writes "
        "each position once.)",
        zh="--quick：循环只统计了前面的名字；其余的用一次张量运算来统计："
           "N.view(-1).index_add_(0, ix1 * 27 + ix2, ones)：每个二元组在它展平后的位置上加 1。"
           "（用整个下标张量写 N[ix1s, ix2s] += 1 时，出现两次的组合只会计一次：按下标赋值对每个位置只写一次。）")
    before = len(xs)
    for w in words:
        chs = ['.'] + list(w) + ['.']
        for ch1, ch2 in zip(chs, chs[1:]):
            xs.append(stoi[ch1])
            ys.append(stoi[ch2])
    ix1s = torch.tensor(xs[before:])
    ix2s = torch.tensor(ys[before:])
    N.view(-1).index_add_(0, ix1s * 27 + ix2s, torch.ones(len(ix1s), dtype=torch.int32))
    say.result(f"--quick: index_add_ counted the other {len(ix1s):,} bigrams",
               f"--quick：index_add_ 统计了其余 {len(ix1s):,} 个二元组")


def sample(torch, P, itos, g, count):
    """``count`` names drawn from the bigram table P, one character at a time."""
    names = []
    for i in range(count):
        out = []
        ix = 0
        while True:
            p = P[ix]
            ix = torch.multinomial(p, num_samples=1, replacement=True, generator=g).item()
            out.append(itos[ix])
            if ix == 0:
                break
        names.append(''.join(out))
    return names
