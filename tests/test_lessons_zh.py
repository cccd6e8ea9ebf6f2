"""``--lang zh``: every lesson, run quick in Chinese with its step-through narration,
backward frames and --graph lines, prints no English UI text.

What may stay English is removed first: code (backticks, identifiers with dots, underscores,
brackets or ``=``, module and tensor reprs), numbers, file paths, quoted data ('emma'),
sampled names, proper nouns, math symbols, the lines the course's own programs print
(``print(...)`` in the course's code, kept verbatim so the output matches the course) and
torch's own error messages. What is left must hold no run of two or more English words."""
import io
import re

import pytest

from lessons import report
from lessons.narration import Narrator
from lessons.registry import LESSONS, find
from lessons.runner import run_lesson

# names that stay as they are in a Chinese text
PROPER_NOUNS = {
    "PyTorch", "NumPy", "MNIST", "FashionMNIST", "LeNet", "GPT", "BatchNorm", "ReLU", "Tanh",
    "tanh", "softmax", "sigmoid", "AdamW", "SGD", "Adam", "Graphviz", "CUDA", "Python",
    "Kaiming", "Jupyter", "Colab", "Windows", "Linear", "Sigmoid", "Dataset", "DataLoader",
    "tinygrad_edu", "torch", "edu", "numpy", "MSE", "BCE", "BGD",
}

# lines the course's programs print themselves (their print(...) calls, word for word)
COURSE_PRINTS = [
    r"^Predict \((before|after) training\)",
    r"^predict \(after training\)",
    r"^Test Error: $",
    r"^ Accuracy: [\d.]+%, Avg loss: ",
    r"^Shape of (X \[N, C, H, W\]|y): ",
    r"^Using \w+ device$",
    r"^Saved PyTorch Model State to ",
    r"^\w+ output shape: \t",
    r"^Done!$",
]

# torch's own error messages, quoted as the engine raises them
ENGINE_MESSAGES = [
    "Expected more than 1 value per channel when training, got input size",
]

# the notes inside the ops' formulas (tinygrad_edu/ops: Math.of) have no Chinese form yet;
# the frames print them as they are. Listed here so that any other English still fails.
KNOWN_MATH_NOTES = [
    "(summed over the rows)",
    "(n = the number of elements averaged: the size of dim, or a.numel())",
    "copied to every element that was averaged",
    "copied to every element that was summed",
    "1 at the positions i, else 0",
    "placed at the positions i (added where i repeats), 0 elsewhere",
    "(over dim; over every element when dim is None)",
    "(each number only moves)",
    "reshaped back to a's shape",
    "(a where c is True, else b)",
    "where not c, else 0",
    "where c, else 0",
    "with its dims reordered",
    "with its dims put back in a's order",
    "(δᵢⱼ = 1 if i = j, else 0)",
    "(n = number of rows for 'mean')",
    "a with a new shape",
    "(the same numbers, in the same order)",
    "(Σ along dim)",
]

SAMPLED = re.compile(r"(采样得到：|生成的名字：)[a-z.，, ]+")
CODE_MARK = re.compile(r"`[^`]*`")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
PATH = re.compile(r"(?:[\w.-]*/)+[\w.-]+")
# a word that touches code punctuation is code: w.grad, F.one_hot(, x.view(-1, size_average=
WORD = r"(?<![\w.(\[=/\\<-])[A-Za-z]{2,}(?![\w.(\[=/\\>-])"
RUN = re.compile(rf"{WORD}(?:[ \t]+{WORD})+")
BIGRAMS = re.compile(r"^[a-z]{2}(?:[ \t]+[a-z]{2})+$")   # data: the bigrams of a name


def leftover_english(text):
    """The lines of ``text`` that still hold a run of English words, with the runs."""
    found = []
    for raw in text.splitlines():
        line = raw
        if any(re.search(pattern, line) for pattern in COURSE_PRINTS):
            continue
        for allowed in ENGINE_MESSAGES + KNOWN_MATH_NOTES:
            line = line.replace(allowed, " ")
        line = SAMPLED.sub(" ", line)
        line = CODE_MARK.sub(" ", line)
        line = QUOTED.sub(" ", line)
        line = PATH.sub(" ", line)
        words = [m.group(0) for m in RUN.finditer(line)]
        runs = []
        for run in words:
            kept = [w for w in run.split() if w not in PROPER_NOUNS]
            if len(kept) >= 2 and not BIGRAMS.match(" ".join(kept)):
                runs.append(run)
        if runs:
            found.append(f"{raw.strip()!r}  <- {runs}")
    return found


def test_the_check_finds_english_and_lets_code_through():
    assert leftover_english("训练结束：loss went down") != []
    assert leftover_english("→ x：no gradient here") != []
    assert leftover_english("用 F.cross_entropy(logits, y) 和 nn.Linear(3, 4) 以及 "
                            "x.view(-1, 784)，`for x in loader` 与 tensor([1., 2.])") == []
    assert leftover_english("采样得到：emma. olivia. ava.") == []
    assert leftover_english("Predict (before training) 4 4") == []
    assert leftover_english("PyTorch 与 NumPy 的 GPT 用 AdamW") == []


@pytest.mark.parametrize("number", [lesson.number for lesson in LESSONS])
def test_lesson_in_chinese_prints_no_english_ui_text(number, tmp_path):
    stream = io.StringIO()
    say = Narrator(lang="zh", step=True, stream=stream, interactive=False)
    result = run_lesson(number, engine="edu", out=str(tmp_path), quick=True, step=True,
                        graph=True, lang="zh", say=say, show_progress=False)
    assert not result.get("stopped")
    text = "\n".join([stream.getvalue(), report.one_line(find(number), result, "zh"),
                      report.files_written(result, "zh")])
    leaks = leftover_english(text)
    assert not leaks, f"lesson {number:02d} --lang zh still prints English:\n" + "\n".join(leaks)
