"""What the training lessons share, written once, so that a lesson shows the course's code.

A lesson keeps in view what the course teaches: the data it builds, the model class, the
loss and the optimizer, and the training step (forward, loss, ``zero_grad``, ``backward``,
``step``). The bookkeeping around them lives here:

- ``History``: ``for epoch in history:`` is the course's ``for epoch in range(n):`` with a
  progress bar, the recorded losses and a line printed every few epochs (lessons 03–07
  and 10, which teach the loop itself, write it out);
- ``train(...)`` / ``train_batches(...)``: that loop around a lesson's ``train_step``, in
  full-batch and in mini-batch training (the later lessons);
- ``argmax_accuracy`` / ``threshold_accuracy``: the course's two test loops;
- ``mnist_loaders``, ``split_rows``: data preparation;
- ``plot_losses``, ``plot_accuracy``, ``say_accuracy``, ``mnist_result``: what the
  lessons plot, print and return;
- ``draw_backward`` / ``first_samples``: --graph for a lesson's model, on a few samples.
"""
from . import data, graphs


# -- the training loop ---------------------------------------------------------------------
def loss_line(epoch, loss):
    """``0 0.693147``: the epoch and its loss, as the course prints them."""
    return f"{epoch} {loss:.6f}"


def mean_loss_line(epoch, loss):
    """``epoch 1: mean loss 0.2958``: an epoch (counted from 1) and its mean batch loss."""
    return (f"epoch {epoch + 1}: mean loss {loss:.4f}",
            f"第 {epoch + 1} 轮：平均损失 {loss:.4f}")


class History:
    """``for epoch in History(opts, say, 100):`` the course's ``for epoch in range(100):``
    with a progress bar, the loss history and a printed line (the course prints by hand;
    torch has no counterpart).

    Inside the loop the lesson calls ``history.record(loss)`` once per step: once an epoch
    in full-batch training, once a mini-batch otherwise. After each epoch the mean of its
    steps' losses joins ``epoch_losses`` and shows on the bar; with ``every``,
    ``line(epoch, mean)`` (a string or an ``(en, zh)`` pair) is printed every ``every``
    epochs, and after the last epoch too unless ``last=False``."""

    def __init__(self, opts, say, epochs, every=None, line=None, last=True, desc="epochs"):
        self.opts, self.say, self.epochs = opts, say, epochs
        self.every, self.line, self.last, self.desc = every, line or loss_line, last, desc
        self.losses = []          # one per record(): per epoch or per mini-batch
        self.epoch_losses = []    # each epoch's mean

    def __iter__(self):
        bar = self.opts.epochs(self.epochs, self.desc)
        for epoch in bar:
            start = len(self.losses)
            yield epoch
            steps = self.losses[start:]
            if not steps:         # nothing recorded this epoch: nothing to average or print
                continue
            self.epoch_losses.append(sum(steps) / len(steps))
            bar.set_postfix(loss=self.epoch_losses[-1])
            if self.shows(epoch):
                line = self.line(epoch, self.epoch_losses[-1])
                self.say.result(*((line,) if isinstance(line, str) else line))

    def shows(self, epoch):
        """Whether this epoch's line is printed (every ``every`` epochs, and the last)."""
        return bool(self.every) and (epoch % self.every == 0
                                     or (self.last and epoch == self.epochs - 1))

    def record(self, loss):
        """Keep a step's loss (``loss.item()``)."""
        self.losses.append(loss.item())


def train(opts, say, epochs, train_step, every=None, line=None, last=True, desc="epochs"):
    """Full-batch training: ``train_step()`` — the lesson's forward, loss, zero_grad,
    backward and step; it returns the loss — once an epoch, ``epochs`` times (printing as
    ``History`` does). Returns the losses, one per epoch."""
    history = History(opts, say, epochs, every, line, last, desc)
    for epoch in history:
        history.record(train_step())
    return history.losses


def train_batches(opts, say, epochs, loader, train_step, device, every=None,
                  line=mean_loss_line):
    """Mini-batch training: each epoch, ``train_step(x, y)`` for every batch of ``loader``
    (moved to ``device``); it returns the batch's loss. Returns ``(losses,
    epoch_losses)``: one per mini-batch, and each epoch's mean."""
    history = History(opts, say, epochs, every, line)
    for epoch in history:
        for (x, y) in loader:
            x, y = x.to(device), y.to(device)
            history.record(train_step(x, y))
    return history.losses, history.epoch_losses


# -- testing -------------------------------------------------------------------------------
def argmax_accuracy(torch, model, batches, device):
    """Percent of the samples whose largest output sits at the label's index: the course's
    ``_, predicted = torch.max(outputs.data, dim=1)`` under ``torch.no_grad()``.
    ``batches``: a DataLoader of (inputs, class indices)."""
    def correct_in(Pred, y):
        _, predicted = torch.max(Pred.data, dim=1)
        return torch.sum((predicted == y)).item()
    return _accuracy(torch, model, batches, device, correct_in)


def threshold_accuracy(torch, model, batches, device):
    """Percent of the samples whose outputs, set to 1 where >= 0.5 and to 0 elsewhere (the
    course's ``Pred[Pred >= 0.5] = 1``), all equal the label. ``batches``: a DataLoader,
    or ``[(X, Y)]`` for the whole set in one pass."""
    def correct_in(Pred, y):
        Pred[Pred >= 0.5] = 1
        Pred[Pred < 0.5] = 0
        return torch.sum((Pred == y).all(1)).item()
    return _accuracy(torch, model, batches, device, correct_in)


def _accuracy(torch, model, batches, device, correct_in):
    correct = 0
    total = 0
    with torch.no_grad():
        for (x, y) in batches:
            x, y = x.to(device), y.to(device)
            correct += correct_in(model(x), y)
            total += y.size(0)
    return 100 * correct / total


# -- data ----------------------------------------------------------------------------------
def split_rows(table, train_share=0.7):
    """The course's split of a shuffled table: the first ``int(len * 0.7)`` rows for
    training, the rest for testing. Returns ``(train_Data, test_Data)``."""
    train_size = int(len(table) * train_share)
    return table[:train_size, :], table[train_size:, :]


def mnist_loaders(torch, opts, batch_size, quick_limit=640):
    """The shipped MNIST sample, normalised, as the course's two loaders of
    ``batch_size``: the training batches shuffled, the test batches in order. With
    --quick, ``quick_limit`` training digits (a class-balanced subset)."""
    limit = quick_limit if opts.quick else None
    x_train, y_train, x_test, y_test = data.mnist_tensors(torch, "cpu", limit=limit)
    TensorDataset = torch.utils.data.TensorDataset
    train_loader = opts.loader(TensorDataset(x_train, y_train), shuffle=True,
                               batch_size=batch_size)
    test_loader = opts.loader(TensorDataset(x_test, y_test), shuffle=False,
                              batch_size=batch_size)
    return train_loader, test_loader


# -- plots, printed lines, results ---------------------------------------------------------
def plot_losses(opts, filename, losses, what="loss curve", **options):
    """With --plot, the loss curve (``viz.plots.loss_curve``; ``losses`` a list, or a dict
    of named lists) as a PNG in --out."""
    _plot(opts, "loss_curve", filename, losses, what, **options)


def plot_accuracy(opts, filename, accuracies, what="test accuracy"):
    """With --plot, the test accuracy per epoch (``viz.plots.accuracy_curve``; a list, or
    a dict of named lists) as a PNG in --out."""
    _plot(opts, "accuracy_curve", filename, accuracies, what)


def _plot(opts, plot_name, filename, values, what, **options):
    if opts.plot:
        from viz import plots
        opts.save_plot(getattr(plots, plot_name), filename, values, what=what, **options)


def say_accuracy(say, accuracy):
    """``test accuracy: 92.10 %``."""
    say.result(f"test accuracy: {accuracy:.2f} %", f"测试集精准度: {accuracy:.2f} %")


def mnist_result(accuracy, losses, epoch_losses, epochs, **extra):
    """The result of an MNIST-sample lesson (15, 16): accuracy, the losses per epoch and
    per mini-batch, and the one-line summary."""
    return dict({"metrics": {"test accuracy": accuracy, "last epoch loss": epoch_losses[-1]},
                 "losses": epoch_losses, "batch_losses": losses,
                 "summary": f"test accuracy {accuracy:.2f} % on the MNIST sample after "
                            f"{epochs} epochs ({len(losses)} steps)",
                 "summary_zh": f"MNIST 样本训练 {epochs} 轮（{len(losses)} 步）后测试集精准度 "
                               f"{accuracy:.2f} %"}, **extra)


# -- --graph: the model's computational graph and its backward pass ------------------------
LAYERS = "layers"   # depth= of a layer-level drawing: one box per layer (viz counts from
#                    the first module with more than one child: self.net = Sequential too)


def first_samples(torch, dataset, n, device):
    """The first ``n`` samples of ``dataset`` as one batch ``(x, y)``. Read by index, not
    through a DataLoader: iterating a torch DataLoader draws a seed from the global random
    generator, which would change the training that follows."""
    xs, ys = zip(*(dataset[i] for i in range(n)))
    return torch.stack(list(xs)).to(device), torch.stack(list(ys)).to(device)


def draw_backward(say, opts, model, loss_fn, x, y, stem, depth=None):
    """--graph: the loss of ``model`` on the batch ``(x, y)`` — a few samples, so that the
    page stays small — drawn as a graph (``{stem}_graph.svg``) and stepped through
    backward (``{stem}_backward.html``), in --out. ``depth=LAYERS`` draws one box per
    layer (the forward pass runs inside ``viz.trace_modules`` so that viz knows which
    layer computed what). The parameters' .grad are left as they were, so training goes
    on exactly as without --graph. Returns the frames."""
    import viz
    if depth is None:
        loss = loss_fn(model(x), y)
    else:
        with viz.trace_modules(model, "model"):
            loss = loss_fn(model(x), y)
    svg, html, frames = opts.save_backward(loss, stem, params=model, depth=depth,
                                           names={"x": x, "y": y, "loss": loss})
    n, order, order_zh = len(x), graphs.short_order(frames), graphs.short_order(frames, lang="zh")
    if depth is None:
        picture, picture_zh = graphs.picture(svg), graphs.picture(svg, "zh")
        level, level_zh = "", ""
    else:
        side, titles = graphs.leaf_side(svg, "input"), graphs.boxes(svg)
        picture = graphs.layers_sentence(side, titles)
        picture_zh = graphs.layers_sentence(side, titles, "zh")
        level, level_zh = ", drawn at layer level,", "（按层画）"
    say(f"--graph: the computational graph of the loss on {n} samples{level} is in {svg}."
        + (f" In the picture {picture}." if picture else "")
        + f" {html} steps through loss.backward() node by node ({order}), each frame with "
          f"the numbers of the chain rule.",
        zh=f"--graph：{n} 个样本上损失的计算图{level_zh}在 {svg}。"
           + (f"图中{picture_zh}。" if picture_zh else "")
           + f"{html} 逐个节点展示 loss.backward()（{order_zh}），每一帧都给出链式法则的具体数值。")
    return frames
