"""Lesson 25 — a tiny GPT on the names.

Character-level, the names joined into one stream ('.emma.olivia.ava.' …) and read in
windows of 16 characters: every position predicts the next character from the ones
before it. The model is a decoder-only Transformer, as GPT-2 builds it, only small:

- token and position embeddings (nn.Embedding), added;
- 2 blocks, each ``x = x + attention(ln_1(x))`` then ``x = x + mlp(ln_2(x))``: LayerNorm
  before each part, residual connections around it;
- causal self-attention with 4 heads: queries, keys and values split into heads with
  ``view`` + ``transpose``, scores ``q @ kᵀ / sqrt(head_size)``, a ``tril`` mask filled
  with -inf (no peeking at later characters), softmax, a weighted sum of the values;
- an MLP of Linear(64, 256), GELU, Linear(256, 64); a last LayerNorm and Linear(64, 27);
- AdamW.

Then: the test loss, names sampled, the graph at block level, and one attention head's
backward stepped through with numbers (``--graph``; in the terminal with ``--step``)."""
from .l23_data import split_names
from .l25_report import attention_of, draw_blocks, sample_names, save_head_backward

N_EMBD, N_HEAD, N_LAYER, BLOCK_SIZE, BATCH_SIZE = 64, 4, 2, 16, 32
LEARNING_RATE = 3e-3


def run(torch, device, say, opts):
    nn, F = torch.nn, torch.nn.functional
    torch.manual_seed(opts.seed)
    say("The data: the names shuffled (random.seed(42)) and split 80/10/10 as in lessons "
        "23–24, each split joined into one stream that starts and ends with '.', so '.' "
        "both ends a name and starts the next.",
        zh="数据：名字用 random.seed(42) 打乱，按 80/10/10 划分（与第 23、24 课相同），每一部分连成一串，"
           "首尾都是 '.'，于是 '.' 既结束一个名字，也开始下一个名字。")
    words, stoi, itos, (train_words, dev_words, test_words) = split_names()
    vocab_size = len(itos)

    def stream(names):
        return torch.tensor([stoi[c] for c in "." + ".".join(names) + "."]).to(device)

    def windows(data):
        """The stream cut into windows of BLOCK_SIZE: inputs, and the same shifted by one."""
        n = (len(data) - 1) // BLOCK_SIZE
        return (data[:n * BLOCK_SIZE].view(n, BLOCK_SIZE),
                data[1:n * BLOCK_SIZE + 1].view(n, BLOCK_SIZE))

    train_data = stream(train_words)
    Xdev, Ydev = windows(stream(dev_words))
    Xte, Yte = windows(stream(test_words))
    max_steps = 60 if opts.quick else 4000
    if opts.quick:
        Xdev, Ydev, Xte, Yte = Xdev[:200], Ydev[:200], Xte[:200], Yte[:200]
    say.result(f"train stream {len(train_data)} characters; dev {tuple(Xdev.shape)} and "
               f"test {tuple(Xte.shape)} windows of {BLOCK_SIZE}",
               f"训练串 {len(train_data)} 个字符；验证集 {tuple(Xdev.shape)}、测试集 {tuple(Xte.shape)}，"
               f"每个窗口 {BLOCK_SIZE} 个字符")

    say("Self-attention in one picture: with T = 4 positions, torch.tril(torch.ones(T, T)) "
        "marks which earlier positions each one may see; masked_fill puts -inf elsewhere "
        "and softmax turns each row into weights summing to 1. With equal scores that is a "
        "running average; with learned scores q · k each position picks what it needs.",
        zh="一张图看懂自注意力：T = 4 个位置时，torch.tril(torch.ones(T, T)) 标出每个位置能看到的前面的位置；"
           "masked_fill 把其余位置填成 -inf，softmax 再把每一行变成和为 1 的权重。分数都相等时就是前缀平均；"
           "分数由 q · k 学出来时，每个位置挑选自己需要的信息。")
    tril = torch.tril(torch.ones(4, 4))
    wei = torch.zeros((4, 4)).masked_fill(tril == 0, float("-inf"))
    wei = F.softmax(wei, dim=-1)
    say.result("tril = " + _rows(tril) + ";  softmax(masked) = " + _rows(wei),
               "tril = " + _rows(tril) + "；softmax(遮盖后) = " + _rows(wei))

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.query = nn.Linear(N_EMBD, N_EMBD, bias=False)
            self.key = nn.Linear(N_EMBD, N_EMBD, bias=False)
            self.value = nn.Linear(N_EMBD, N_EMBD, bias=False)
            self.proj = nn.Linear(N_EMBD, N_EMBD)
            self.register_buffer("tril", torch.tril(torch.ones(BLOCK_SIZE, BLOCK_SIZE)))

        def forward(self, x):
            B, T, C = x.shape
            hs = C // N_HEAD
            # (B, T, C) -> (B, n_head, T, head_size): each head gets its own slice of C
            q = self.query(x).view(B, T, N_HEAD, hs).transpose(1, 2)
            k = self.key(x).view(B, T, N_HEAD, hs).transpose(1, 2)
            v = self.value(x).view(B, T, N_HEAD, hs).transpose(1, 2)
            att = q @ k.transpose(-2, -1) * hs**-0.5        # (B, n_head, T, T) affinities
            att = att.masked_fill(self.tril[:T, :T] == 0, float("-inf"))   # only the past
            att = F.softmax(att, dim=-1)
            y = att @ v                                     # (B, n_head, T, head_size)
            y = y.transpose(1, 2).contiguous().view(B, T, C)   # the heads side by side
            return self.proj(y)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(N_EMBD)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(N_EMBD)
            self.mlp = nn.Sequential(nn.Linear(N_EMBD, 4 * N_EMBD), nn.GELU(),
                                     nn.Linear(4 * N_EMBD, N_EMBD))

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))   # the positions talk to each other
            x = x + self.mlp(self.ln_2(x))    # each position thinks on its own
            return x

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok_emb = nn.Embedding(vocab_size, N_EMBD)
            self.pos_emb = nn.Embedding(BLOCK_SIZE, N_EMBD)
            self.blocks = nn.Sequential(*[Block() for _ in range(N_LAYER)])
            self.ln_f = nn.LayerNorm(N_EMBD)
            self.lm_head = nn.Linear(N_EMBD, vocab_size)

        def forward(self, idx):
            B, T = idx.shape
            x = self.tok_emb(idx) + self.pos_emb(torch.arange(T, device=idx.device))
            x = self.blocks(x)
            return self.lm_head(self.ln_f(x))   # (B, T, vocab_size) logits

    model = opts.same_weights(GPT().to(device))
    n_params = sum(p.numel() for p in model.parameters())
    say.result(f"GPT: {N_LAYER} blocks, {N_HEAD} heads, n_embd {N_EMBD}, block size "
               f"{BLOCK_SIZE}: {n_params:,} parameters",
               f"GPT：{N_LAYER} 个块，{N_HEAD} 个头，n_embd {N_EMBD}，上下文长度 {BLOCK_SIZE}："
               f"{n_params:,} 个参数")

    def loss_of(X, Y):
        logits = model(X)
        B, T, V = logits.shape
        return F.cross_entropy(logits.view(B * T, V), Y.view(B * T))

    def split_loss(X, Y):
        model.eval()
        with torch.no_grad():
            loss = loss_of(X, Y).item()
        model.train()
        return loss

    say(f"Training: AdamW (lr {LEARNING_RATE}, weight decay 0.01), {max_steps} steps of "
        f"{BATCH_SIZE} random windows each: x = data[i : i + 16], y = data[i + 1 : i + 17].",
        zh=f"训练：AdamW（学习率 {LEARNING_RATE}，权重衰减 0.01），共 {max_steps} 步，每步 {BATCH_SIZE} "
           f"个随机窗口：x = data[i : i + 16]，y = data[i + 1 : i + 17]。")
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    starts = opts.same("batches", lambda: torch.randint(
        0, len(train_data) - BLOCK_SIZE - 1, (max_steps, BATCH_SIZE))).to(device)
    offsets = torch.arange(BLOCK_SIZE, device=device)
    every = max(1, max_steps // 8)
    losses, dev_steps, dev_losses = [], [], []
    for step in opts.progress(range(max_steps), desc="steps", unit="step"):
        rows = starts[step].view(-1, 1) + offsets          # (B, T) positions in the stream
        xb, yb = train_data[rows], train_data[rows + 1]
        loss = loss_of(xb, yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if step % every == 0 or step == max_steps - 1:
            recent = losses[-every:]
            dev_steps.append(step)
            dev_losses.append(split_loss(Xdev, Ydev))
            say.result(f"step {step:5d}: train {sum(recent) / len(recent):.4f} (mean of the "
                       f"last {len(recent)}), dev {dev_losses[-1]:.4f}",
                       f"第 {step:5d} 步：训练 {sum(recent) / len(recent):.4f}（最近 {len(recent)} "
                       f"步的平均），验证集 {dev_losses[-1]:.4f}")
    test_loss = split_loss(Xte, Yte)
    say.result(f"test loss {test_loss:.4f} ({len(Xte)} windows, {Xte.numel()} characters)",
               f"测试集损失 {test_loss:.4f}（{len(Xte)} 个窗口，{Xte.numel()} 个字符）")

    say("Sampling: start from '.', feed what was generated so far (the last 16 characters), "
        "take the last position's logits, softmax, torch.multinomial with a seeded "
        "generator; stop at the next '.'.",
        zh="采样：从 '.' 开始，把已经生成的内容（最后 16 个字符）送入模型，取最后一个位置的 logits，"
           "softmax 之后用固定种子的生成器调用 torch.multinomial；遇到下一个 '.' 就停止。")
    names = sample_names(torch, model, itos, BLOCK_SIZE, device)
    known = set(words)
    novel = sum(name not in known for name in names)
    say.result("names: " + ", ".join(names) + f"  ({novel} of {len(names)} not in the data)",
               "生成的名字：" + "，".join(names) + f"（{len(names)} 个中有 {novel} 个不在数据里）")

    example = torch.tensor([[stoi[c] for c in ".emma"]]).to(device)
    if opts.plot:
        from viz import plots_activations
        window = max(1, min(50, max_steps // 20))
        smooth = [sum(losses[i:i + window]) / window
                  for i in range(0, max_steps - window + 1, window)]
        opts.save_plot(plots_activations.losses_at_steps, "l25_loss.png", {
            say.text(f"train (mean of {window} steps)", f"训练（每 {window} 步的平均）"):
                ([i + window - 1 for i in range(0, max_steps - window + 1, window)], smooth),
            say.text("dev", "验证集"): (dev_steps, dev_losses)}, what="loss curve")
        opts.save_plot(plots_activations.attention_maps, "l25_attention.png",
                       attention_of(model, example, N_HEAD), list(".emma"),
                       what="attention weights",
                       title=say.text("first block's attention on '.emma'",
                                      "第一个块在 '.emma' 上的注意力权重"))
    frames, head_check = save_head_backward(
        say, opts, torch, model, example,
        torch.tensor([[stoi[c] for c in "emma."]]).to(device), loss_of, N_HEAD)
    if opts.graph:
        draw_blocks(say, opts, model, example[:, :3], loss_of,
                    torch.tensor([[stoi[c] for c in "emm"]]).to(device))
    return {"metrics": {"test loss": test_loss, "dev loss": dev_losses[-1],
                        "parameters": n_params, "head check difference": head_check},
            "losses": losses, "dev_losses": dict(zip(dev_steps, dev_losses)), "names": names,
            "frames": frames,
            "summary": f"tiny GPT ({n_params:,} parameters), {max_steps} AdamW steps: test "
                       f"loss {test_loss:.4f}; names {', '.join(names[:4])}",
            "summary_zh": f"小型 GPT（{n_params:,} 个参数），AdamW 训练 {max_steps} 步：测试集损失 "
                          f"{test_loss:.4f}；生成 {'，'.join(names[:4])}"}


def _rows(t):
    return "[" + ", ".join("[" + " ".join(f"{x:.2f}" for x in row) + "]"
                           for row in t.tolist()) + "]"
