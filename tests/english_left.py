"""The check that a Chinese text holds no English (tests/test_lessons_zh.py runs it on every
lesson's ``--lang zh`` output, tests/test_viz_math_zh.py on the ops' formulas in Chinese).

What may stay English is removed first: code (backticks, identifiers with dots, underscores,
brackets or ``=``), numbers, file paths, quoted data ('emma'), sampled names, proper nouns,
math symbols, the lines the course's own programs print (``print(...)`` in the course's code,
kept verbatim so the output matches the course) and torch's own error messages. What is left
must hold no run of two or more English words."""
import re

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
        for allowed in ENGINE_MESSAGES:
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
