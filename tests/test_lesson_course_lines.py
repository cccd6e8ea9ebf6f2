"""Each training lesson shows the course's code as the course writes it: its epoch loop,
``zero_grad`` / ``backward`` / ``step``, its test loop under ``torch.no_grad()`` and its
``DataLoader`` lines are in the lesson's file, not behind a helper.

``COURSE_LINES`` lists, lesson by lesson, key lines of the course chapter the lesson follows
(``shared/seeds``, named in ``lessons/registry.py``). A plain string is the course's line
itself; a pair ``(lesson's line, course's line)`` is the lesson's form of a course line,
with the reason in a comment. Lines are compared without their whitespace (the lessons
follow PEP 8 where the course pads brackets) and without a trailing ``# comment``.
When the course notes are at hand, every course line is checked against its chapter too."""
import re
from pathlib import Path

import pytest

from lessons.registry import find

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

STEP = ["optimizer.zero_grad()", "loss.backward()", "optimizer.step()"]
DEVICE = ("x, y = x.to(device), y.to(device)", "x, y = x.to('cuda:0'), y.to('cuda:0')")

# the mini-batch training and arg-max testing of course 000 §6 / 002 §6 and 002 CNN §2
MNIST_LOOPS = [
    "losses = []", "for epoch in range(epochs):", "for (x, y) in train_loader:", DEVICE,
    "Pred = model(x)", "loss = loss_fn(Pred, y)", "losses.append(loss.item())", *STEP,
    "correct = 0", "total = 0", "with torch.no_grad():", "for (x, y) in test_loader:",
    "_, predicted = torch.max(Pred.data, dim=1)",
    # .item(): a Python number, so the accuracy is a float as before
    ("correct += torch.sum((predicted == y)).item()", "correct += torch.sum( (predicted == y) )"),
    "total += y.size(0)",
]

# lesson number -> (course chapters, lines)
COURSE_LINES = {
    3: ("001", [
        "def forward(x):", "return x * w", "def cost(xs, ys):", "def gradient(xs, ys):",
        "for epoch in range(100):", "cost_val = cost(x_data, y_data)",
        "grad_val = gradient(x_data, y_data)",
        # tensors here, not Python floats: the number is kept with .item()
        ("cost_lst.append(cost_val.item())", "cost_lst.append(cost_val)"),
    ]),
    4: ("001", [
        "def loss(x, y):", "for epoch in range(100):", "for x, y in zip(x_data, y_data):",
        "grad = gradient(x, y)", "w = w - alpha * grad", "l = loss(x, y)",
    ]),
    5: ("001 004", [
        "w.requires_grad = True", "for epoch in range(100):",
        "for x, y in zip(x_data, y_data):", "l = loss(x, y)", "l.backward()",
        "w.data = w.data - alpha * w.grad.data", "w.grad.data.zero_()",
        "learning_rate = 0.1",
        "for epoch in range(10):", "y = x**2", "y.backward()", "with torch.no_grad():",
        "x -= learning_rate * x.grad", "x.grad.zero_()",
    ]),
    6: ("001", [
        "def forward(x):", "return w1 * x**2 + w2 * x + b", "for epoch in range(100):",
        "for x, y in zip(x_data, y_data):", "l = loss(x, y)", "l.backward()",
        ("w1.data = w1.data - alpha * w1.grad.data", "w1.data = w1.data - 0.01 * w1.grad.data"),
        "w1.grad.data.zero_()", "w2.grad.data.zero_()", "b.grad.data.zero_()",
    ]),
    7: ("001", [
        "super(LinearModel, self).__init__()", "y_pred = self.linear(x)", "return y_pred",
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)",
        "for epoch in range(1000):", "y_pred = model(x_data)",
        "loss = criterion(y_pred, y_data)", *STEP,
    ]),
    8: ("001", [
        "y_pred = F.sigmoid(self.linear(x))",
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)",
        "for epoch in range(1000):", "y_pred = model(x_data)",
        "loss = criterion(y_pred, y_data)", *STEP, "x = np.linspace(0, 10, 200)",
    ]),
    9: ("001", [
        "x = self.sigmoid(self.linear1(x))",
        "x = self.sigmoid(self.linear3(x))",
        "optimizer = torch.optim.SGD(model.parameters(), lr=0.01)",
        "for epoch in range(100):", "y_pred = model(x_data)",
        "loss = criterion(y_pred, y_data)", *STEP,
    ]),
    10: ("001", [
        "class DiabetesDataset(Dataset):", "def __getitem__(self, index):",
        "return self.x_data[index], self.y_data[index]", "def __len__(self):",
        "train_loader = DataLoader(dataset=dataset, batch_size=32, shuffle=True, "
        "num_workers=0)",
        # --quick trains 10 epochs
        ("for epoch in range(epochs):", "for epoch in range(100):"),
        "for i, data in enumerate(train_loader, 0):", "inputs, labels = data",
        "y_pred = model(inputs)", "loss = criterion(y_pred, labels)", *STEP,
    ]),
    11: ("000 002", [
        "Y3 = ((X1 + X2 + X3) > 2).float()",
        "train_size = int(len(Data) * 0.7)", "train_Data = Data[ : train_size , : ]",
        "test_Data = Data[ train_size : , : ]", "y = self.net(x)",
        "for name, param in model.named_parameters():", "loss_fn = nn.MSELoss()",
        "learning_rate = 0.01", "losses = []", "X = train_Data[ : , :3 ]",
        "Y = train_Data[ : , -3: ]", "for epoch in range(epochs):", "Pred = model(X)",
        "loss = loss_fn(Pred, Y)", "losses.append(loss.item())", *STEP,
        "with torch.no_grad():", "total = Y.size(0)",
    ]),
    12: ("000", [
        "train_size = int(len(ts) * 0.7)", "train_Data = ts[ : train_size , : ]",
        "test_Data = ts[ train_size : , : ]", "nn.Linear(8, 32), nn.Sigmoid(),",
        "learning_rate = 0.005",
        "optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)",
        "losses = []", "X = train_Data[ : , : -1 ]",
        "Y = train_Data[ : , -1 ].reshape((-1,1))", "for epoch in range(epochs):",
        "Pred = model(X)", "loss = loss_fn(Pred, Y)", "losses.append(loss.item())", *STEP,
        "X = test_Data[ : , : -1 ]", "Y = test_Data[ : , -1 ].reshape((-1,1))",
        "with torch.no_grad():", "Pred[Pred>=0.5] = 1", "Pred[Pred<0.5] = 0",
        # .item(): a Python number, so the accuracy is a float
        ("correct = torch.sum((Pred == Y).all(1)).item()",
         "correct = torch.sum( (Pred == Y).all(1) )"),
        "total = Y.size(0)",
    ]),
    13: ("000", [
        "class MyData(Dataset):", "train_size = int(len(Data) * 0.7)",
        "test_size = len(Data) - train_size",
        "train_Data, test_Data = random_split(Data, [train_size, test_size])",
        "train_loader = DataLoader(dataset=train_Data, shuffle=True, batch_size=128)",
        "test_loader = DataLoader(dataset=test_Data, shuffle=False, batch_size=64)",
        "optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)",
        "losses = []", "for epoch in range(epochs):", "for (x, y) in train_loader:",
        "Pred = model(x)", "loss = loss_fn(Pred, y)", "losses.append(loss.item())", *STEP,
        "correct = 0", "total = 0", "with torch.no_grad():", "for (x, y) in test_loader:",
        "Pred[Pred>=0.5] = 1", "Pred[Pred<0.5] = 0",
        ("correct += torch.sum((Pred == y).all(1)).item()",
         "correct += torch.sum( (Pred == y).all(1) )"),
        "total += y.size(0)",
    ]),
    14: ("001", [
        "batch_size = 64", "train_loader = DataLoader(train_dataset,", "shuffle=True,",
        "batch_size=batch_size)", "test_loader = DataLoader(test_dataset,", "shuffle=False,",
        "x = x.view(-1, 784)", "x = F.relu(self.l1(x))", "return self.l5(x)",
        "def train(epoch):", "running_loss = 0.0",
        "for batch_idx, data in enumerate(train_loader, 0):", "inputs, target = data",
        "optimizer.zero_grad()", "outputs = model(inputs)",
        "loss = criterion(outputs, target)", "loss.backward()", "optimizer.step()",
        "running_loss += loss.item()", "def test():", "correct = 0", "total = 0",
        "with torch.no_grad():", "for data in test_loader:", "images, labels = data",
        "outputs = model(images)", "_, predicted = torch.max(outputs.data, dim=1)",
        "total += labels.size(0)", "correct += (predicted == labels).sum().item()",
        # --quick trains 1 epoch
        ("for epoch in range(epochs):", "for epoch in range(10):"), "train(epoch)",
    ]),
    15: ("000 002", [
        "train_loader = DataLoader(train_Data, shuffle=True, batch_size=64)",
        "test_loader = DataLoader(test_Data, shuffle=False, batch_size=64)",
        "nn.Flatten(),", "nn.Linear(784, 512), nn.ReLU(),", "loss_fn = nn.CrossEntropyLoss()",
        "learning_rate = 0.01", *MNIST_LOOPS,
    ]),
    16: ("002", [
        "train_loader = DataLoader(train_Data, shuffle=True, batch_size=256)",
        "test_loader = DataLoader(test_Data, shuffle=False, batch_size=256)",
        "nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(),",
        "nn.AvgPool2d(kernel_size=2, stride=2),", "X = torch.rand(size=(1, 1, 28, 28))",
        "for layer in CNN().net:", "X = layer(X)", "loss_fn = nn.CrossEntropyLoss()",
        "learning_rate = 0.9", *MNIST_LOOPS,
    ]),
    17: ("003", [
        "batch_size = 64", "train_dataloader = DataLoader(training_data, batch_size=batch_size)",
        "test_dataloader = DataLoader(test_data, batch_size=batch_size)",
        "for X, y in test_dataloader:", "logits = self.linear_relu_stack(x)",
        "loss_fn = nn.CrossEntropyLoss()",
        "optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)",
        "size = len(dataloader.dataset)", "model.train()",
        "for batch, (X, y) in enumerate(dataloader):", "X, y = X.to(device), y.to(device)",
        "pred = model(X)", "loss = loss_fn(pred, y)", "loss.backward()", "optimizer.step()",
        "optimizer.zero_grad()", "num_batches = len(dataloader)", "model.eval()",
        "test_loss, correct = 0, 0", "with torch.no_grad():", "for X, y in dataloader:",
        "test_loss += loss_fn(pred, y).item()",
        "correct += (pred.argmax(1) == y).type(torch.float).sum().item()",
        "test_loss /= num_batches", "correct /= size", "for t in range(epochs):",
    ]),
    18: ("004", [
        "class SimpleNN(nn.Module):", "super(SimpleNN, self).__init__()",
        "self.fc1 = nn.Linear(1, 1)", "return self.fc1(x)", "criterion = nn.MSELoss()",
        "optimizer = optim.SGD(model.parameters(), lr=0.01)", "for epoch in range(1000):",
        "model.train()", "y_pred = model(x_data)", "loss = criterion(y_pred, y_data)", *STEP,
        "if epoch % 100 == 0:", "class TwoLayerNN(nn.Module):", "self.fc1 = nn.Linear(1, 10)",
        "x = self.relu(x)", "y_data = x_data.pow(2)",
        "optimizer = optim.Adam(model.parameters(), lr=0.01)", "for epoch in range(2000):",
        "if epoch % 200 == 0:",
    ]),
}

COMMENT = re.compile(r"\s#.*$")


def normal(line):
    """A line without its trailing comment and without whitespace."""
    return "".join(COMMENT.sub("", line).split())


def lesson_lines(number):
    path = ROOT / "lessons" / f"{find(number).module}.py"
    return {normal(line) for line in path.read_text(encoding="utf-8").splitlines()}


def course_lines(chapters):
    lines = set()
    for chapter in chapters.split():
        [path] = SEEDS.glob(f"{chapter}_*")
        lines |= {normal(line) for line in path.read_text(encoding="utf-8").splitlines()}
    return lines


def pairs(number):
    """``(lesson's line, course's line)`` for each entry of the lesson's table."""
    return [entry if isinstance(entry, tuple) else (entry, entry)
            for entry in COURSE_LINES[number][1]]


@pytest.mark.parametrize("number", sorted(COURSE_LINES))
def test_the_lesson_file_holds_its_course_lines(number):
    have = lesson_lines(number)
    missing = [line for line, _ in pairs(number) if normal(line) not in have]
    assert not missing, f"lesson {number:02d} lacks the course's lines: {missing}"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the course notes (shared/seeds) are not here")
@pytest.mark.parametrize("number", sorted(COURSE_LINES))
def test_the_table_quotes_the_course(number):
    chapters = COURSE_LINES[number][0]
    have = course_lines(chapters)
    missing = [course for _, course in pairs(number) if normal(course) not in have]
    assert not missing, f"not in course chapter(s) {chapters}: {missing}"


@pytest.mark.parametrize("number", sorted(COURSE_LINES))
def test_the_epoch_loop_is_the_courses_own(number):
    """``for epoch in range(...)`` as the course writes it: the progress bar and the timing
    come from ``opts.end_epoch`` inside the loop, not from a wrapped range or a helper."""
    source = (ROOT / "lessons" / f"{find(number).module}.py").read_text(encoding="utf-8")
    assert "opts.epochs(" not in source and "opts.progress(" not in source
    assert "opts.end_epoch(" in source
    helpers = r"common\.(train|train_batches|History|argmax_accuracy|threshold_accuracy|" \
              r"mnist_loaders)\b"
    assert not re.search(helpers, source)
