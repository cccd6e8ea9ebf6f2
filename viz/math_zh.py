"""The ops' formulas (each Function's ``math``: forward, local derivative, chain rule) in
Chinese: the math stays as it is, the English notes around it are translated.

``math_text(text, lang)`` is the one entry point: the stepper's frames, the graph's tooltips
and the HTML player show every Math line through it. It replaces the known English notes
(``NOTES``, longest first), then writes the common shapes ``x where COND, else y`` and
``(x where COND)`` in Chinese. tests/test_viz_math_zh.py checks that every Function's
lines come out without English."""
import re

# English note -> Chinese (the course's terms: 元素, 维度, 切片, 求和, 平均, 梯度)
NOTES = {
    # reductions, sums and means
    "(over dim; over every element when dim is None)": "（沿 dim；dim 为 None 时遍及所有元素）",
    "(n = the number of elements averaged: the size of dim, or a.numel())":
        "（n 为参与平均的元素个数：dim 那一维的大小，或 a.numel()）",
    ", copied to every element that was averaged": "，复制到参与平均的每个元素",
    ", copied to every element that was summed": "，复制到参与求和的每个元素",
    "(Σ along dim)": "（沿 dim 求和）",
    "(Σ over dim; m = max a, so no eˣ overflows)": "（沿 dim 求和；m = max a，这样 eˣ 不会溢出）",
    "(summed over the rows)": "（对各行求和）",
    "(Σ over all but the channel axis)": "（对通道轴以外的所有轴求和）",
    "(Σ over the samples)": "（对各样本求和）",
    "(over the batch and every pixel)": "（对整个批次和每个像素求和）",
    "running sum of a along dim:": "a 沿 dim 的累加和：",
    "(the running sum of g taken from the end)": "（g 从末尾开始的累加和）",
    "(two vectors of one length)": "（两个长度相同的向量）",
    "(the largest element)": "（最大的元素）",
    "(the smallest element)": "（最小的元素）",
    "(the largest element of each slice along dim)": "（沿 dim 每个切片中最大的元素）",
    "(the smallest element of each slice along dim)": "（沿 dim 每个切片中最小的元素）",
    " where aᵢ = out (k elements tie for it), else ": "（aᵢ = out 处，共 k 个元素并列），其余为 ",
    " where |a| = out (k elements tie for it), else ": "（|a| = out 处，共 k 个元素并列），其余为 ",
    " at the maximum": "（最大值处）",
    " at the minimum": "（最小值处）",
    " at each slice's arg-max": "（每个切片的 arg-max 处）",
    " at each slice's arg-min": "（每个切片的 arg-min 处）",
    "(over dim; p = 2: √Σ a², p = 1: Σ |a|, p = 0: how many a ≠ 0)":
        "（沿 dim；p = 2：√Σ a²，p = 1：Σ |a|，p = 0：a ≠ 0 的个数）",
    "(p = 2: a / out, p = 1: sign(a); 0 where a = 0; none for p = 0)":
        "（p = 2：a / out，p = 1：sign(a)；a = 0 处为 0；p = 0 时没有梯度）",
    "(p = ∞; p = −∞: min |a|; over dim)": "（p = ∞；p = −∞ 时为 min |a|；沿 dim）",
    "Π of the other elements": "其余元素之积 Π",
    "(= out / aᵢ where no element is 0)": "（没有元素为 0 时 = out / aᵢ）",
    "(ā = the mean along dim, n = the number of elements averaged, c = correction: "
    "1 for the sample std)": "（ā 为沿 dim 的均值，n 为参与平均的元素个数，"
                             "c = correction：样本标准差取 1）",
    "(ā = the mean along dim, n = the number of elements averaged, c = correction: "
    "1 for the sample variance)": "（ā 为沿 dim 的均值，n 为参与平均的元素个数，"
                                  "c = correction：样本方差取 1）",
    "(0 where out = 0: no spread)": "（out = 0 处为 0：数据没有离散）",
    ", 0 where out = 0": "，out = 0 处为 0",
    # activations, softmax, losses
    "(δᵢⱼ = 1 if i = j, else 0)": "（i = j 时 δᵢⱼ = 1，否则为 0）",
    "(Φ: the standard normal CDF, or its tanh approximation)":
        "（Φ：标准正态分布的 CDF，或它的 tanh 近似）",
    "(m: 1 with probability 1 − p, else 0)": "（m：以概率 1 − p 取 1，否则取 0）",
    "(n = number of rows for 'mean')": "（'mean' 时 n 为行数）",
    "(n = x.numel() for 'mean', 1 for 'sum')": "（'mean' 时 n = x.numel()，'sum' 时 n = 1）",
    "(μ, σ² per channel, over its n numbers in the batch; in eval the running averages)":
        "（μ、σ² 按通道计算，取该通道在批次中的 n 个数；评估模式下用滑动平均）",
    "(μ, σ²: mean and variance of each sample's last dims, n numbers)":
        "（μ、σ²：每个样本最后几个维度上的均值和方差，共 n 个数）",
    "(eval: w·δᵢⱼ / √(σ² + ε))": "（评估模式：w·δᵢⱼ / √(σ² + ε)）",
    "(ĝ = g·w; eval: ĝ / √(σ² + ε))": "（ĝ = g·w；评估模式：ĝ / √(σ² + ε)）",
    # rounding and signs
    "(the smallest integer ≥ a)": "（≥ a 的最小整数）",
    "(the largest integer ≤ a)": "（≤ a 的最大整数）",
    "(flat between the jumps; at a jump torch takes 0 too)":
        "（两次跳变之间是平的；在跳变处 torch 也取 0）",
    "(d decimals; halves go to the even neighbour)": "（保留 d 位小数；恰好一半时取偶数）",
    "(−1, 0 or 1; 0 where a is nan)": "（−1、0 或 1；a 为 nan 处为 0）",
    "(the integer part: rounded towards 0)": "（整数部分：向 0 取整）",
    "(1 if either is nan)": "（任一为 nan 时为 1）",
    "(g if either is nan)": "（任一为 nan 时为 g）",
    " is nan": " 为 nan",
    ", converted to another dtype": "，转换为另一种 dtype",
    ", converted back to a's dtype": "，转换回 a 的 dtype",
    # convolution and pooling
    "(each output pixel: Σ over its window of W·x, plus b; im2col lays the windows out as "
    "the columns of cols, so out = W @ cols + b)":
        "（每个输出像素：对其窗口内的 W·x 求和，再加 b；im2col 把各窗口排成 cols 的列，"
        "所以 out = W @ cols + b）",
    "(each window's pixels, through the kernel)": "（每个窗口的像素，经过卷积核）",
    "(the windows of x)": "（x 的各个窗口）",
    "(each window's share added back onto x)": "（每个窗口的份额加回到 x 上）",
    "Σ window / k": "Σ（窗口内的数）/ k",
    "(the mean of each window; k = its size)": "（每个窗口的平均值；k 为窗口大小）",
    " at each position of the window": "（窗口中的每个位置）",
    ", spread over the window (added where windows overlap)": "，分摊到窗口中（窗口重叠处累加）",
    "the max of each window of x": "x 每个窗口的最大值",
    " at each window's max (added where windows overlap)": "（每个窗口的最大值处，窗口重叠处累加）",
    " at each window's max": "（每个窗口的最大值处）",
    "(per batch)": "（逐批次）",
    ", one product per batch entry n:": "，批次中每一项 n 各做一次乘积：",
    # indexing, gathering, scattering
    " picked at index along dim:": " 中沿 dim 按 index 取出：",
    "(dim 0)": "（dim = 0 时）",
    " at each picked position": "（每个被取出的位置）",
    " added into the picked positions (a scatter-add of g)": " 加到被取出的位置上（对 g 做 scatter-add）",
    ", then ": "，然后 ",
    "(along dim)": "（沿 dim）",
    " at the slice each went to": "（各自被加到的切片上）",
    " read at the slices added to": " 在被加到的切片处读出",
    "(whole slices of a along dim, in index's order)": "（沿 dim 取 a 的整个切片，按 index 的顺序）",
    " at each selected slice": "（每个被选中的切片）",
    " added back into the selected slices (repeats add up)": " 加回被选中的切片（重复处累加）",
    " at the positions written": "（被写入的位置）",
    ", with 0 at the positions written": "，被写入的位置为 0",
    " at the position each used entry of src went to": "（src 中每个被用到的元素所写入的位置）",
    " at the position each used entry went to": "（每个被用到的元素所写入的位置）",
    " read back at the positions written (a gather of g)": " 在被写入的位置读回（对 g 做 gather）",
    " read at the positions added to (a gather of g)": " 在被加到的位置读出（对 g 做 gather）",
    " placed at the positions i (added where i repeats)": " 放到位置 i 处（i 重复处累加）",
    " with 0 at the positions i": "，位置 i 处为 0",
    " at the positions i": "（位置 i 处）",
    ", with ": "，其中 ",
    ", summed back to v's shape": "，求和回 v 的形状",
    "(the row idx of W, for every index)": "（对每个索引，取 W 的第 idx 行）",
    " over the i with idx[i] = r": "（对所有满足 idx[i] = r 的 i）",
    "(0 for the padding row)": "（padding_idx 那一行为 0）",
    " sorted along dim": " 沿 dim 排序",
    " where each number came from (a permutation)": "（每个数原来所在的位置；这是一个置换）",
    " sent back through the order:": " 按 order 送回原位：",
    "the k largest (or smallest) numbers of a along dim, in order":
        "a 沿 dim 最大（或最小）的 k 个数，按顺序排列",
    " at each number picked": "（每个被选中的数）",
    " at the positions picked": "（被选中的位置）",
    # pieces, slices, triangles
    "(one piece of a along dim)": "（a 沿 dim 切出的一块）",
    " on the piece's slice of a": "（这一块在 a 中的切片上）",
    " on the piece's slice": "（这一块的切片上）",
    "(the i-th slice of a along dim, that dim removed)": "（a 沿 dim 的第 i 个切片，去掉该维度）",
    " on slice i": "（切片 i 上）",
    " on and below the diagonal (j ≤ i + diagonal)": "（对角线及其下方，j ≤ i + diagonal）",
    " on and above the diagonal (j ≥ i + diagonal)": "（对角线及其上方，j ≥ i + diagonal）",
    " on and below the diagonal": "（对角线及其下方）",
    " on and above the diagonal": "（对角线及其上方）",
    ", 0 above": "，上方为 0",
    ", 0 below": "，下方为 0",
    " with `value` added around it (a negative pad cuts a instead)":
        " 四周补上 `value`（pad 为负时改为裁掉 a 的边）",
    " where out holds an element of a": "（out 中来自 a 的元素处）",
    "the slice of g where a sits": "g 中 a 所在位置的切片",
    "(0 where a was cut away)": "（a 被裁掉的部分为 0）",
    # joining, copying, reshaping
    " along dim": "（沿 dim）",
    " along a new dim": "（沿一个新维度）",
    " on aₖ's slice of out": "（out 中属于 aₖ 的切片上）",
    "the slice of g that came from aₖ": "g 中来自 aₖ 的切片",
    " at index k of the new dim": "（新维度的第 k 个位置）",
    ", copied along its size-1 dims": "，沿其大小为 1 的维度复制",
    " for each copy": "（每一份副本）",
    ", summed over the copies": "，对各副本求和",
    " with its dims reordered": "，维度重新排列",
    ", with its dims put back in a's order": "，维度按 a 的顺序排回",
    ", tiled along each dim": "，沿每个维度平铺",
    " with a new shape": "，换成新的形状",
    "(the same numbers, in the same order)": "（同样的数，同样的顺序）",
    ", reshaped back to a's shape": "，变形回 a 的形状",
    " shifted along dims, what falls off one end coming back at the other":
        " 沿 dims 平移，从一端移出的部分从另一端回来",
    "(each number only moves)": "（每个数只是换了位置）",
    " rolled back by −shifts": " 按 −shifts 平移回去",
    # where()
    "(a where c is True, else b)": "（c 为 True 处取 a，否则取 b）",
    " where not c, else ": "（c 为 False 处），其余为 ",
    " where c, else ": "（c 为 True 处），其余为 ",
    # the common tails
    ", else ": "，其余为 ",
    ", 0 elsewhere": "，其余为 0",
}

_ORDERED = sorted(NOTES, key=len, reverse=True)
# (x where COND): 'COND 处为 x'
_PAREN_WHERE = re.compile(r"\((\S+) where ([^()（]+)\)")
# x where COND  (up to a comma, a bracket or the end): 'x（COND 处）'
_WHERE = re.compile(r" where ([^,()（]+?)\s*(, *|(?=，|\(|（|\)|$))", re.M)


def _condition(text):
    return text.replace(" and ", " 且 ").strip()


def math_text(text, lang="en"):
    """A Function's math text (one line or several) as shown in ``lang``: 'zh' translates
    the English notes; every other language gets the text as it is."""
    if lang != "zh" or not text:
        return text
    for english in _ORDERED:
        if english in text:
            text = text.replace(english, NOTES[english])
    text = _PAREN_WHERE.sub(lambda m: f"（{_condition(m.group(2))} 处为 {m.group(1)}）", text)
    return _WHERE.sub(lambda m: f"（{_condition(m.group(1))} 处）" + ("，" if m.group(2) else ""),
                      text)
