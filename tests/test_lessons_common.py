"""What the training lessons share besides the course's code: ``opts.end_epoch`` (the
progress bar, the timing and the printed loss line inside a lesson's epoch loop) and
``lessons.common`` (the epoch means, the results, the plots)."""
import io

from lessons import common
from lessons.context import LessonContext
from lessons.narration import Narrator
from lessons.engines import get_engine

torch = get_engine("edu")


def quiet():
    return Narrator(step=False, stream=io.StringIO(), interactive=False)


def opts(tmp_path=None, plot=False, say=None):
    return LessonContext(show_progress=False, plot=plot, out=str(tmp_path or "out"),
                         say=say or quiet())


def printed(say):
    return [line for kind, line in say.log if kind == "result"]


def train(context, epochs, steps_losses, **options):
    """A loop as a lesson writes it: each epoch appends its steps' losses, then
    ``opts.end_epoch``. Returns the list."""
    losses = []
    for epoch in range(epochs):
        for loss in steps_losses(epoch):
            losses.append(loss)
        context.end_epoch(epoch, epochs, losses, **options)
    return losses


def test_end_epoch_prints_each_epochs_mean_every_n_epochs_and_after_the_last():
    say = quiet()
    context = opts(say=say)
    losses = train(context, 6, lambda epoch: [1.0, 2.0, 6.0] if epoch == 0 else [0.5],
                   every=4)
    assert losses == [1.0, 2.0, 6.0] + [0.5] * 5
    assert printed(say) == ["epoch 1: mean loss 3.0000", "epoch 5: mean loss 0.5000",
                            "epoch 6: mean loss 0.5000"]


def test_end_epoch_prints_the_lessons_own_line_in_its_language():
    say = Narrator(lang="zh", step=False, stream=io.StringIO(), interactive=False)
    context = opts(say=say)
    train(context, 3, lambda epoch: [float(epoch)], every=2,
          line=lambda epoch, loss: (f"epoch {epoch}: {loss}", f"第 {epoch} 轮：{loss}"))
    assert printed(say) == ["第 0 轮：0.0", "第 2 轮：2.0"]


def test_end_epoch_prints_nothing_without_every_or_without_losses():
    say = quiet()
    context = opts(say=say)
    train(context, 3, lambda epoch: [1.0])
    train(context, 3, lambda epoch: [], every=1)
    assert printed(say) == []


def test_end_epoch_times_the_first_loop_for_the_runner():
    context = opts()
    train(context, 3, lambda epoch: [1.0])
    first = context.timer
    assert first is not None and first.count == 2 and first.seconds >= 0
    train(context, 5, lambda epoch: [1.0])          # a second loop: its own clock
    assert context.timer is first and context._loop is None
    single = opts()
    train(single, 1, lambda epoch: [1.0])           # one epoch: timed from the start
    assert single.timer.count == 1 and single.timer.seconds >= 0


def test_end_epoch_leaves_the_lessons_numbers_alone():
    """The hook reads the losses and draws no random numbers: a shuffled mini-batch loop
    gives the same losses with it as without it."""
    def loop(context):
        torch.manual_seed(0)
        model = torch.nn.Linear(1, 1)
        data = torch.utils.data.TensorDataset(torch.rand(8, 1), torch.rand(8, 1))
        loader = torch.utils.data.DataLoader(data, batch_size=3, shuffle=True)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        losses = []
        for epoch in range(3):
            for (x, y) in loader:
                loss = ((model(x) - y) ** 2).mean()
                losses.append(loss.item())
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            if context is not None:
                context.end_epoch(epoch, 3, losses, every=1)
        return losses + [torch.rand(1).item()]
    assert loop(opts()) == loop(None)


def test_epoch_means_average_each_epochs_steps():
    assert common.epoch_means([1.0, 2.0, 6.0, 0.5, 0.5, 0.5], 3) == [3.0, 0.5]


def test_mnist_result_keeps_both_loss_histories():
    result = common.mnist_result(75.0, [2.0, 1.0, 1.0, 0.5], 2, 2)
    assert result["losses"] == [1.5, 0.75] and result["batch_losses"] == [2.0, 1.0, 1.0, 0.5]
    assert result["metrics"] == {"test accuracy": 75.0, "last epoch loss": 0.75}
    assert "after 2 epochs (4 steps)" in result["summary"]


def test_plots_are_written_only_with_plot(tmp_path):
    common.plot_losses(opts(tmp_path), "loss.png", [3.0, 2.0, 1.0])
    assert list(tmp_path.iterdir()) == []
    with_plot = opts(tmp_path, plot=True)
    common.plot_losses(with_plot, "loss.png", [3.0, 2.0, 1.0])
    common.plot_accuracy(with_plot, "accuracy.png", [50.0, 75.0])
    assert [what for what, _ in with_plot.files] == ["loss curve", "test accuracy"]
    assert (tmp_path / "loss.png").exists() and (tmp_path / "accuracy.png").exists()
