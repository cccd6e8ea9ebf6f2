"""What the training lessons share that is not the course's code: plots, results, graphs.

A lesson file holds the course's program as the course writes it: the data and their
``DataLoader``, the model class, the loss and the optimizer, the epoch loop with
``zero_grad`` / ``backward`` / ``step``, and the test loop under ``torch.no_grad()``. What
the course does not write lives elsewhere: the progress bar, the timing and the periodic
loss line in ``opts.end_epoch`` (``lessons/context.py``), and here:

- ``plot_losses``, ``plot_accuracy``: what the lessons plot (with --plot);
- ``epoch_means``, ``mnist_result``: what they return;
- ``draw_backward`` / ``first_samples``: --graph for a lesson's model, on a few samples.
"""
from . import graphs


# -- plots and results ---------------------------------------------------------------------
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


def epoch_means(losses, steps):
    """Each epoch's mean of ``losses`` recorded ``steps`` to an epoch (one per mini-batch)."""
    return [sum(losses[i:i + steps]) / steps for i in range(0, len(losses), steps)]


def mnist_result(accuracy, losses, steps, epochs, **extra):
    """The result of an MNIST-sample lesson (15, 16): accuracy, the losses per epoch and
    per mini-batch (``losses``, ``steps`` to an epoch), and the one-line summary."""
    epoch_losses = epoch_means(losses, steps)
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
