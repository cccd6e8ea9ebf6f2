"""The round-2 benchmark steps (issue 13): the CIFAR-like CNN, the wide MLP at batch 1, the
character-level MLP language model and a small Transformer, each written once against the
torch API so the same code runs on tinygrad_edu and on real torch."""
import numpy as np

from . import floor

VOCAB, BLOCK = 27, 3           # the names data set's 26 letters + '.', three letters of context
LM_EMBED, LM_HIDDEN, LM_BATCH = 10, 200, 32


def cifar_cnn(torch):
    """3×32×32 images: conv 3→32, ReLU, max-pool 2; conv 32→64, ReLU, max-pool 2; linear."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 8 * 8, 10))


def cifar_batch(n, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, 3, 32, 32)).astype(np.float32),
            rng.integers(0, 10, n).astype(np.int64))


def lm_batch(n=LM_BATCH, seed=0):
    """n windows of BLOCK character indices and the next character of each."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, VOCAB, (n, BLOCK)).astype(np.int64), rng.integers(0, VOCAB, n)


class CharLM:
    """Zero to Hero's makemore MLP: C[X] (an embedding by indexing), tanh hidden layer,
    cross-entropy over 27 characters; parameters updated by p.data += -lr · p.grad."""
    name = f"char-level MLP LM (emb {LM_EMBED}, hidden {LM_HIDDEN}, batch {LM_BATCH})"
    rounds = None

    def steps(self, engines):
        x, y = lm_batch()
        rng = np.random.default_rng(0)
        shapes = [(VOCAB, LM_EMBED), (BLOCK * LM_EMBED, LM_HIDDEN), (LM_HIDDEN,),
                  (LM_HIDDEN, VOCAB), (VOCAB,)]
        init = [(rng.standard_normal(s) * 0.1).astype(np.float32) for s in shapes]
        out = {name: self._step(torch, init, x, y) for name, torch in engines.items()}
        net = floor.CharLM([p.copy() for p in init], 0.1)
        out["numpy"] = lambda: net.step(x, y)
        return out

    @staticmethod
    def _step(torch, init, x, y):
        params = [torch.tensor(p.copy(), requires_grad=True) for p in init]
        X, Y = torch.tensor(x), torch.tensor(y)
        C, W1, b1, W2, b2 = params

        def step():
            emb = C[X]
            h = torch.tanh(emb.view(-1, BLOCK * LM_EMBED) @ W1 + b1)
            loss = torch.nn.functional.cross_entropy(h @ W2 + b2, Y)
            for p in params:
                p.grad = None
            loss.backward()
            for p in params:
                p.data += -0.1 * p.grad
            return loss
        return step


N_EMBD, N_HEAD, N_LAYER, T_BLOCK, T_BATCH = 64, 4, 2, 16, 32


def transformer(torch):
    """A decoder-only Transformer (nanoGPT's layout): token and position embeddings, pre-norm
    blocks of causal self-attention (tril + masked_fill + softmax) and a GELU MLP."""
    nn, F = torch.nn, torch.nn.functional

    class SelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(N_EMBD, 3 * N_EMBD)
            self.proj = nn.Linear(N_EMBD, N_EMBD)
            self.register_buffer("mask", torch.tril(torch.ones(T_BLOCK, T_BLOCK)))

        def forward(self, x):
            B, T, C = x.shape
            q, k, v = self.qkv(x).split(N_EMBD, dim=2)
            q, k, v = (t.view(B, T, N_HEAD, C // N_HEAD).transpose(1, 2) for t in (q, k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / (C // N_HEAD) ** 0.5)
            att = att.masked_fill(self.mask[:T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
            return self.proj(y)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.attn = nn.LayerNorm(N_EMBD), SelfAttention()
            self.ln2 = nn.LayerNorm(N_EMBD)
            self.mlp = nn.Sequential(nn.Linear(N_EMBD, 4 * N_EMBD), nn.GELU(),
                                     nn.Linear(4 * N_EMBD, N_EMBD))

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(VOCAB, N_EMBD), nn.Embedding(T_BLOCK, N_EMBD)
            self.blocks = nn.Sequential(*[Block() for _ in range(N_LAYER)])
            self.ln_f, self.head = nn.LayerNorm(N_EMBD), nn.Linear(N_EMBD, VOCAB)

        def forward(self, idx):
            x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
            return self.head(self.ln_f(self.blocks(x)))

    return GPT()


class Transformer:
    name = (f"Transformer (n_embd {N_EMBD}, {N_HEAD} heads, {N_LAYER} layers, block "
            f"{T_BLOCK}, batch {T_BATCH}), AdamW")
    rounds = None

    def steps(self, engines):
        rng = np.random.default_rng(0)
        x = rng.integers(0, VOCAB, (T_BATCH, T_BLOCK)).astype(np.int64)
        y = rng.integers(0, VOCAB, (T_BATCH, T_BLOCK)).astype(np.int64)
        out, reference = {}, None
        for name, torch in engines.items():
            torch.manual_seed(0)
            model = transformer(torch)
            if reference is None:
                reference = model
            else:
                state = {k: torch.tensor(v.detach().cpu().numpy().copy())
                         for k, v in reference.state_dict().items()}
                model.load_state_dict(state)
            out[name] = self._step(torch, model, torch.tensor(x), torch.tensor(y))
        return out

    @staticmethod
    def _step(torch, model, x, y):
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        F = torch.nn.functional

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x).view(-1, VOCAB), y.view(-1))
            loss.backward()
            opt.step()
            return loss
        return step
