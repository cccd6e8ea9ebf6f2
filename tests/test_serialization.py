"""save/load: round trips of tensors, containers, optimizer state and models; atomic writes;
hostile or damaged files give a clear LoadError and run nothing."""
import io
import json
import os
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import optim, serialization
from tinygrad_edu.serialization import LoadError

nn = tinygrad_edu.nn
HAS_NN = hasattr(nn, "Module") and hasattr(nn, "Linear") and hasattr(nn, "Parameter")
needs_nn = pytest.mark.skipif(not HAS_NN, reason="tinygrad_edu.nn has not landed yet")

if HAS_NN:
    class TwoLayer(nn.Module):
        """A model defined at a module's top level: save/load can find its class again."""
        constructed = 0

        def __init__(self):
            super().__init__()
            TwoLayer.constructed += 1
            self.hidden = nn.Linear(3, 4)
            self.out = nn.Linear(4, 2)
            self.scale = nn.Parameter(tinygrad_edu.ones(2))
            self.register_buffer("steps", tinygrad_edu.tensor(7))
            self.note, self.sizes, self.nothing = "two layers", (3, 4, 2), None

        def forward(self, x):
            return self.out(self.hidden(x).relu()) * self.scale


def _round_trip(obj, **load_kwargs):
    buffer = io.BytesIO()
    tinygrad_edu.save(obj, buffer)
    buffer.seek(0)
    return tinygrad_edu.load(buffer, **load_kwargs)


def _archive(root, arrays=()):
    """A hand-made archive in our format (for hostile manifests)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "tinygrad_edu.save", "version": 1,
                                                "root": root}))
        for name, data in arrays:
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32", "uint8",
                                   "bool"])
def test_tensors_of_every_dtype_round_trip(dtype):
    arr = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    t = tinygrad_edu.from_numpy(arr)
    back = _round_trip(t)
    assert back.dtype == t.dtype and back.shape == t.shape and not back.requires_grad
    np.testing.assert_array_equal(back.numpy(), arr)


def test_tensor_flags_scalars_and_views_round_trip():
    w = tinygrad_edu.tensor([[1.5, -2.0], [3.0, 4.0]], requires_grad=True)
    loaded = _round_trip({"w": w, "wT": w.detach().t(), "zero_d": tinygrad_edu.tensor(2.5),
                          "computed": w * 2})
    assert loaded["w"].requires_grad and loaded["w"].is_leaf
    np.testing.assert_array_equal(loaded["wT"].numpy(), [[1.5, 3.0], [-2.0, 4.0]])
    assert loaded["zero_d"].shape == () and loaded["zero_d"].item() == 2.5
    assert loaded["computed"].is_leaf and loaded["computed"].requires_grad
    loaded["w"].sum().backward()  # a usable leaf again
    np.testing.assert_array_equal(loaded["w"].grad.numpy(), np.ones((2, 2)))


def test_nested_containers_and_plain_values_round_trip():
    obj = {"list": [1, 2.5, "three", None, True, False], "tuple": (1, (2, 3)),
           "ordered": OrderedDict([("b", 1), ("a", 2)]), 7: {"inner": [tinygrad_edu.ones(2)]},
           ("x", 1): "tuple key", "specials": [float("nan"), float("inf"), -float("inf")],
           "bytes": b"\x00\xff", "set": {1, 2}, "array": np.arange(4.0),
           "np_scalar": np.float32(1.25), "dtype": tinygrad_edu.float64,
           "size": tinygrad_edu.Size([2, 3]), "big": 2 ** 70, "unicode": "张量"}
    back = _round_trip(obj)
    assert list(back) == list(obj)
    assert back["list"] == obj["list"] and back["tuple"] == (1, (2, 3))
    assert type(back["ordered"]) is OrderedDict and list(back["ordered"]) == ["b", "a"]
    assert back[("x", 1)] == "tuple key" and back["set"] == {1, 2} and back["bytes"] == b"\x00\xff"
    assert np.isnan(back["specials"][0]) and back["specials"][1:] == [float("inf"), -float("inf")]
    assert back["np_scalar"] == np.float32(1.25) and back["np_scalar"].dtype == np.float32
    np.testing.assert_array_equal(back["array"], np.arange(4.0))
    assert back["dtype"] is tinygrad_edu.float64 and back["size"] == (2, 3)
    assert type(back["size"]) is tinygrad_edu.Size and back["big"] == 2 ** 70
    assert back["unicode"] == "张量" and back[7]["inner"][0].tolist() == [1.0, 1.0]


def test_shared_tensors_stay_shared():
    t = tinygrad_edu.ones(3)
    back = _round_trip({"a": t, "b": t, "c": [t]})
    assert back["a"] is back["b"] is back["c"][0]


def test_paths_and_file_objects(tmp_path):
    t = tinygrad_edu.arange(5)
    tinygrad_edu.save(t, str(tmp_path / "a.pt"))
    tinygrad_edu.save(t, tmp_path / "b.pt")
    with open(tmp_path / "c.pt", "wb") as fh:
        tinygrad_edu.save(t, fh)
    for name in ("a.pt", "b.pt", "c.pt"):
        assert tinygrad_edu.load(tmp_path / name).tolist() == [0, 1, 2, 3, 4]
    with open(tmp_path / "c.pt", "rb") as fh:
        assert tinygrad_edu.load(fh, map_location="cpu").tolist() == [0, 1, 2, 3, 4]
    assert oct(os.stat(tmp_path / "a.pt").st_mode & 0o777) != oct(0o600)  # not mkstemp's mode


def test_optimizer_state_dict_round_trip_continues_training():
    w = tinygrad_edu.tensor([1.0, -1.0, 2.0], requires_grad=True)
    opt = optim.Adam([w], lr=0.1, amsgrad=True)
    for _ in range(3):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    saved = _round_trip(opt.state_dict())
    assert saved["state"][0]["step"].item() == 3.0
    assert saved["param_groups"][0]["betas"] == (0.9, 0.999)
    w2 = tinygrad_edu.tensor(w.detach().numpy().copy(), requires_grad=True)
    opt2 = optim.Adam([w2], lr=0.5)
    opt2.load_state_dict(saved)
    for p, o in ((w, opt), (w2, opt2)):
        o.zero_grad()
        (p ** 2).sum().backward()
        o.step()
    np.testing.assert_array_equal(w.detach().numpy(), w2.detach().numpy())


@needs_nn
def test_state_dict_round_trip_into_a_new_model():
    model = TwoLayer()
    state = _round_trip(model.state_dict())
    assert list(state) == list(model.state_dict())
    fresh = TwoLayer()
    fresh.load_state_dict(state)
    x = tinygrad_edu.randn(5, 3)
    np.testing.assert_array_equal(fresh(x).detach().numpy(), model(x).detach().numpy())


@needs_nn
def test_a_whole_model_round_trips_without_calling_its_constructor(tmp_path):
    model = TwoLayer().eval()
    model.hidden.weight.grad = tinygrad_edu.ones(4, 3)
    tinygrad_edu.save(model, tmp_path / "model.pth")
    before = TwoLayer.constructed
    loaded = tinygrad_edu.load(tmp_path / "model.pth")
    assert TwoLayer.constructed == before
    assert type(loaded) is TwoLayer and type(loaded.hidden) is nn.Linear
    assert loaded.training is False and loaded.hidden.training is False
    assert (loaded.note, loaded.sizes, loaded.nothing) == ("two layers", (3, 4, 2), None)
    assert loaded.hidden.in_features == 3 and loaded.steps.item() == 7
    assert isinstance(loaded.scale, nn.Parameter) and loaded.scale.requires_grad
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]
    x = tinygrad_edu.randn(4, 3)
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())
    assert repr(loaded) == repr(model)
    opt = optim.SGD(loaded.parameters(), lr=0.1)  # a trainable model again
    loaded(x).sum().backward()
    opt.step()


@needs_nn
def test_tied_weights_stay_tied():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    model[1].weight = model[0].weight
    loaded = _round_trip(model)
    assert loaded[1].weight is loaded[0].weight


@needs_nn
def test_weights_only_refuses_whole_models():
    with pytest.raises(LoadError, match="weights_only"):
        _round_trip(nn.Linear(2, 2), weights_only=True)
    assert _round_trip({"w": tinygrad_edu.ones(1)}, weights_only=True)["w"].item() == 1.0


@needs_nn
def test_unsaveable_attributes_are_named_by_path():
    model = TwoLayer()
    model.hidden.act = lambda x: x
    with pytest.raises(TypeError, match=r"model\.hidden\.act: it is a lambda"):
        tinygrad_edu.save(model, io.BytesIO())


@needs_nn
def test_a_class_defined_in_a_function_cannot_be_saved_whole():
    class Local(nn.Module):
        pass
    with pytest.raises(TypeError, match="state_dict"):
        tinygrad_edu.save(Local(), io.BytesIO())


def test_unsaveable_objects_raise_a_type_error_naming_the_path(tmp_path):
    with open(tmp_path / "f.txt", "w") as fh:
        with pytest.raises(TypeError, match=r"obj\['log'\]: it is an open file"):
            tinygrad_edu.save({"log": fh}, io.BytesIO())
    with pytest.raises(TypeError, match=r"obj\['fn'\]\[1\]: it is a lambda"):
        tinygrad_edu.save({"fn": [1, lambda: 0]}, io.BytesIO())
    with pytest.raises(TypeError, match="an object of class"):
        tinygrad_edu.save([object()], io.BytesIO())
    assert list(tmp_path.iterdir()) == [tmp_path / "f.txt"]


# -- atomic writes ---------------------------------------------------------------------------
def test_a_failed_save_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.pt"
    tinygrad_edu.save({"epoch": 1, "w": tinygrad_edu.ones(3)}, target)
    before = target.read_bytes()
    real_save = np.save

    def crash_midway(fh, arr, allow_pickle=False):
        real_save(fh, arr[:1], allow_pickle=allow_pickle)  # part of the data is written
        raise OSError("disk full")
    monkeypatch.setattr(serialization.np, "save", crash_midway)
    with pytest.raises(OSError, match="disk full"):
        tinygrad_edu.save({"epoch": 2, "w": tinygrad_edu.zeros(1000)}, target)
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert tinygrad_edu.load(target)["epoch"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]  # no temp file left


def test_a_failed_rename_leaves_the_previous_file_intact(tmp_path, monkeypatch):
    target = tmp_path / "ckpt.pt"
    tinygrad_edu.save([1], target)

    def refuse(src, dst):
        raise PermissionError("read-only")
    monkeypatch.setattr(serialization.os, "replace", refuse)
    with pytest.raises(PermissionError):
        tinygrad_edu.save([2], target)
    monkeypatch.undo()
    assert tinygrad_edu.load(target) == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


def test_an_unsaveable_object_never_touches_the_old_file(tmp_path):
    target = tmp_path / "ckpt.pt"
    tinygrad_edu.save("old", target)
    with pytest.raises(TypeError):
        tinygrad_edu.save({"bad": print}, target)
    assert tinygrad_edu.load(target) == "old"


# -- hostile and damaged files ---------------------------------------------------------------
class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_malicious_pickle_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Exploit(marker))
    (tmp_path / "evil.pt").write_bytes(payload)
    with pytest.raises(LoadError, match="pickle"):
        tinygrad_edu.load(tmp_path / "evil.pt")
    buffer = io.BytesIO()  # the same payload inside a zip laid out like torch.save's files
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("archive/data.pkl", payload)
        z.writestr("archive/version", "3\n")
    (tmp_path / "evil_zip.pt").write_bytes(buffer.getvalue())
    with pytest.raises(LoadError, match="PyTorch"):
        tinygrad_edu.load(tmp_path / "evil_zip.pt")
    assert not marker.exists()


def test_a_real_torch_save_file_gets_a_clear_error(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "torch.pt")
    with pytest.raises(LoadError, match="real PyTorch's torch.save"):
        tinygrad_edu.load(tmp_path / "torch.pt")
    torch.save(torch.ones(2), tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(LoadError, match="pickle"):
        tinygrad_edu.load(tmp_path / "legacy.pt")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_give_a_load_error(seed):
    data = np.random.default_rng(seed).integers(0, 256, 2000, dtype=np.uint8).tobytes()
    for blob in (data, b"PK\x03\x04" + data):
        with pytest.raises(LoadError):
            tinygrad_edu.load(io.BytesIO(blob))


def test_empty_and_truncated_files_give_a_load_error():
    buffer = io.BytesIO()
    tinygrad_edu.save({"w": tinygrad_edu.randn(50, 20), "b": [1, 2, 3]}, buffer)
    data = buffer.getvalue()
    with pytest.raises(LoadError, match="empty"):
        tinygrad_edu.load(io.BytesIO(b""))
    for cut in (1, 2, 10, 100, len(data) // 2, len(data) - 30, len(data) - 1):
        with pytest.raises(LoadError):
            tinygrad_edu.load(io.BytesIO(data[:cut]))


def test_corrupted_bytes_inside_an_entry_give_a_load_error():
    buffer = io.BytesIO()
    tinygrad_edu.save({"w": tinygrad_edu.randn(100)}, buffer)
    data = bytearray(buffer.getvalue())
    position = data.index(b"\x93NUMPY") + 200
    data[position] ^= 0xFF
    with pytest.raises(LoadError):
        tinygrad_edu.load(io.BytesIO(bytes(data)))


def test_a_manifest_naming_an_unimported_module_does_not_import_it(tmp_path, monkeypatch):
    marker = tmp_path / "imported"
    (tmp_path / "tge_never_import_me.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nclass Net: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    blob = _archive({"kind": "module", "id": 0, "attributes": {},
                     "class": {"module": "tge_never_import_me", "qualname": "Net"}})
    with pytest.raises(LoadError, match="import it") as info:
        tinygrad_edu.load(io.BytesIO(blob))
    assert "state_dict" in str(info.value)
    assert "tge_never_import_me" not in sys.modules and not marker.exists()


@pytest.mark.parametrize("module,qualname", [("os", "system"), ("subprocess", "Popen"),
                                             ("builtins", "eval"), ("collections", "Counter")])
def test_a_manifest_naming_a_non_module_class_is_refused(module, qualname):
    import subprocess  # noqa: F401  (imported, so the lookup finds it and must still refuse)
    blob = _archive({"kind": "module", "id": 0, "attributes": {"args": "touch x"},
                     "class": {"module": module, "qualname": qualname}})
    with pytest.raises(LoadError, match="not an nn.Module class"):
        tinygrad_edu.load(io.BytesIO(blob))


def test_an_object_array_inside_the_archive_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    npy = io.BytesIO()
    np.save(npy, np.array([_Exploit(marker)], dtype=object), allow_pickle=True)
    blob = _archive({"kind": "tensor", "id": 0, "array": "arrays/0.npy",
                     "requires_grad": False, "parameter": False},
                    [("arrays/0.npy", npy.getvalue())])
    with pytest.raises(LoadError):
        tinygrad_edu.load(io.BytesIO(blob))
    assert not marker.exists()


@pytest.mark.parametrize("root", [
    {"kind": "no such kind"}, {"kind": "ref", "id": 5}, {"kind": "tensor"},
    {"kind": "dict", "items": [[{"kind": "list", "items": []}, 1]]},
    {"kind": "tensor", "id": 0, "array": "arrays/9.npy", "requires_grad": False},
    {"kind": "float", "value": "__import__('os')"}, [1, 2],
    {"kind": "module", "id": 0, "class": {"module": "__main__", "qualname": "No.Such"},
     "attributes": {}},
])
def test_malformed_manifests_give_a_load_error(root):
    with pytest.raises(LoadError):
        tinygrad_edu.load(io.BytesIO(_archive(root)))


def test_a_foreign_manifest_or_version_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "tinygrad_edu.save", "version": 99,
                                                "root": 1}))
    with pytest.raises(LoadError, match="version"):
        tinygrad_edu.load(io.BytesIO(buffer.getvalue()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("manifest.json", json.dumps({"format": "someone_else", "version": 1}))
    with pytest.raises(LoadError, match="not a tinygrad_edu save file"):
        tinygrad_edu.load(io.BytesIO(buffer.getvalue()))


def test_load_error_is_a_runtime_error():
    assert issubclass(LoadError, RuntimeError)


def test_compressed_entries_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps({"format": "tinygrad_edu.save", "version": 1,
                                                "root": {"kind": "ndarray",
                                                         "array": "arrays/0.npy"}}))
        z.writestr("arrays/0.npy", b"\0" * 10_000_000)  # 10 MB that compress to almost nothing
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(LoadError, match="compressed"):
        tinygrad_edu.load(io.BytesIO(buffer.getvalue()))


# -- hostile bytes: every damaged file gives a LoadError, nothing else escapes -------------
def _npy(header, data=b"", version=(1, 0)):
    """A .npy file with a hand-written header (a Python-literal dict) and raw data."""
    text = header.encode("latin1")
    length = struct.pack("<H" if version == (1, 0) else "<I", len(text))
    return b"\x93NUMPY" + bytes(version) + length + text + data


def _ndarray_archive(npy):
    return _archive({"kind": "ndarray", "array": "arrays/0.npy"}, [("arrays/0.npy", npy)])


def _saved(obj):
    buffer = io.BytesIO()
    tinygrad_edu.save(obj, buffer)
    return buffer.getvalue()


def _patch_entries(data, offset_local, offset_central, fmt, value):
    """Overwrite one field of every entry's local header and central-directory record."""
    data = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", offset_local), (b"PK\x01\x02", offset_central)):
        start = data.find(signature)
        while start != -1:
            struct.pack_into(fmt, data, start + offset, value)
            start = data.find(signature, start + 4)
    return bytes(data)


@pytest.mark.parametrize("shape", ["(1000000000000,)", f"({10 ** 30},)",
                                   f"({2 ** 62}, {2 ** 62})", "(4, 1000000, 1000000)"])
def test_a_header_declaring_a_huge_array_is_refused_before_allocating(shape):
    npy = _npy("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }\n" % shape, b"\0" * 64)
    with pytest.raises(LoadError, match=r"declares shape .* but the file holds 64 bytes"):
        tinygrad_edu.load(io.BytesIO(_ndarray_archive(npy)))


@pytest.mark.parametrize("shape,data,message", [
    ("(3,)", b"\0" * 16, "holds 16 bytes"),         # truncated data
    ("(3,)", b"\0" * 32, "holds 32 bytes"),         # trailing bytes
    ("(2, 0, 5)", b"\0" * 8, "holds 8 bytes"),      # an empty array with data after it
    ("(-1,)", b"", "invalid shape"),
    ("(-2, -4)", b"\0" * 64, "invalid shape"),
])
def test_a_header_whose_shape_does_not_match_the_data_is_refused(shape, data, message):
    npy = _npy("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }\n" % shape, data)
    with pytest.raises(LoadError, match=message):
        tinygrad_edu.load(io.BytesIO(_ndarray_archive(npy)))


@pytest.mark.parametrize("npy", [
    _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': '''\n"),  # TokenError
    _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,\n"),            # unterminated
    _npy("((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
         "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
         "(((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("),
    _npy("[1, 2, 3]\n"), _npy("{'descr': '<f8'}\n"), _npy("__import__('os').system('x')\n"),
    _npy("{'descr': '<f8', 'fortran_order': 'no', 'shape': (3,), }\n"),
    _npy("{'descr': 'not a dtype', 'fortran_order': False, 'shape': (3,), }\n"),
    _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", version=(3, 0)),
    _npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }\n", version=(9, 9)),
    b"\x93NUMPY\x01\x00\xff\xff{'descr'",                                  # header runs past EOF
    b"\x93NUMPY\x01", b"NOT A NUMPY FILE AT ALL", b"",
], ids=lambda npy: repr(npy[10:40]))
def test_a_damaged_npy_header_is_refused(npy):
    with pytest.raises(LoadError, match="header|damaged"):
        tinygrad_edu.load(io.BytesIO(_ndarray_archive(npy)))


@pytest.mark.parametrize("descr", ["|O", "<U3", "|S4", "<c16", "<M8[s]", "|V8",
                                   "[('a', '<f8'), ('b', '<i8')]", "('<f8', (2,))"])
def test_an_npy_of_an_unsupported_dtype_is_refused(descr):
    npy = _npy("{'descr': %s, 'fortran_order': False, 'shape': (2,), }\n"
               % (descr if descr[0] in "[(" else repr(descr)), b"\0" * 64)
    with pytest.raises(LoadError, match="unsupported type|header"):
        tinygrad_edu.load(io.BytesIO(_ndarray_archive(npy)))


def test_fortran_order_and_big_endian_arrays_from_other_writers_load_correctly():
    expected = np.arange(24.0).reshape(2, 3, 4)
    for arr in (np.asfortranarray(expected), expected.astype(">f8"), expected.astype(">i4")):
        npy = io.BytesIO()
        np.save(npy, arr, allow_pickle=False)
        back = tinygrad_edu.load(io.BytesIO(_ndarray_archive(npy.getvalue())))
        np.testing.assert_array_equal(back, expected)
        assert back.dtype.isnative and back.flags.writeable
    bools = _npy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }\n", b"\x00\x02\xff")
    assert tinygrad_edu.load(io.BytesIO(_ndarray_archive(bools))).tolist() == [False, True, True]


def test_an_encrypted_entry_is_refused():
    data = _saved({"w": tinygrad_edu.ones(3)})
    encrypted = _patch_entries(data, 6, 8, "<H", 0x1)  # general purpose flag bit 0
    with pytest.raises(LoadError, match="encrypted"):
        tinygrad_edu.load(io.BytesIO(encrypted))
    for bit in (0x20, 0x40):  # compressed patched data, strong encryption
        with pytest.raises(LoadError, match="ZIP feature"):
            tinygrad_edu.load(io.BytesIO(_patch_entries(data, 6, 8, "<H", bit)))


def test_an_unsupported_zip_version_or_compression_method_is_refused():
    data = _saved({"w": tinygrad_edu.ones(3)})
    too_new = _patch_entries(data, 4, 6, "<H", 99)  # "version needed to extract": 9.9
    with pytest.raises(LoadError, match="ZIP feature.*version 9.9"):
        tinygrad_edu.load(io.BytesIO(too_new))
    for method in (99, 14, 12):  # unknown, LZMA, bzip2
        with pytest.raises(LoadError, match=f"compressed entries \\(method {method}\\)"):
            tinygrad_edu.load(io.BytesIO(_patch_entries(data, 8, 10, "<H", method)))


def test_an_entry_running_past_the_end_of_the_file_is_refused():
    data = _saved(tinygrad_edu.ones(3))
    longer = _patch_entries(data, 18, 20, "<I", 10 ** 9)  # compressed size: 1 GB
    longer = _patch_entries(longer, 22, 24, "<I", 10 ** 9)  # uncompressed size
    with pytest.raises(LoadError):
        tinygrad_edu.load(io.BytesIO(longer))


def _load_or_load_error(blob, what):
    """Loading ``blob`` either works or raises LoadError; anything else fails the test."""
    try:
        tinygrad_edu.load(io.BytesIO(blob))
    except LoadError:
        return False
    except BaseException as e:  # noqa: BLE001
        pytest.fail(f"{what}: {type(e).__name__} escaped load: {e}")
    return True


@needs_nn
def test_mutated_files_load_or_give_a_load_error():
    """Truncations at every length and byte flips at every offset (fixed seed) of a file that
    holds every kind of node: each load either works or raises LoadError, nothing else."""
    model = TwoLayer()
    obj = {"model": model, "state": model.state_dict(), "t": tinygrad_edu.arange(6).view(2, 3),
           "x": [1.5, float("nan"), (True, None)], "b": tinygrad_edu.tensor([True, False]),
           "w": tinygrad_edu.randn(4, requires_grad=True), "s": tinygrad_edu.Size([2]),
           "n": np.float32(2.0), "d": tinygrad_edu.float64}
    data = _saved(obj)
    rng = np.random.default_rng(1234)
    loaded = 0
    for cut in range(len(data)):
        loaded += _load_or_load_error(data[:cut], f"truncated to {cut} bytes")
    for offset in range(len(data)):
        xor = (0x01, 0x80, int(rng.integers(1, 256)))[offset % 3]
        flipped = bytearray(data)
        flipped[offset] ^= xor
        loaded += _load_or_load_error(bytes(flipped), f"byte {offset} ^ {xor:#x}")
    for trial in range(300):  # several bytes at once, and bytes set to special values
        mutated = bytearray(data)
        for offset in rng.integers(0, len(data), int(rng.integers(2, 8))):
            mutated[offset] = int(rng.choice([0, 0xFF, 0x7F, 0x80, rng.integers(0, 256)]))
        loaded += _load_or_load_error(bytes(mutated), f"multi-byte mutation {trial}")
    assert 0 < loaded < len(data)  # a few mutations are harmless, most are refused
