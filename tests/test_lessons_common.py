"""``lessons.common``: the bookkeeping the training lessons share — the epoch loop's
history and printed lines, the two training loops, the two test loops, the plots."""
import io

import pytest

from lessons import common
from lessons.context import LessonContext
from lessons.narration import Narrator
from lessons.engines import get_engine

torch = get_engine("edu")


def quiet():
    return Narrator(step=False, stream=io.StringIO(), interactive=False)


def opts(tmp_path=None, plot=False):
    return LessonContext(show_progress=False, plot=plot, out=str(tmp_path or "out"))


def printed(say):
    return [line for kind, line in say.log if kind == "result"]


def test_history_keeps_every_step_and_each_epochs_mean():
    history = common.History(opts(), quiet(), 2)
    for epoch in history:
        for loss in ([1.0, 2.0, 6.0] if epoch == 0 else [0.5, 0.5, 0.5]):
            history.record(torch.tensor(loss))
    assert history.losses == [1.0, 2.0, 6.0, 0.5, 0.5, 0.5]
    assert history.epoch_losses == [3.0, 0.5]


def test_history_prints_every_n_epochs_and_after_the_last():
    say = quiet()
    history = common.History(opts(), say, 6, every=4)
    for epoch in history:
        history.record(torch.tensor(float(epoch)))
    assert printed(say) == ["0 0.000000", "4 4.000000", "5 5.000000"]


def test_history_without_last_prints_only_every_n_epochs():
    say = quiet()
    history = common.History(opts(), say, 6, every=4, last=False,
                             line=lambda epoch, loss: (f"epoch {epoch}", f"第 {epoch} 轮"))
    for epoch in history:
        history.record(torch.tensor(1.0))
    assert printed(say) == ["epoch 0", "epoch 4"]


def test_history_times_its_epochs_for_the_runner():
    context, say = opts(), quiet()
    for epoch in common.History(context, say, 3, every=1):
        pass                                  # no loss recorded: nothing to print
    assert context.timer is not None and context.timer.count == 3
    assert printed(say) == []


def test_train_calls_the_step_once_an_epoch_and_returns_its_losses():
    steps = []

    def train_step():
        steps.append(len(steps))
        return torch.tensor(float(len(steps)))

    assert common.train(opts(), quiet(), 3, train_step) == [1.0, 2.0, 3.0]
    assert steps == [0, 1, 2]


def test_train_batches_steps_on_every_batch_of_every_epoch():
    dataset = torch.utils.data.TensorDataset(torch.arange(5.0), torch.arange(5.0))
    loader = torch.utils.data.DataLoader(dataset, batch_size=2)
    say = quiet()
    losses, epoch_losses = common.train_batches(
        opts(), say, 2, loader, lambda x, y: (x + y).sum(), "cpu", every=1)
    assert losses == [2.0, 10.0, 8.0] * 2
    assert epoch_losses == [pytest.approx(20 / 3)] * 2
    assert printed(say) == ["epoch 1: mean loss 6.6667", "epoch 2: mean loss 6.6667"]


def test_argmax_accuracy_counts_the_rows_whose_largest_output_is_the_label():
    outputs = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]])
    labels = torch.tensor([0, 1, 1, 1])
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(outputs, labels),
                                         batch_size=3)
    assert common.argmax_accuracy(torch, lambda x: x, loader, "cpu") == 75.0


def test_threshold_accuracy_rounds_at_one_half_and_takes_the_whole_set_at_once():
    outputs = torch.tensor([[0.9], [0.2], [0.5], [0.49]])
    labels = torch.tensor([[1.0], [0.0], [0.0], [0.0]])
    assert common.threshold_accuracy(torch, lambda x: x.clone(), [(outputs, labels)],
                                     "cpu") == 75.0


def test_split_rows_gives_the_first_70_percent_for_training():
    table = torch.arange(20.0).reshape(10, 2)
    train, test = common.split_rows(table)
    assert train.shape == (7, 2) and test.shape == (3, 2)
    assert train[0, 0].item() == 0.0 and test[0, 0].item() == 14.0


def test_mnist_loaders_shuffle_the_training_digits_only(tmp_path):
    context = opts(tmp_path)
    context.quick = True
    train_loader, test_loader = common.mnist_loaders(torch, context, batch_size=32,
                                                     quick_limit=200)
    assert len(train_loader.dataset) == 200 and len(test_loader.dataset) == 50
    def order(loader):
        return [label for _, y in loader for label in y.tolist()]
    assert order(test_loader) == order(test_loader)
    assert order(train_loader) != order(train_loader)


def test_plots_are_written_only_with_plot(tmp_path):
    common.plot_losses(opts(tmp_path), "loss.png", [3.0, 2.0, 1.0])
    assert list(tmp_path.iterdir()) == []
    with_plot = opts(tmp_path, plot=True)
    common.plot_losses(with_plot, "loss.png", [3.0, 2.0, 1.0])
    common.plot_accuracy(with_plot, "accuracy.png", [50.0, 75.0])
    assert [what for what, _ in with_plot.files] == ["loss curve", "test accuracy"]
    assert (tmp_path / "loss.png").exists() and (tmp_path / "accuracy.png").exists()
