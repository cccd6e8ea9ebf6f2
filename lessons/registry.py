"""The lessons: number, module, titles, the course chapter each follows (01-19), then the
language-model lessons (20-), which follow the makemore lectures.

The chapters are the course notes in ``shared/seeds`` (000: 深度学习入门, 001: Pytorch深度学习
实践基础, 002: DNN/CNN, 003: the PyTorch quick-start, 004: Pytorch - 神经网络 学习).
"""
import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    module: str
    title: str
    title_zh: str
    source: str
    graph: bool = False          # draws its graph with --graph
    no_graph: tuple = ()         # without one: why, (English, Chinese), for --graph's line
    deterministic: bool = False  # no training randomness: compare agrees to float rounding

    @property
    def code(self):
        return f"{self.number:02d}"

    def load(self):
        """The lesson's module (it defines ``run(torch, device, say, opts)``)."""
        return importlib.import_module(f"lessons.{self.module}")


# why --graph draws nothing, (English, Chinese)
NO_AUTOGRAD = ("no tensor requires grad, so autograd records nothing",
                "没有张量需要梯度，自动求导什么也不记录")
BY_HAND = ("the gradient is worked out by hand, without autograd",
           "梯度是手算的，没有用自动求导")
TRAINING_LOOP = ("it is about the training loop; the graph of a Linear + Sigmoid network is "
                 "drawn in lesson 09: run 09 --graph",
                 "本课讲训练方式；Linear + Sigmoid 网络的计算图见第 09 课：请运行 09 --graph")

LESSONS = [
    Lesson(1, "l01_tensors", "tensors", "张量", "004 §1–2", deterministic=True,
           no_graph=NO_AUTOGRAD),
    Lesson(2, "l02_exhaustive_search", "linear model by exhaustive search",
           "线性模型：穷举法", "001 §3.3", deterministic=True, no_graph=(
               "exhaustive search tries values of w and computes no gradient",
               "穷举法逐个尝试 w 的取值，不求梯度")),
    Lesson(3, "l03_gradient_descent", "gradient descent by hand", "手写梯度下降",
           "001 §4.3", deterministic=True, no_graph=BY_HAND),
    Lesson(4, "l04_stochastic_gradient_descent", "stochastic gradient descent by hand",
           "手写随机梯度下降", "001 §4.5", deterministic=True, no_graph=BY_HAND),
    Lesson(5, "l05_autograd", "autograd: the computational graph", "自动求导：计算图",
           "001 §5, 004 §3", graph=True, deterministic=True),
    Lesson(6, "l06_quadratic", "a quadratic model", "二次模型", "001 §5.3", graph=True,
           deterministic=True),
    Lesson(7, "l07_linear_regression", "linear regression with nn", "用 PyTorch 实现线性回归",
           "001 §6, 004 §4.1", graph=True),
    Lesson(8, "l08_logistic_regression", "logistic regression", "逻辑回归", "001 §7",
           graph=True),
    Lesson(9, "l09_diabetes", "many inputs: diabetes", "多维输入：糖尿病数据", "001 §8",
           graph=True),
    Lesson(10, "l10_dataloader", "Dataset and DataLoader", "数据集和数据加载器",
           "001 §9, 000 §5", no_graph=(
               "it is about loading data; its network is lesson 09's: run 09 --graph",
               "本课讲数据加载，网络与第 09 课相同：请运行 09 --graph")),
    Lesson(11, "l11_dnn", "the DNN recipe", "DNN 的实现", "000 §3, 002 §3", graph=True),
    Lesson(12, "l12_batch_gd", "batch gradient descent", "批量梯度下降", "000 §4",
           no_graph=TRAINING_LOOP),
    Lesson(13, "l13_minibatch_gd", "mini-batch gradient descent", "小批量梯度下降", "000 §5",
           no_graph=TRAINING_LOOP),
    Lesson(14, "l14_softmax", "softmax and cross-entropy", "Softmax 与交叉熵", "001 §10",
           graph=True),
    Lesson(15, "l15_mnist_dnn", "handwritten digits, DNN", "手写数字识别 (DNN)",
           "000 §6, 002 §6", graph=True),
    Lesson(16, "l16_lenet", "LeNet-5", "LeNet-5 卷积网络", "002 CNN §2", graph=True),
    Lesson(17, "l17_quickstart", "the PyTorch quick-start", "PyTorch 快速入门", "003",
           graph=True),
    Lesson(18, "l18_two_nets", "two small nets", "两个小网络", "004 §4.1–4.2", graph=True),
    Lesson(19, "l19_numpy_backprop", "backprop with no framework", "不用框架的反向传播",
           "004 §4.3", deterministic=True, no_graph=(
               "its backprop is written by hand in NumPy; lesson 05 --graph steps through "
               "autograd's backward",
               "本课的反向传播是用 NumPy 手写的；第 05 课的 --graph 单步展示自动求导的反向传播")),
    # beyond the course: language models on names.txt (the makemore lectures)
    Lesson(20, "l20_bigram_counts", "bigram language model by counting", "二元语言模型：计数",
           "makemore 1", deterministic=True, no_graph=(
               "counting builds no graph (no tensor requires grad); lesson 21 learns the same "
               "table by gradient descent: run 21 --graph",
               "计数不构建计算图（没有张量需要梯度）；第 21 课用梯度下降学习同一张表：请运行 21 --graph")),
    Lesson(21, "l21_neural_bigram", "the bigram model, learned", "二元模型：用神经网络学习",
           "makemore 1", graph=True),
    Lesson(22, "l22_mlp_language_model", "an MLP language model", "MLP 语言模型", "makemore 2",
           graph=True),
    Lesson(23, "l23_activations_batchnorm", "activations, gradients and BatchNorm",
           "激活值、梯度与批归一化", "makemore 3", graph=True),
    Lesson(24, "l24_backprop_by_hand", "backprop by hand", "手写反向传播", "makemore 4",
           graph=True),
    Lesson(25, "l25_tiny_gpt", "a tiny GPT", "一个小型 GPT", "build GPT", graph=True),
]

BY_NUMBER = {lesson.number: lesson for lesson in LESSONS}


class LessonNotFound(ValueError):
    """No lesson has that number; the message names the range."""


def find(number):
    """The lesson numbered ``number`` ('5', '05' or 5); a ValueError names the range."""
    try:
        n = int(str(number))
    except ValueError:
        n = None
    if n not in BY_NUMBER:
        raise LessonNotFound(f"there is no lesson {number!r}: lessons are numbered 01 to "
                         f"{len(LESSONS):02d} (python -m lessons list)")
    return BY_NUMBER[n]
