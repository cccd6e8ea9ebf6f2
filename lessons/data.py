"""The lessons' data as NumPy arrays, so one source feeds both engines.

The files ship inside ``tinygrad_edu.datasets``; nothing is downloaded at run time. A
lesson turns the arrays into its engine's tensors with ``torch.from_numpy``.
"""
import numpy as np

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081   # the course's Normalize(0.1307, 0.3081)
TRAIN_PER_CLASS = 400                   # 4,000 training digits, 1,000 test digits
_SHARED = "/work/shared/data/"          # TEMPORARY


def diabetes():
    """The diabetes table (759 rows): 8 features in [-1, 1], then the label 0/1 (float32)."""
    from tinygrad_edu import datasets
    if not hasattr(datasets, "load_diabetes"):   # TEMPORARY until datasets lands
        return np.loadtxt(_SHARED + "diabetes.csv.gz", delimiter=",", dtype=np.float32)
    return np.asarray(datasets.load_diabetes(), dtype=np.float32)


def mnist_sample():
    """The shipped 5,000-digit MNIST sample, split 4,000 train / 1,000 test, as
    ``(train_images, train_labels, test_images, test_labels)``: uint8 images (N, 28, 28)
    and int64 labels."""
    from tinygrad_edu import datasets
    if not hasattr(datasets, "load_mnist_sample"):   # TEMPORARY until datasets lands
        d = np.load(_SHARED + "mnist_5k.npz")
        images, labels = d["images"], d["labels"].astype(np.int64)
        order = np.random.default_rng(0).permutation(len(labels))
        images, labels = images[order], labels[order]
        rank = np.zeros(len(labels), dtype=np.int64)
        for digit in range(10):
            rank[labels == digit] = np.arange((labels == digit).sum())
        train = rank < TRAIN_PER_CLASS
        return images[train], labels[train], images[~train], labels[~train]
    return datasets.load_mnist_sample()


def normalize_images(images):
    """ToTensor + Normalize(0.1307, 0.3081): uint8 (N, 28, 28) -> float32 (N, 1, 28, 28)."""
    x = images.astype(np.float32)[:, None] / np.float32(255.0)
    return (x - np.float32(MNIST_MEAN)) / np.float32(MNIST_STD)


def mnist_tensors(torch, device="cpu", limit=None):
    """The sample as the engine's tensors: ``(x_train, y_train, x_test, y_test)``,
    normalised images (N, 1, 28, 28) and int64 labels. ``limit`` keeps a class-balanced
    subset of that many training (and a quarter as many test) digits, for --quick."""
    train_x, train_y, test_x, test_y = mnist_sample()
    if limit is not None:
        train_x, train_y = _balanced(train_x, train_y, limit)
        test_x, test_y = _balanced(test_x, test_y, max(limit // 4, 10))
    arrays = (normalize_images(train_x), train_y.astype(np.int64),
              normalize_images(test_x), test_y.astype(np.int64))
    return tuple(torch.from_numpy(a).to(device) for a in arrays)


def _balanced(images, labels, n):
    """The first n // 10 digits of each class, in the original order."""
    keep = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        keep[np.flatnonzero(labels == digit)[:max(n // 10, 1)]] = True
    return images[keep], labels[keep]
