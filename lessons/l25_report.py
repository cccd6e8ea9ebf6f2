"""Lesson 25's looks inside the trained GPT, kept apart so that the lesson shows the model:
the attention weights of the first block, names sampled, the graph drawn block by block,
and one attention head's backward pass on its own page, with the numbers the whole model
sends back to it."""
from . import graphs
from .l24_check import name_the_seed, telling_elements


def _capture(modules):
    """Forward hooks that keep what each module received and returned: ``(store,
    handles)``; ``store[name] = (inputs, output)``."""
    store, handles = {}, []
    for name, module in modules.items():
        def hook(module, inputs, output, name=name):
            store[name] = (inputs, output)
        handles.append(module.register_forward_hook(hook))
    return store, handles


def _heads(t, n_head):
    """(B, T, C) -> (B, n_head, T, head_size), as the attention splits q, k and v."""
    B, T, C = t.shape
    return t.view(B, T, n_head, C // n_head).transpose(1, 2)


def attention_of(model, idx, n_head):
    """The first block's attention weights on the sequence ``idx`` (1, T): a NumPy array
    (n_head, T, T), recomputed from the queries and keys the model made."""
    attn = model.blocks[0].attn
    store, handles = _capture({"q": attn.query, "k": attn.key})
    was_training = model.training
    model.eval()
    try:
        import math
        torch = _engine(idx)
        with torch.no_grad():
            model(idx)
            q, k = _heads(store["q"][1], n_head), _heads(store["k"][1], n_head)
            T = idx.shape[1]
            att = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
            att = att.masked_fill(attn.tril[:T, :T] == 0, float("-inf"))
            att = torch.nn.functional.softmax(att, dim=-1)
        return att[0].cpu().numpy()
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)


def _engine(t):
    """The engine module a tensor belongs to (tinygrad_edu or torch)."""
    import importlib
    return importlib.import_module(type(t).__module__.split(".")[0])


def sample_names(torch, model, itos, block_size, device, count=10, seed=2147483647,
                 longest=30):
    """``count`` names: start from '.', feed the last ``block_size`` characters, sample
    the next from the last position's softmax (``torch.multinomial``, seeded generator),
    stop at '.' (or after ``longest`` characters)."""
    F = torch.nn.functional
    g = torch.Generator().manual_seed(seed)
    names = []
    model.eval()
    with torch.no_grad():
        for _ in range(count):
            context = [0]
            while True:
                idx = torch.tensor([context[-block_size:]]).to(device)
                logits = model(idx)[:, -1, :]
                probs = F.softmax(logits, dim=-1).cpu()
                ix = torch.multinomial(probs, num_samples=1, generator=g).item()
                if ix == 0 or len(context) > longest:
                    break
                context.append(ix)
            names.append("".join(itos[i] for i in context[1:]))
    model.train()
    return names


def save_head_backward(say, opts, torch, model, X, Y, loss_of, n_head, head=0):
    """One attention head's backward, on its own: the first block's head ``head`` on the
    sequence X (1, T). The whole model runs forward and backward on (X, Y); hooks keep
    that head's q, k, v and the gradient the rest of the model sends to its output
    ``y = softmax(mask(q kᵀ / √d)) v``. The head is then recomputed from q, k, v as
    leaves and stepped through backward seeded with that gradient, so that every number
    on the page is the real one. With --graph the page is saved; with --step the frames
    are shown in the terminal. Returns ``(frames, largest difference)``: the head's
    gradients of q, k, v against the whole model's."""
    F = torch.nn.functional
    attn = model.blocks[0].attn
    store, handles = _capture({"q": attn.query, "k": attn.key, "v": attn.value,
                               "y": attn.proj})
    try:
        loss = loss_of(X, Y)
    finally:
        for h in handles:
            h.remove()
    q_all, k_all, v_all = (store[n][1] for n in "qkv")
    y_all = store["y"][0][0]             # what proj received: the heads side by side
    for t in (q_all, k_all, v_all, y_all):
        t.retain_grad()
    loss.backward()
    model.zero_grad()                    # training is over: clear what this backward left
    T, hs = X.shape[1], q_all.shape[-1] // n_head
    part = slice(head * hs, (head + 1) * hs)
    q, k, v = (t[0, :, part].detach().clone().requires_grad_() for t in (q_all, k_all, v_all))
    g = y_all.grad[0, :, part]           # ∂loss/∂(this head's output), from the full model
    scores = q @ k.T * hs**-0.5
    masked = scores.masked_fill(attn.tril[:T, :T] == 0, float("-inf"))
    att = F.softmax(masked, dim=-1)
    y = att @ v
    names = {"q": q, "k": k, "v": v, "scores": scores, "masked": masked, "att": att, "y": y}
    frames = telling_elements(opts.step_backward(y, gradient=g, names=names))
    name_the_seed(frames, "y", g.detach().cpu().numpy(), say.text(
        "the seed: what the rest of the model sends back to this head's output",
        "种子：模型其余部分传回给这个头的输出的梯度"))
    y.backward(g)                        # the same backward, for the check below
    diffs = [float((a.grad - b.grad[0, :, part]).abs().max()) for a, b in
             ((q, q_all), (k, k_all), (v, v_all))]
    text = "".join(_token(t) for t in X[0].tolist())
    say.result(f"head {head} of the first block on '{text}': its backward alone gives the "
               f"same ∂loss/∂q, ∂loss/∂k, ∂loss/∂v as the whole model's "
               f"(largest difference {max(diffs):.1e})",
               f"第一个块的第 {head} 个头，在 '{text}' 上：单独对它反向传播，得到的 ∂loss/∂q、∂loss/∂k、"
               f"∂loss/∂v 与整个模型的相同（最大差值 {max(diffs):.1e}）")
    if not (opts.graph or opts.step):
        return frames, max(diffs)
    intro = (f"One attention head's backward, y = softmax(mask(q·kᵀ/√{hs}))·v, on '{text}' "
             f"(T = {T}, head size {hs}), seeded with the gradient the rest of the model "
             f"sends to y: MM hands g·vᵀ to the weights and attᵀ·g to v; SOFTMAX turns that "
             f"into att·(g - Σ g·att) per row; the masked places get 0; the scale 1/√{hs} "
             f"multiplies; the first MM gives ∂q = g_s·k and ∂kᵀ = qᵀ·g_s (g_s: the scores' "
             f"gradient). The first position sees only itself: its softmax is 1 whatever "
             f"its score, so that score, and q[0], get no gradient — the zeros you will see.",
             f"单个注意力头的反向传播，y = softmax(mask(q·kᵀ/√{hs}))·v，输入 '{text}'（T = {T}，头的维度 "
             f"{hs}），起点是模型其余部分传给 y 的梯度：MM 把 g·vᵀ 交给注意力权重，把 attᵀ·g 交给 v；"
             f"SOFTMAX 按行变成 att·(g - Σ g·att)；被遮盖的位置得到 0；缩放 1/√{hs} 相乘；最后的 MM 给出 "
             f"∂q = g_s·k 和 ∂kᵀ = qᵀ·g_s（g_s：分数的梯度）。第一个位置只能看到它自己：不论分数是多少，"
             f"它的 softmax 都是 1，所以这个分数以及 q[0] 都得不到梯度——这就是你会看到的那些 0。")
    say.frames(frames, en=intro[0], zh=intro[1])
    if opts.graph:
        path = opts.save_stepper(frames, "l25_attention_head_backward")
        say(f"--graph: {path} steps through that head's backward ({graphs.short_order(frames)}), "
            f"every frame with the chain rule's numbers.",
            zh=f"--graph：{path} 逐步展示这个头的反向传播（{graphs.short_order(frames, lang='zh')}），"
               f"每一帧都有链式法则的具体数值。")
    return frames, max(diffs)


def _token(ix):
    return "." if ix == 0 else chr(ord("a") + ix - 1)


def draw_blocks(say, opts, model, X, loss_of, Y):
    """--graph: the loss on a short sequence, drawn one box per block (the forward runs
    inside ``viz.trace_modules``), without a step-through (that is the head's page)."""
    import viz
    with viz.trace_modules(model, "model"):
        loss = loss_of(X, Y)
    svg = opts.save_graph(loss, "l25_gpt_blocks_graph", params=model, depth=2,
                          names={"idx": X, "targets": Y, "loss": loss})
    titles = graphs.boxes(svg)
    say(f"--graph: the GPT's loss on '{''.join(_token(t) for t in X[0].tolist())}' is drawn "
        f"in {svg}, one box per block: {', '.join(titles) if titles else 'see the picture'}.",
        zh=f"--graph：GPT 的损失（输入 '{''.join(_token(t) for t in X[0].tolist())}'）的计算图在 {svg}，"
           f"每个块画成一个框：{'、'.join(titles) if titles else '见图'}。")
    model.zero_grad()
    return svg

