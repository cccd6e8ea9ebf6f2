"""datasets: the shipped data (shapes, dtypes, balance), the synthetic DNN data, the IDX
reader, MNIST/FashionMNIST with the offline fallback (no network in tests: the download
function is replaced by one that fails), and the transforms' math."""
import gzip
import os

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import datasets
from tinygrad_edu.datasets import mnist, transforms
from tinygrad_edu.utils.data import DataLoader, Dataset, random_split


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Every test here runs offline: a download attempt fails as with no network."""
    calls = []

    def offline(url, path, md5):
        calls.append(url)
        raise OSError("network is unreachable")
    monkeypatch.setattr(mnist, "download_url", offline)
    return calls


def test_diabetes_table():
    x, y = datasets.load_diabetes()
    assert x.shape == (759, 8) and y.shape == (759, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert set(np.unique(y).tolist()) == {0.0, 1.0}
    assert round(float(y.mean()) * 100) == 65  # 65 % of the labels are 1
    raw = np.loadtxt(datasets.diabetes_path(), delimiter=",", dtype=np.float32)
    np.testing.assert_array_equal(np.hstack([x, y]), raw)
    tx, ty = datasets.load_diabetes(engine=tinygrad_edu)
    assert isinstance(tx, tinygrad_edu.Tensor) and tx.shape == (759, 8) and ty.shape == (759, 1)


def test_diabetes_dataset_like_the_course():
    ds = datasets.DiabetesDataset()
    assert isinstance(ds, Dataset) and len(ds) == 759 and ds.len == 759
    x, y = ds[3]
    assert x.shape == (8,) and y.shape == (1,) and x.dtype == tinygrad_edu.float32
    loader = DataLoader(ds, batch_size=32, shuffle=True)
    assert len(loader) == 24
    total = sum(len(xb) for xb, _ in loader)
    assert total == 759
    train, test = random_split(ds, [0.7, 0.3])
    assert (len(train), len(test)) == (532, 227)


def test_dnn_data_is_seeded_one_hot_and_labelled_by_the_sum():
    x, y = datasets.make_dnn_data(n=2000, seed=3)
    assert isinstance(x, tinygrad_edu.Tensor) and x.dtype == tinygrad_edu.float32
    assert x.shape == (2000, 3) and y.shape == (2000, 3) and y.dtype == tinygrad_edu.float32
    xs, ys = x.numpy(), y.numpy()
    assert xs.min() >= 0 and xs.max() < 1
    s = xs.sum(axis=1)
    np.testing.assert_array_equal(ys.argmax(axis=1), np.where(s < 1, 0, np.where(s < 2, 1, 2)))
    assert set(ys.sum(axis=1).tolist()) <= {0.0, 1.0}  # a sum of exactly 1 or 2 has no class
    np.testing.assert_array_equal(datasets.make_dnn_data(2000, seed=3)[0].numpy(), xs)
    assert not np.array_equal(datasets.make_dnn_data(2000, seed=4)[0].numpy(), xs)
    middle = ys[:, 1].mean()
    assert 0.6 < middle < 0.72  # about 2/3 of the samples are the middle class


def test_dnn_data_for_another_engine():
    class Recorder:  # anything with from_numpy: tinygrad_edu, torch...
        def from_numpy(self, array):
            return ("wrapped", array.shape, array.dtype)
    assert datasets.make_dnn_data(10, seed=3, engine=Recorder()) == (
        ("wrapped", (10, 3), np.float32), ("wrapped", (10, 3), np.float32))
    torch = pytest.importorskip("torch")
    x, _ = datasets.make_dnn_data(10, seed=3, engine=torch)
    assert isinstance(x, torch.Tensor) and x.dtype == torch.float32
    np.testing.assert_array_equal(x.numpy(), datasets.make_dnn_data(10, seed=3)[0].numpy())


def test_mnist_sample_and_its_split():
    images, labels = datasets.load_mnist_sample()
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert labels.dtype == np.int64 and np.bincount(labels).tolist() == [500] * 10
    train_x, train_y, test_x, test_y = datasets.load_mnist_split()
    assert train_x.shape == (4000, 28, 28) and test_x.shape == (1000, 28, 28)
    assert np.bincount(train_y).tolist() == [400] * 10
    assert np.bincount(test_y).tolist() == [100] * 10
    first_zero = np.flatnonzero(labels == 0)
    np.testing.assert_array_equal(train_x[:400], images[first_zero[:400]])
    np.testing.assert_array_equal(test_x[:100], images[first_zero[400:]])
    assert images.max() == 255 and images.mean() > 20  # real digits, not blank


def _write_idx(path, array, type_byte=0x08):
    header = bytes([0, 0, type_byte, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape)
    body = array.astype(array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as fh:
        fh.write(header + body)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("dtype,type_byte", [(np.uint8, 0x08), (np.int32, 0x0C),
                                             (np.float32, 0x0D), (np.int16, 0x0B)])
def test_read_idx(tmp_path, suffix, dtype, type_byte):
    arr = (np.arange(2 * 3 * 4).reshape(2, 3, 4) * 7 % 251).astype(dtype)
    path = tmp_path / f"x-idx3-ubyte{suffix}"
    _write_idx(path, arr, type_byte)
    back = mnist.read_idx(path)
    assert back.shape == (2, 3, 4) and back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back, arr)


def test_read_idx_refuses_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        mnist.read_idx(tmp_path / "bad")
    _write_idx(tmp_path / "cut", np.zeros((3, 4), np.uint8))
    data = (tmp_path / "cut").read_bytes()
    (tmp_path / "cut").write_bytes(data[:-2])
    with pytest.raises(ValueError, match="truncated"):
        mnist.read_idx(tmp_path / "cut")


def _fake_mnist(root, folder="MNIST", n_train=12, n_test=5, gz=True):
    raw = os.path.join(root, folder, "raw")
    os.makedirs(raw, exist_ok=True)
    rng = np.random.default_rng(0)
    made = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 10).astype(np.uint8)
        ext = ".gz" if gz else ""
        _write_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte{ext}"), images)
        _write_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte{ext}"), labels)
        made[prefix] = (images, labels)
    return made


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_reads_idx_files_from_root(tmp_path, gz, capsys, _no_network):
    made = _fake_mnist(tmp_path, gz=gz)
    train = datasets.MNIST(tmp_path, train=True, download=True)
    test = datasets.MNIST(str(tmp_path), train=False)
    assert _no_network == [] and capsys.readouterr().err == ""  # nothing fetched, no notice
    assert len(train) == 12 and len(test) == 5 and not train.is_sample
    img, target = train[3]
    np.testing.assert_array_equal(img, made["train"][0][3])
    assert target == 3 and type(target) is int
    assert train.data.dtype == tinygrad_edu.uint8 and train.targets.dtype == tinygrad_edu.int64
    assert train.data.shape == (12, 28, 28)
    assert train.class_to_idx["3 - three"] == 3
    assert "Number of datapoints: 12" in repr(train) and "Split: Test" in repr(test)


def test_mnist_offline_falls_back_to_the_sample_with_a_notice(tmp_path, capsys, _no_network):
    ds = datasets.MNIST(tmp_path, train=True, download=True, transform=transforms.ToTensor())
    err = capsys.readouterr().err
    assert len(_no_network) >= 1 and "ossci-datasets" in _no_network[0]
    assert err.count("\n") == 1 and "sample" in err and "MNIST" in err
    assert ds.is_sample and len(ds) == 4000 and ds.classes[0] == "0 - zero"
    test = datasets.MNIST(tmp_path / "elsewhere", train=False)
    assert len(test) == 1000 and "no IDX files" in capsys.readouterr().err
    x, y = ds[0]
    assert x.shape == (1, 28, 28) and x.dtype == tinygrad_edu.float32 and y == 0


def test_fashion_mnist_fallback_says_it_is_digits(tmp_path, capsys, _no_network):
    ds = datasets.FashionMNIST(tmp_path, train=False, download=True)
    err = capsys.readouterr().err
    assert "fashion-mnist" in _no_network[0]
    assert "DIGIT" in err and "not clothes" in err
    assert len(ds) == 1000 and ds.classes == datasets.MNIST.classes
    assert datasets.FashionMNIST.classes[9] == "Ankle boot"
    made = _fake_mnist(tmp_path, folder="FashionMNIST")
    real = datasets.FashionMNIST(tmp_path, train=True)
    assert len(real) == 12 and real.classes[0] == "T-shirt/top"
    np.testing.assert_array_equal(real[0][0], made["train"][0][0])


def test_a_successful_download_is_checked_and_used(tmp_path, monkeypatch, capsys):
    made = {}
    source = tmp_path / "mirror"
    os.makedirs(source)
    rng = np.random.default_rng(1)
    for prefix, n in (("train", 6), ("t10k", 4)):
        _write_idx(source / f"{prefix}-images-idx3-ubyte.gz",
                   rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        _write_idx(source / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n, dtype=np.uint8))
        made[prefix] = n

    def fake_fetch(url, path, md5):  # stands in for the network: copies from a folder
        data = (source / url.rsplit("/", 1)[1]).read_bytes()
        with open(path, "wb") as fh:
            fh.write(data)
    monkeypatch.setattr(mnist, "download_url", fake_fetch)
    ds = datasets.MNIST(tmp_path / "data", train=True, download=True)
    assert len(ds) == 6 and not ds.is_sample and capsys.readouterr().err == ""
    assert sorted(os.listdir(tmp_path / "data" / "MNIST" / "raw"))[0].endswith(".gz")


def test_download_url_verifies_the_checksum(tmp_path, monkeypatch):
    import hashlib
    import io
    payload = b"some bytes"

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False
    monkeypatch.setattr(mnist.urllib.request, "urlopen", lambda url, timeout: Response(payload))
    good = hashlib.md5(payload).hexdigest()
    _real_download_url("http://example.invalid/f", str(tmp_path / "f"), good)
    assert (tmp_path / "f").read_bytes() == payload
    with pytest.raises(OSError, match="checksum mismatch"):
        _real_download_url("http://example.invalid/g", str(tmp_path / "g"), "0" * 32)
    assert not (tmp_path / "g").exists() and sorted(os.listdir(tmp_path)) == ["f"]


_real_download_url = mnist.download_url


def test_mnist_batches_from_the_loader_equal_per_sample_transforms(tmp_path, capsys):
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.1307, 0.3081)])
    ds = datasets.MNIST(tmp_path, train=False, transform=tf)
    train, _ = random_split(ds, [0.5, 0.5], generator=tinygrad_edu.Generator().manual_seed(0))
    tinygrad_edu.manual_seed(1)
    x, y = next(iter(DataLoader(train, batch_size=64, shuffle=True)))
    tinygrad_edu.manual_seed(1)
    slow_x, slow_y = next(iter(DataLoader(train, batch_size=64, shuffle=True,
                                          collate_fn=lambda b: (
                                              tinygrad_edu.stack([s[0] for s in b]),
                                              tinygrad_edu.tensor([s[1] for s in b])))))
    assert x.shape == (64, 1, 28, 28) and x.dtype == tinygrad_edu.float32
    np.testing.assert_array_equal(x.numpy(), slow_x.numpy())
    np.testing.assert_array_equal(y.numpy(), slow_y.numpy())
    lam = datasets.MNIST(tmp_path, train=False, transform=transforms.Lambda(lambda im: im.sum()))
    assert next(iter(DataLoader(lam, batch_size=3)))[0].shape == (3,)


# -- transforms -----------------------------------------------------------------------------
def test_to_tensor_matches_torchvision_math():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (5, 7), dtype=np.uint8)
    colour = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    for img in (grey, colour):
        ours = transforms.ToTensor()(img)
        expected = torch.from_numpy(img if img.ndim == 3 else img[:, :, None]).permute(
            2, 0, 1).contiguous().to(torch.float32).div(255)
        assert ours.dtype == tinygrad_edu.float32 and tuple(ours.shape) == tuple(expected.shape)
        np.testing.assert_array_equal(ours.numpy(), expected.numpy())
    floats = rng.random((4, 4)).astype(np.float32)
    np.testing.assert_array_equal(transforms.ToTensor()(floats).numpy()[0], floats)  # no /255


def test_normalize_matches_torchvision_math():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).random((3, 4, 5)).astype(np.float32)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    ours = transforms.Normalize(mean, std)(tinygrad_edu.from_numpy(x.copy()))
    t = torch.from_numpy(x.copy())
    expected = t.sub(torch.as_tensor(mean).view(-1, 1, 1)).div(torch.as_tensor(std).view(-1, 1, 1))
    np.testing.assert_array_equal(ours.numpy(), expected.numpy())
    grey = tinygrad_edu.from_numpy(x[:1].copy())
    single = transforms.Normalize(0.1307, 0.3081)(grey)
    np.testing.assert_array_equal(single.numpy(),
                                  torch.from_numpy(x[:1]).sub(0.1307).div(0.3081).numpy())
    np.testing.assert_array_equal(grey.numpy(), x[:1])  # not in place by default
    transforms.Normalize(0.5, 0.5, inplace=True)(grey)
    np.testing.assert_allclose(grey.numpy(), (x[:1] - 0.5) / 0.5, rtol=1e-6)


def test_transform_errors_and_reprs():
    with pytest.raises(TypeError, match="float tensor"):
        transforms.Normalize(0.5, 0.5)(tinygrad_edu.zeros(1, 2, 2, dtype=tinygrad_edu.uint8))
    with pytest.raises(ValueError, match="size"):
        transforms.Normalize(0.5, 0.5)(tinygrad_edu.zeros(2, 2))
    with pytest.raises(ValueError, match="division by zero"):
        transforms.Normalize(0.5, 0.0)(tinygrad_edu.zeros(1, 2, 2))
    with pytest.raises(TypeError, match="ToTensor"):
        transforms.Normalize(0.5, 0.5)(np.zeros((1, 2, 2), np.float32))
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,)),
                             transforms.Lambda(lambda t: t * 2)])
    assert repr(tf) == ("Compose(\n    ToTensor()\n    Normalize(mean=(0.1307,), "
                        "std=(0.3081,))\n    Lambda()\n)")
    out = tf(np.full((2, 2), 255, np.uint8))
    np.testing.assert_allclose(out.numpy(), np.full((1, 2, 2), 2 * (1 - 0.1307) / 0.3081),
                               rtol=1e-6)
