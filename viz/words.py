"""The words of the frames, in English and in Chinese (the course's terms: 计算图, 反向传播,
梯度, 链式法则). ``say(lang, key, **values)``; a missing Chinese text falls back to English."""

WORDS = {
    "en": {
        "title": "backward step by step",
        "seed_short": "backward starts at the output",
        "seed_title": "Step 0: backward starts at the output",
        "seed": "∂{out}/∂{out} = {value}  (the seed: how the output changes with itself)",
        "step": "Step {k}/{n}: {label}  ({name}){inside}",
        "inside": "  in {module}",
        "forward": "forward: {text}",
        "value": "{name} = {value}",
        "constant": "{name} = {value}  (a constant)",
        "upstream": "g = ∂L/∂out = {value}  (the upstream gradient)",
        "local": "local derivative: {text}",
        "rule": "chain rule: {text}",
        "no_math": "local derivative: —",
        "hands": "hands on to each input:",
        "handed": "  → ∂L/∂{name} = {value}",
        "no_grad": "  → {name}: no gradient (it does not require grad)",
        "no_grad_constant": "  → {name}: a constant, no gradient",
        "element": "    one element, with numbers:",
        "more": "    (other elements: {how})",
        "more_html": "click one above",
        "more_terminal": "type its index at the prompt, e.g. {example}",
        "again_leaf": "    {name}.grad was {old}, this adds {new} → {total}. "
                      "Call optimizer.zero_grad() between steps.",
        "again_twice": "    {name} is used more than once: it already received {old}, this "
                       "adds {new} → {total} (the multivariable chain rule)",
        "order": "backward order: ",
        "done_short": "the leaves' gradients",
        "done": "Done: the leaves keep their gradients in .grad (AccumulateGrad)",
        "leaf_grad": "{name}.grad = {value}",
        "no_path": "None (no path from the output)",
        "done_note": "intermediate results do not keep theirs; a leaf used twice receives "
                     "the sum of both contributions",
        "not_yet": "not computed yet",
        "not_kept": "not kept (not a leaf)",
        "grad": "grad",
        "a_constant": "constant",
        "legend": "legend",
        "output_of": "{label} output",
        # notes under a substitution (viz/chain.py)
        "copies": "copied to {n} positions by broadcasting: their gradients add up",
        "reduction_n": "reduction='{reduction}': n = {n}",
        "reduction": "reduction='{reduction}'",
        "target_row": "row {r}: its target class is {t}",
        "softmax_one_hot": "softmax(x)[{r},{c}] = {p}, one_hot(y)[{r},{c}] = {hit}",
        "reaches": "{name} reaches {count} of the {total} outputs",
        "rows": "over the {n} rows",
        "shapes": "{shapes}",
    },
    "zh": {
        "title": "逐步反向传播",
        "seed_short": "反向传播从输出开始",
        "seed_title": "第 0 步：反向传播从输出开始",
        "seed": "∂{out}/∂{out} = {value}（种子：输出对自身的导数）",
        "step": "第 {k}/{n} 步：{label}（{name}）{inside}",
        "inside": "  位于 {module}",
        "forward": "前向：{text}",
        "value": "{name} = {value}",
        "constant": "{name} = {value}（常数）",
        "upstream": "g = ∂L/∂out = {value}（上游梯度）",
        "local": "局部导数：{text}",
        "rule": "链式法则：{text}",
        "no_math": "局部导数：—",
        "hands": "传给每个输入的梯度：",
        "handed": "  → ∂L/∂{name} = {value}",
        "no_grad": "  → {name}：没有梯度（它不需要梯度）",
        "no_grad_constant": "  → {name}：常数，没有梯度",
        "element": "    取一个元素，代入数字：",
        "more": "    （其他元素：{how}）",
        "more_html": "点击上面的元素",
        "more_terminal": "在提示符处输入下标，例如 {example}",
        "again_leaf": "    {name}.grad 原来是 {old}，这里再加上 {new} → {total}。"
                      "每一步之间要调用 optimizer.zero_grad()。",
        "again_twice": "    {name} 被使用了不止一次：已经收到 {old}，这里再加上 {new} → {total}"
                       "（多元链式法则）",
        "order": "反向传播顺序：",
        "done_short": "叶子节点的梯度",
        "done": "完成：叶子节点把梯度保存在 .grad 中（AccumulateGrad）",
        "leaf_grad": "{name}.grad = {value}",
        "no_path": "None（从输出没有路径到达它）",
        "done_note": "中间结果不保留梯度；被使用两次的叶子节点得到两份贡献之和",
        "not_yet": "尚未计算",
        "not_kept": "不保留（不是叶子节点）",
        "grad": "梯度",
        "a_constant": "常数",
        "legend": "图例",
        "output_of": "{label} 的输出",
        "copies": "广播复制到 {n} 个位置：这些位置的梯度相加",
        "reduction_n": "reduction='{reduction}'：n = {n}",
        "reduction": "reduction='{reduction}'",
        "target_row": "第 {r} 行：目标类别是 {t}",
        "softmax_one_hot": "softmax(x)[{r},{c}] = {p}，one_hot(y)[{r},{c}] = {hit}",
        "reaches": "{name} 影响 {total} 个输出中的 {count} 个",
        "rows": "对 {n} 行求和",
        "shapes": "{shapes}",
    },
}


# what the graph's legend calls each kind of node and each step state
LEGEND = {"zh": {"param": "参数（requires_grad）", "input": "输入 / 数据", "output": "输出",
                 "op": "运算（grad_fn）", "tensor": "中间结果", "const": "常数",
                 "module": "模块（折叠）", "grad": "梯度（.grad）", "current": "正在求导的节点",
                 "receiving": "正在接收梯度", "done": "已完成"}}

# a node's gradient line that is a remark, not numbers
PENDING = {WORDS[lang][key] for lang in WORDS for key in ("not_yet", "not_kept")}


def say(lang, key, **values):
    table = WORDS.get(lang, WORDS["en"])
    return table.get(key, WORDS["en"][key]).format(**values)
