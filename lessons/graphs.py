"""What a lesson says about the graph it drew, read from the drawing and from the frames,
never written by hand: which operations the graph has (``operations``), on which side of
the picture the leaves sit (``leaf_side``: read from the SVG's coordinates, or from the
DOT text's ``rankdir`` when Graphviz is missing), and a few sentences built on them.

Also the one line ``--graph`` prints for a lesson that has nothing to draw."""
import html
import re

SIDES = {  # side: (English, Chinese, the opposite side)
    "top": ("at the top", "最上方", "bottom"),
    "bottom": ("at the bottom", "最下方", "top"),
    "left": ("on the left", "最左侧", "right"),
    "right": ("on the right", "最右侧", "left"),
}
TOWARDS = {  # where the leaves are: towards that side, each next to the operation using it
    "top": ("towards the top", "above", "上方", "之上"),
    "bottom": ("towards the bottom", "below", "下方", "之下"),
    "left": ("towards the left", "left of", "左侧", "的左边"),
    "right": ("towards the right", "right of", "右侧", "的右边"),
}
FLOW = {  # where the leaves are: (forward, backward) in English, then in Chinese
    "top": ("downwards", "upwards", "自上而下", "自下而上"),
    "bottom": ("upwards", "downwards", "自下而上", "自上而下"),
    "left": ("from left to right", "from right to left", "从左到右", "从右到左"),
    "right": ("from right to left", "from left to right", "从右到左", "从左到右"),
}


def operations(frames, forward=True):
    """The operation names of a backward step-through, each once: in the order backward
    visits them (``forward=False``: ``frames.order``), or the reverse, which is the order
    forward built them (``forward=True``). E.g. ['MUL', 'ADD', 'SUB', 'POW']."""
    order = list(frames.order)
    return list(dict.fromkeys(reversed(order) if forward else order))


def listing(names, lang="en"):
    """'MUL, ADD and POW' / 'MUL、ADD 和 POW'."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    if lang == "zh":
        return "、".join(names[:-1]) + " 和 " + names[-1]
    return ", ".join(names[:-1]) + " and " + names[-1]


# -- where the leaves are in the picture ---------------------------------------------------
_SVG_NODE = re.compile(r'<g id="([^"]+)" class="node ([^"]*)">(.*?)</g>', re.S)
_SVG_TEXT = re.compile(r'<text[^>]*\bx="(-?[\d.]+)"[^>]*\by="(-?[\d.]+)"')
_DOT_NODE = re.compile(r'^\s*(\w+) \[.*class="kind-(\w+)"', re.M)
_DOT_EDGE = re.compile(r'^\s*(\w+) -> (\w+)', re.M)
_RANKDIR = re.compile(r'rankdir=(\w+)')
_SVG_BOLD = re.compile(r'<text[^>]*\by="(-?[\d.]+)"[^>]*font-weight="bold"[^>]*>([^<]*)</text>')
_DOT_TITLE = re.compile(r'^\s*\w+ \[label=<.*?<B>(.*?)</B>.*class="kind-(\w+)"', re.M)


def leaf_side(path, kind="param"):
    """Where the leaves (parameters) are drawn relative to the output: 'top', 'bottom',
    'left' or 'right' (None when the drawing has none, e.g. parameters folded into layer
    boxes). ``kind='input'``: where the input farthest from the output is (the samples,
    not the labels, which meet the loss at its end). ``path``: the SVG that ``opts.save_graph`` wrote
    (positions read from it), or the DOT text written instead when Graphviz is missing
    (read from its rankdir and the direction of its edges)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if str(path).endswith(".svg"):
        return _svg_side(text, kind)
    return _dot_side(text, kind)


def _svg_side(svg, kind):
    leaves, outputs = [], []
    for _, classes, body in _SVG_NODE.findall(svg):
        found = _SVG_TEXT.search(body)
        if not found:
            continue
        point = (float(found.group(1)), float(found.group(2)))
        kinds = classes.replace("&#45;", "-")
        if f"kind-{kind}" in kinds.split():
            leaves.append(point)
        elif "kind-output" in kinds.split():
            outputs.append(point)
    if not leaves or not outputs:
        return None
    ox, oy = outputs[0]
    if kind == "input":
        leaves = [max(leaves, key=lambda p: (p[0] - ox) ** 2 + (p[1] - oy) ** 2)]
    lx = sum(x for x, _ in leaves) / len(leaves)
    ly = sum(y for _, y in leaves) / len(leaves)
    if abs(ly - oy) >= abs(lx - ox):          # SVG: y grows downwards
        return "top" if ly < oy else "bottom"
    return "left" if lx < ox else "right"


def _dot_side(dot, kind):
    kinds = dict(_DOT_NODE.findall(dot))
    leaves = {name for name, k in kinds.items() if k == kind}
    if not leaves:
        return None
    edges = _DOT_EDGE.findall(dot)
    leaf_first = any(tail in leaves for tail, _ in edges)   # an edge leaves a leaf
    rankdir = (_RANKDIR.search(dot).group(1) if _RANKDIR.search(dot) else "TB").upper()
    first = {"TB": "top", "BT": "bottom", "LR": "left", "RL": "right"}.get(rankdir, "top")
    return first if leaf_first else SIDES[first][2]


def layout_sentence(side, leaves, ops=(), lang="en"):
    """What the picture shows, in its own directions: 'the leaves w and b are towards
    the top (each above the operation that uses it), the loss at the bottom, the
    operations MUL, ADD, SUB and POW in between: forward runs downwards, backward
    upwards' (or in Chinese). ``side``: where the leaves are (``leaf_side``); ``leaves``,
    ``ops``: their names."""
    if side is None:
        return ""
    loss_en, loss_zh, _ = SIDES[SIDES[side][2]]
    towards, near, towards_zh, near_zh = TOWARDS[side]
    forward, backward, forward_zh, backward_zh = FLOW[side]
    if lang == "zh":
        between = f"，中间是 {listing(ops, 'zh')} 运算" if ops else ""
        each_zh = "" if len(leaves) == 1 else "各自"
        return (f"叶子节点 {listing(leaves, 'zh')} 在{towards_zh}（{each_zh}位于使用它的运算{near_zh}），"
                f"损失在{loss_zh}{between}：前向传播{forward_zh}，反向传播{backward_zh}")
    leaf = "the leaf {} is" if len(leaves) == 1 else "the leaves {} are"
    each = "" if len(leaves) == 1 else "each "
    between = ((", the operation {} in between" if len(ops) == 1 else
                ", the operations {} in between").format(listing(ops)) if ops else "")
    return (f"{leaf.format(listing(leaves))} {towards} ({each}{near} the operation that uses "
            f"it), the loss {loss_en}{between}: forward runs {forward}, backward {backward}")


def picture(path, lang="en"):
    """``layout_sentence`` for a drawn graph, everything read from the drawing: where its
    leaves are, their names and the operations' names."""
    return layout_sentence(leaf_side(path), drawn(path, "param"), drawn(path, "op"), lang)


def drawn(path, kind):
    """The titles of the nodes of one kind ('param', 'op', 'module', 'input') in the
    drawing, in the order forward runs through them, e.g. drawn(svg, 'op') ->
    ['MUL', 'ADD', 'SUB', 'POW'], drawn(svg, 'module') -> ['model.fc1 Linear(1→10)',
    'model.relu ReLU()', 'model.fc2 Linear(10→1)']. Read from the SVG (positions), or from
    the DOT text when Graphviz is missing (its order, which starts at the output)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not str(path).endswith(".svg"):
        titles = [_unescape(t) for t, k in _DOT_TITLE.findall(text) if k == kind]
        return list(dict.fromkeys(reversed(titles)))
    found, loss_y = [], None
    for _, classes, body in _SVG_NODE.findall(text):
        kinds = classes.replace("&#45;", "-").split()
        bold = _SVG_BOLD.search(body)
        if bold and f"kind-{kind}" in kinds:
            found.append((float(bold.group(1)), _unescape(bold.group(2))))
        elif bold and "kind-output" in kinds:
            loss_y = float(bold.group(1))
    downwards = loss_y is None or not found or loss_y >= sum(y for y, _ in found) / len(found)
    return list(dict.fromkeys(title for _, title in sorted(found, reverse=not downwards)))


def boxes(path):
    """The module boxes of a graph drawn at layer level (depth=), in forward order."""
    return drawn(path, "module")


def _unescape(text):
    return html.unescape(text)


def layers_sentence(side, titles, lang="en"):
    """A graph drawn at layer level: 'the input is at the top, the loss at the bottom,
    3 boxes between them, one per layer (...): forward runs downwards, backward upwards'.
    ``side``: where the input is (None: not drawn); ``titles``: the boxes."""
    if len(titles) == 1:
        between, between_zh = f"one box, {titles[0]}", f"一个方框 {titles[0]}"
    else:
        between, between_zh = (f"{len(titles)} boxes, one per layer",
                               f"{len(titles)} 个方框，每层一个")
    if side is None:
        verb = "there is" if len(titles) == 1 else "there are"
        return (f"有{between_zh}（参数画在所属的方框里）" if lang == "zh" else
                f"{verb} {between} (each one's parameters inside it)")
    en, zh, opposite = SIDES[side]
    en_o, zh_o, _ = SIDES[opposite]
    forward, backward, forward_zh, backward_zh = FLOW[side]
    if lang == "zh":
        return (f"输入在{zh}，损失在{zh_o}，中间是{between_zh}（参数画在所属的方框里）："
                f"前向传播{forward_zh}，反向传播{backward_zh}")
    return (f"the input is {en}, the loss {en_o}, between them {between} (each one's "
            f"parameters inside it): forward runs {forward}, backward {backward}")


def short_order(frames, keep=8, lang="en"):
    """'CE → LINEAR → RELU → … → LINEAR, 10 steps': backward's order, shortened."""
    order = [label for i, label in enumerate(frames.order)       # a layer box's steps,
             if i == 0 or label != frames.order[i - 1]]           # once
    if len(order) <= keep:
        return " → ".join(order)
    steps = f"，共 {len(order)} 步" if lang == "zh" else f", {len(order)} steps"
    return " → ".join(order[:keep - 2] + ["…"] + order[-2:]) + steps


# -- lessons without a graph ---------------------------------------------------------------
def nothing_to_draw(lesson, lang="en"):
    """The one line --graph prints for a lesson that draws no graph, with the reason."""
    en, zh = lesson.no_graph or ("it builds no computational graph", "它没有构建计算图")
    if lang == "zh":
        return f"--graph：第 {lesson.code} 课没有计算图可画（{zh}），不写文件。"
    return f"--graph: lesson {lesson.code} has no computational graph to draw ({en}); " \
           f"nothing written."
