"""The lessons' data as NumPy arrays, so one source feeds both engines.

The files ship inside ``tinygrad_edu.datasets``; nothing is downloaded at run time. A
lesson turns the arrays into its engine's tensors with ``torch.from_numpy``.
"""
import numpy as np

from tinygrad_edu import datasets

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081   # the course's Normalize(0.1307, 0.3081)


def diabetes():
    """The diabetes table (759 rows): 8 features in [-1, 1], then the label 0/1 (float32)."""
    x, y = datasets.load_diabetes()
    return np.concatenate([x, y], axis=1)


def diabetes_path():
    """Where the shipped diabetes.csv.gz lies (np.loadtxt reads it, as the course does)."""
    return datasets.diabetes_path()


def mnist_sample():
    """The shipped 5,000-digit MNIST sample split 4,000 train / 1,000 test (400 / 100 of
    each digit): ``(train_images, train_labels, test_images, test_labels)``, uint8 images
    (N, 28, 28) and int64 labels.

    The file stores the digits class by class; like the real MNIST files, the sets here
    come in one fixed mixed order, so a loader without shuffle (lesson 17) does not see
    all the zeros first."""
    train_x, train_y, test_x, test_y = datasets.load_mnist_split()
    rng = np.random.default_rng(2024)          # a fixed order, the same on every run
    train, test = rng.permutation(len(train_y)), rng.permutation(len(test_y))
    return train_x[train], train_y[train], test_x[test], test_y[test]


def to_tensor_images(images):
    """ToTensor alone: uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) in [0, 1]."""
    return images.astype(np.float32)[:, None] / np.float32(255.0)


def normalize_images(images):
    """ToTensor + Normalize(0.1307, 0.3081): uint8 (N, 28, 28) -> float32 (N, 1, 28, 28)."""
    return (to_tensor_images(images) - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)


def mnist_tensors(torch, device="cpu", limit=None, normalize=True):
    """The sample as the engine's tensors: ``(x_train, y_train, x_test, y_test)``,
    images (N, 1, 28, 28) — normalised as the course does, or only scaled to [0, 1] with
    ``normalize=False`` — and int64 labels. ``limit`` keeps a class-balanced subset of
    that many training (and a quarter as many test) digits, for --quick."""
    train_x, train_y, test_x, test_y = mnist_sample()
    if limit is not None:
        train_x, train_y = _balanced(train_x, train_y, limit)
        test_x, test_y = _balanced(test_x, test_y, max(limit // 4, 10))
    scale = normalize_images if normalize else to_tensor_images
    arrays = (scale(train_x), train_y.astype(np.int64),
              scale(test_x), test_y.astype(np.int64))
    return tuple(torch.from_numpy(a).to(device) for a in arrays)


def _balanced(images, labels, n):
    """The first n // 10 digits of each class, keeping the mixed order."""
    keep = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        keep[np.flatnonzero(labels == digit)[:max(n // 10, 1)]] = True
    return images[keep], labels[keep]
