"""MNIST and FashionMNIST as torchvision.datasets has them, plus the shipped 5,000-digit sample.

``MNIST(root, train=True, transform=None, target_transform=None, download=False)`` reads the
standard IDX files (``train-images-idx3-ubyte`` etc., gzipped or not) from
``root/MNIST/raw`` (``root/FashionMNIST/raw``), the folder torchvision uses.  With
``download=True`` missing files are fetched from the standard mirrors and their MD5
checksums verified.  When the files are not there and cannot be fetched (no network), the
dataset falls back to the sample shipped with this package and prints one line saying so.

The sample (``mnist_5k.npz``) holds 500 real digits of each class, stored class by class.
Its split is fixed and stratified: the FIRST 400 digits of each class are the training set
(4,000), the LAST 100 of each class the test set (1,000).
"""
import gzip
import hashlib
import os
import sys
import tempfile
import urllib.request

import numpy as np

from ..creation import from_numpy
from ..tensor import Tensor
from ..utils.data import Dataset
from .transforms import _is_batchable

_HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE_TRAIN_PER_CLASS = 400

# the IDX header's type byte -> the NumPy dtype of the values (stored big-endian)
_IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4",
              0x0E: ">f8"}


def mnist_sample_path():
    """Where the shipped 5,000-digit sample lies (an .npz with ``images`` and ``labels``)."""
    return os.path.join(_HERE, "mnist_5k.npz")


def load_mnist_sample(train=None):
    """The shipped MNIST sample as NumPy arrays ``(images, labels)``: images uint8
    (N, 28, 28), labels int64.  ``train=None`` gives all 5,000; ``True`` the 4,000 training
    digits; ``False`` the 1,000 test digits (first 400 / last 100 of each class)."""
    with np.load(mnist_sample_path(), allow_pickle=False) as d:
        images, labels = d["images"], d["labels"].astype(np.int64)
    if train is None:
        return images, labels
    rank = np.empty(len(labels), dtype=np.int64)  # position of each digit within its class
    for digit in np.unique(labels):
        members = labels == digit
        rank[members] = np.arange(members.sum())
    keep = rank < SAMPLE_TRAIN_PER_CLASS if train else rank >= SAMPLE_TRAIN_PER_CLASS
    return images[keep], labels[keep]


def load_mnist_split():
    """``(train_images, train_labels, test_images, test_labels)`` of the shipped sample."""
    return load_mnist_sample(train=True) + load_mnist_sample(train=False)


def read_idx(path):
    """Read an IDX file (the MNIST format; ``.gz`` or plain) into a NumPy array.

    Layout: two zero bytes, a type byte (0x08 = uint8 ...), the number of dimensions, then
    each dimension as a big-endian int32, then the values."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {data[:4].hex()})")
    ndim = data[3]
    header = 4 + 4 * ndim
    shape = tuple(int(n) for n in np.frombuffer(data[4:header], dtype=">i4"))
    dtype = np.dtype(_IDX_TYPES[data[2]])
    count = int(np.prod(shape, dtype=np.int64))
    if len(data) != header + count * dtype.itemsize:
        raise ValueError(f"{path} is truncated or damaged: the header promises {shape} "
                         f"values but the file holds {len(data) - header} bytes of data")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(
        dtype.newbyteorder("="))


def download_url(url, path, md5):
    """Fetch ``url`` to ``path`` (via a temporary file), checking its MD5 checksum."""
    folder = os.path.dirname(path)
    with urllib.request.urlopen(url, timeout=30) as response:
        data = response.read()
    digest = hashlib.md5(data).hexdigest()
    if digest != md5:
        raise OSError(f"checksum mismatch for {url}: got {digest}, expected {md5}")
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


class MNIST(Dataset):
    """torchvision.datasets.MNIST: 60,000 training / 10,000 test handwritten digits 28x28.

    ``ds[i]`` is ``(image, label)``: the image is a uint8 NumPy array (H, W) passed through
    ``transform`` (torchvision gives a PIL image; ToTensor accepts both), the label an int.
    ``ds.data`` (uint8 N x 28 x 28) and ``ds.targets`` (int64) are tensors."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]
    _sample_note = "the 5,000-digit MNIST sample shipped with tinygrad_edu"

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        self.root = os.path.expanduser(os.fspath(root)) if root is not None else "."
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        self.is_sample = False
        if not self._check_exists() and download:
            reason = self._try_download()
            if reason is not None:
                self._use_sample(f"could not download the data ({reason})")
        if not self.is_sample:
            if not self._check_exists():
                self._use_sample(f"no IDX files in {self.raw_folder}")
            else:
                prefix = "train" if self.train else "t10k"
                images = read_idx(self._file(f"{prefix}-images-idx3-ubyte"))
                labels = read_idx(self._file(f"{prefix}-labels-idx1-ubyte"))
                if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
                    raise ValueError(f"the IDX files in {self.raw_folder} do not match: "
                                     f"images {images.shape}, labels {labels.shape}")
                self._images, self._labels = images.astype(np.uint8), labels.astype(np.int64)
        self.data = from_numpy(self._images)
        self.targets = from_numpy(self._labels)

    @property
    def raw_folder(self):
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self):
        return {name: i for i, name in enumerate(self.classes)}

    def _file(self, stem):
        plain = os.path.join(self.raw_folder, stem)
        return plain if os.path.exists(plain) else plain + ".gz"

    def _check_exists(self):
        return all(os.path.exists(self._file(os.path.splitext(name)[0]))
                   for name, _ in self.resources)

    def _try_download(self):
        """Fetch the missing files; None on success, else why it failed."""
        os.makedirs(self.raw_folder, exist_ok=True)
        for name, md5 in self.resources:
            if os.path.exists(self._file(os.path.splitext(name)[0])):
                continue
            errors = []
            for mirror in self.mirrors:
                try:
                    download_url(mirror + name, os.path.join(self.raw_folder, name), md5)
                    break
                except Exception as e:  # no network, a mirror down, a bad checksum...
                    errors.append(f"{type(e).__name__}: {e}")
            else:
                return errors[-1] if errors else "no mirror"
        return None

    def _use_sample(self, why):
        split = "4,000 training" if self.train else "1,000 test"
        print(f"{type(self).__name__}: {why}; using {self._sample_note} instead ({split} "
              f"digits).", file=sys.stderr)
        self.is_sample = True
        self._images, self._labels = load_mnist_sample(train=bool(self.train))
        self.classes = MNIST.classes

    def __len__(self):
        return len(self._labels)

    def __getitem__(self, index):
        img, target = self._images[index], int(self._labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def _batch_gatherer(self):
        """For the DataLoader: fetch a whole batch at once when the transforms allow it."""
        if self.target_transform is not None:
            return None
        if self.transform is None:
            def gather(idx):
                return [Tensor._make(self._images[idx], False, None),
                        Tensor._make(self._labels[idx], False, None)]
        elif _is_batchable(self.transform):
            def gather(idx):
                return [self.transform._batch(self._images[idx]),
                        Tensor._make(self._labels[idx], False, None)]
        else:
            return None
        return gather

    def __repr__(self):
        lines = [f"Dataset {type(self).__name__}", f"    Number of datapoints: {len(self)}",
                 f"    Root location: {self.root}",
                 f"    Split: {'Train' if self.train is True else 'Test'}"]
        if self.is_sample:
            lines.append(f"    (offline: {self._sample_note})")
        if self.transform is not None:
            lines.append("    StandardTransform")
            lines.append("Transform: " + repr(self.transform).replace("\n", "\n           "))
        if self.target_transform is not None:
            lines.append("Target transform: " + repr(self.target_transform))
        return "\n".join(lines)


class FashionMNIST(MNIST):
    """torchvision.datasets.FashionMNIST: 28x28 grey images of 10 kinds of clothing.

    Offline, the fallback is NOT clothing: it is the shipped sample of handwritten DIGITS
    (said so when it happens), and ``classes`` then names digits."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]
    _sample_note = ("the MNIST handwritten-DIGIT sample shipped with tinygrad_edu (digits, "
                    "not clothes)")
