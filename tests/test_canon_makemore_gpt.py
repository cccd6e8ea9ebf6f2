"""Part 3 (the Transformer): the patterns of the makemore lectures ("Neural Networks: Zero to
Hero") and of makemore.py, written here in our own code, each run unchanged on both engines:
every pattern is a function of the engine (named ``torch`` inside, as a student's script
would call it), called once with ``tinygrad_edu`` and once with real torch, from the same
inputs. Random weights are drawn by torch and copied into ours; minibatches are picked once
with NumPy and used by both. Values and gradients are compared with
``np.testing.assert_allclose``."""
import math
import random

import numpy as np
import pytest

import tinygrad_edu
from makemore_shared import (  # noqa: F401  (torch_on_one_thread, words, vocab: fixtures)
    agree, agree_all, both, numbers, torch, torch_on_one_thread, vocab, words)


# -- makemore.py's Transformer, char-level and small -------------------------------------------
def transformer_model(torch, vocab_size=27, block_size=8, n_embd=32, n_head=4, n_layer=2):
    """A GPT as makemore.py builds it. Block 0's MLP uses the hand-written GELU (the tanh
    approximation), block 1's uses nn.GELU() (the exact one, with erf)."""
    nn, F = torch.nn, torch.nn.functional

    class NewGELU(nn.Module):
        def forward(self, x):
            return 0.5 * x * (1.0 + torch.tanh(
                math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            assert n_embd % n_head == 0
            self.c_attn = nn.Linear(n_embd, 3 * n_embd)   # queries, keys, values at once
            self.c_proj = nn.Linear(n_embd, n_embd)
            mask = torch.tril(torch.ones(block_size, block_size))
            self.register_buffer("bias", mask.view(1, 1, block_size, block_size))

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(n_embd, dim=2)
            q = q.view(B, T, n_head, C // n_head).transpose(1, 2)   # (B, heads, T, hs)
            k = k.view(B, T, n_head, C // n_head).transpose(1, 2)
            v = v.view(B, T, n_head, C // n_head).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
            y = y.transpose(1, 2).contiguous().view(B, T, C)   # heads side by side again
            return self.c_proj(y)

    class Block(nn.Module):
        def __init__(self, act):
            super().__init__()
            self.ln_1 = nn.LayerNorm(n_embd)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(n_embd)
            self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd),
                                          c_proj=nn.Linear(4 * n_embd, n_embd), act=act))
            m = self.mlp
            self.mlpf = lambda x: m.c_proj(m.act(m.c_fc(x)))

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlpf(self.ln_2(x))

    class Transformer(nn.Module):
        def __init__(self):
            super().__init__()
            acts = [NewGELU(), nn.GELU()]
            self.transformer = nn.ModuleDict(dict(
                wte=nn.Embedding(vocab_size, n_embd),
                wpe=nn.Embedding(block_size, n_embd),
                h=nn.ModuleList([Block(acts[i % 2]) for i in range(n_layer)]),
                ln_f=nn.LayerNorm(n_embd)))
            self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

        def get_block_size(self):
            return block_size

        def forward(self, idx, targets=None):
            b, t = idx.size()
            assert t <= block_size
            pos = torch.arange(0, t, dtype=torch.long).unsqueeze(0)   # (1, t)
            x = self.transformer.wte(idx) + self.transformer.wpe(pos)
            for block in self.transformer.h:
                x = block(x)
            logits = self.lm_head(self.transformer.ln_f(x))
            loss = None
            if targets is not None:   # -1 marks the padding after a name's end
                loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1),
                                       ignore_index=-1)
            return logits, loss

    return Transformer()


def name_examples(words, stoi, block_size=8):
    """makemore's CharDataset: x starts with the '.' token, y is x shifted by one, and the
    positions after a name's end are -1 in y (ignored by the loss)."""
    short = [w for w in words if len(w) < block_size][:2000]
    X = np.zeros((len(short), block_size), dtype=np.int64)
    Y = np.zeros((len(short), block_size), dtype=np.int64)
    for i, w in enumerate(short):
        ix = [stoi[ch] for ch in w]
        X[i, 1:1 + len(ix)] = ix
        Y[i, :len(ix)] = ix
        Y[i, len(ix) + 1:] = -1
    return X, Y


def transformer_training(torch, X_array, Y_array, batches, state=None):
    model = transformer_model(torch)
    if state is not None:
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()})
    initial = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01,
                                  betas=(0.9, 0.99), eps=1e-8)
    X, Y = torch.from_numpy(X_array), torch.from_numpy(Y_array)
    losses = []
    for batch in batches:
        ix = torch.from_numpy(batch)
        logits, loss = model(X[ix], Y[ix])
        model.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    result = {"losses": losses, "logits": logits,
              "parameters": sum(p.numel() for p in model.parameters())}
    result.update(model.state_dict())
    return model, initial, result


@pytest.fixture(scope="module")
def trained_transformers(words, vocab):
    X, Y = name_examples(words, vocab[0])
    batches = list(np.random.default_rng(5).integers(0, len(X), (5, 32)))
    torch.manual_seed(1337)
    theirs_model, initial, theirs = transformer_training(torch, X, Y, batches)
    ours_model, _, ours = transformer_training(tinygrad_edu, X, Y, batches, state=initial)
    return (ours_model, ours), (theirs_model, theirs)


def test_makemore_transformer_adamw_steps_equal_torch(trained_transformers):
    (_, ours), (_, theirs) = trained_transformers
    assert ours.pop("parameters") == theirs.pop("parameters")
    assert "transformer.h.0.attn.bias" in ours   # the causal mask is a persistent buffer
    # The keys' bias gets no gradient: q·(k + b) shifts a query's scores by the same q·b, and
    # softmax ignores shifts. Its gradient is rounding noise (~1e-9, different in each
    # engine), which Adam divides by its own size: updates of up to ~lr, in both engines.
    n_embd, steps, lr = 32, 5, 5e-4
    for i in range(2):
        key = f"transformer.h.{i}.attn.c_attn.bias"
        b_ours, b_theirs = numbers(ours.pop(key)), numbers(theirs.pop(key))
        queries, keys, values = slice(0, n_embd), slice(n_embd, 2 * n_embd), slice(2 * n_embd, None)
        for part in (queries, values):
            agree(b_ours[part], b_theirs[part], rtol=1e-5, atol=1e-6, what=key)
        agree(b_ours[keys], b_theirs[keys], rtol=0, atol=2 * steps * lr, what=key + " (keys)")
    agree_all(ours, theirs, rtol=1e-5, atol=1e-6)


def generate(torch, model, idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None):
    """makemore's sampler: crop to the block size, scale the last logits by 1/temperature,
    optionally keep only the top k, then sample (or take the most likely)."""
    F = torch.nn.functional
    with torch.no_grad():
        for _ in range(max_new_tokens):
            block_size = model.get_block_size()
            idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
            logits, _ = model(idx_cond)
            logits = logits[:, -1, :] / temperature
            if top_k is not None:
                v, _ = torch.topk(logits, top_k)
                logits[logits < v[:, [-1]]] = -float("Inf")
            probs = F.softmax(logits, dim=-1)
            if do_sample:
                idx_next = torch.multinomial(probs, num_samples=1)
            else:
                _, idx_next = torch.topk(probs, k=1, dim=-1)
            idx = torch.cat((idx, idx_next), dim=1)
    return idx


def test_makemore_transformer_sampling_with_temperature(trained_transformers):
    (ours_model, _), (theirs_model, _) = trained_transformers
    for engine, model in ((tinygrad_edu, ours_model), (torch, theirs_model)):
        model.eval()
        start = engine.zeros(6, 1, dtype=engine.long)
        engine.manual_seed(7)
        sampled = generate(engine, model, start, 10, temperature=0.8, do_sample=True, top_k=5)
        engine.manual_seed(7)
        again = generate(engine, model, start, 10, temperature=0.8, do_sample=True, top_k=5)
        assert sampled.shape == (6, 11) and str(sampled.dtype) == "torch.int64"
        values = sampled.numpy()
        assert ((values >= 0) & (values < 27)).all()
        np.testing.assert_array_equal(values, again.numpy())   # seeded: reproducible
    greedy = [generate(engine, model, engine.zeros(2, 1, dtype=engine.long), 10).numpy()
              for engine, model in ((tinygrad_edu, ours_model), (torch, theirs_model))]
    np.testing.assert_array_equal(*greedy)   # no sampling: the same most likely names


def makemore_data_pipeline(torch, words, stoi, model, path):
    """makemore.py around the model: a Dataset that encodes names on the fly, an endless
    loader (a RandomSampler with replacement and 10¹⁰ samples), the evaluation loop over a
    DataLoader, and the checkpoint saved and loaded back."""
    from importlib import import_module
    data = import_module(torch.__name__ + ".utils.data")   # torch.utils.data

    class CharDataset(data.Dataset):
        def __init__(self, words, max_word_length=7):
            self.words, self.max_word_length = words, max_word_length

        def __len__(self):
            return len(self.words)

        def __getitem__(self, i):
            ix = torch.tensor([stoi[ch] for ch in self.words[i]], dtype=torch.long)
            x = torch.zeros(self.max_word_length + 1, dtype=torch.long)
            y = torch.zeros(self.max_word_length + 1, dtype=torch.long)
            x[1:1 + len(ix)] = ix
            y[:len(ix)] = ix
            y[len(ix) + 1:] = -1   # no loss after the end token
            return x, y

    dataset = CharDataset(words)
    sampler = data.RandomSampler(dataset, replacement=True, num_samples=int(1e10))
    batches = iter(data.DataLoader(dataset, sampler=sampler, batch_size=16))
    drawn = [next(batches) for _ in range(3)]

    model.eval()
    with torch.no_grad():
        losses = [model(X, Y)[1].item()
                  for X, Y in data.DataLoader(dataset, shuffle=False, batch_size=50)]
    mean_loss = torch.tensor(losses).mean().item()
    model.train()
    torch.save(model.state_dict(), path)
    model.load_state_dict(torch.load(path))
    return drawn, dataset[0], mean_loss


def test_makemore_dataset_endless_loader_evaluate_and_checkpoint(trained_transformers, words,
                                                                 vocab, tmp_path):
    (ours_model, _), (theirs_model, _) = trained_transformers
    short = [w for w in words if len(w) < 8][:200]
    ours = makemore_data_pipeline(tinygrad_edu, short, vocab[0], ours_model, tmp_path / "o")
    theirs = makemore_data_pipeline(torch, short, vocab[0], theirs_model, tmp_path / "t")
    for X, Y in ours[0]:
        assert X.shape == Y.shape == (16, 8) and str(X.dtype) == "torch.int64"
        np.testing.assert_array_equal(X.numpy()[:, 1:][Y.numpy()[:, :-1] >= 0],
                                      Y.numpy()[:, :-1][Y.numpy()[:, :-1] >= 0])
    agree(ours[1], theirs[1], rtol=0, atol=0, what="one encoded example")
    assert ours[2] == pytest.approx(theirs[2], rel=1e-5)
    agree(ours_model.lm_head.weight, theirs_model.lm_head.weight)
