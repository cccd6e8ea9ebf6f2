"""torch.save / torch.load without pickle: loading a file never runs code from it.

PyTorch's files are pickles, and unpickling can call any function the file names (that is
how a ``.pth`` file downloaded from the internet can take over a computer).  This format
stores only data, and ``load`` only rebuilds data:

    a ZIP archive (uncompressed) holding
      manifest.json    {"format": "tinygrad_edu.save", "version": 1, "root": NODE}
      arrays/<k>.npy   one NumPy .npy file per array (read back with allow_pickle=False)

A NODE describes one object:
    null, true/false, a number, a string     that value itself
    {"kind": "float", "value": "nan"}        nan, inf, -inf (JSON has no word for them)
    {"kind": "tensor", "id": k, "array": "arrays/0.npy", "requires_grad": b,
     "parameter": b}                         a Tensor (or nn.Parameter): dtype and shape
                                             are those of the .npy array
    {"kind": "ref", "id": k}                 the same tensor/module as the node with id k
                                             (shared weights stay shared after loading)
    {"kind": "list" | "tuple" | "set" | "size", "items": [NODE, ...]}
    {"kind": "dict" | "ordered_dict", "items": [[KEY NODE, VALUE NODE], ...]}
    {"kind": "ndarray" | "numpy_scalar", "array": "arrays/3.npy"}
    {"kind": "dtype", "name": "float32"}     {"kind": "bytes", "hex": "00ff"}
    {"kind": "module", "id": k, "class": {"module": "__main__", "qualname": "Net"},
     "attributes": {"training": true, "_parameters": NODE, "_modules": NODE, ...}}

A whole ``nn.Module`` is stored as its class's location plus its attributes (parameters,
buffers, submodules, and plain values such as ``in_features``).  ``load`` looks the class up
ONLY in modules that are already imported (``sys.modules``: your script's ``__main__``,
``tinygrad_edu.nn``, ...), never imports anything the file names, and rebuilds the object
without calling its constructor.  Anything else (functions, open files, arbitrary objects)
cannot be saved: ``save`` raises a TypeError that names where it sits (``model.act``).

Writing is atomic: the archive goes to a temporary file in the same folder, is flushed to
disk, then renamed over the target, so a failed save leaves the previous file intact.
"""
import io
import json
import math
import os
import sys
import tempfile
import types
import zipfile
from collections import OrderedDict

import numpy as np

from . import dtypes
from .serialization_archive import (LoadError, MANIFEST, open_archive as _open_archive,  # noqa: F401
                                    read_entry as _read_entry, read_npy as _read_npy)
from .tensor import Size, Tensor, check_device, device

FORMAT, VERSION = "tinygrad_edu.save", 1
_TABLES = ("_parameters", "_buffers", "_modules")  # a Module's registries of its members


def _nn():
    """tinygrad_edu.nn (Module, Parameter), or None while the package has no nn yet."""
    try:
        from . import nn
        return nn if hasattr(nn, "Module") else None
    except ImportError:
        return None


def _find_class(module_name, qualname):
    """The class at module_name.qualname, looked up in already imported modules only."""
    obj = sys.modules.get(module_name)
    for part in qualname.split("."):
        if not isinstance(obj, (types.ModuleType, type)):  # walk modules and classes only
            return None
        obj = vars(obj).get(part)
    return obj


# -- saving --------------------------------------------------------------------------------
class _Encoder:
    def __init__(self):
        self.arrays = []        # (entry name, ndarray) to write
        self._array_names = {}  # id(ndarray) -> entry name (tensors sharing an array)
        self._ids = {}          # id(tensor or module) -> node id
        self._keep = []         # keeps encoded objects alive so ids stay unique

    def _array(self, arr):
        name = self._array_names.get(id(arr))
        if name is None:
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"arrays of dtype {arr.dtype} cannot be saved")
            name = self._array_names[id(arr)] = f"arrays/{len(self.arrays)}.npy"
            self.arrays.append((name, arr))
        return name

    def _register(self, obj):
        self._keep.append(obj)
        self._ids[id(obj)] = len(self._ids)
        return self._ids[id(obj)]

    def encode(self, obj, path):
        if obj is None or isinstance(obj, (bool, str)):
            return obj
        if isinstance(obj, int) and type(obj) in (int, bool):
            return obj
        if type(obj) is float:
            return obj if math.isfinite(obj) else {"kind": "float", "value": repr(obj)}
        if id(obj) in self._ids:
            return {"kind": "ref", "id": self._ids[id(obj)]}
        if isinstance(obj, Tensor):
            nn = _nn()
            return {"kind": "tensor", "id": self._register(obj),
                    "array": self._array(obj._data), "requires_grad": obj._requires_grad,
                    "parameter": nn is not None and isinstance(obj, nn.Parameter)}
        nn = _nn()
        if nn is not None and isinstance(obj, nn.Module):
            return self._module(obj, path)
        if isinstance(obj, np.ndarray):
            return {"kind": "ndarray", "array": self._array(obj)}
        if isinstance(obj, np.generic) and obj.dtype.kind in "biuf":
            return {"kind": "numpy_scalar", "array": self._array(np.asarray(obj))}
        if isinstance(obj, dtypes.dtype):
            return {"kind": "dtype", "name": obj.name}
        if isinstance(obj, device):
            return {"kind": "device", "name": str(obj)}
        if isinstance(obj, bytes):
            return {"kind": "bytes", "hex": obj.hex()}
        if type(obj) in (dict, OrderedDict):
            return self._dict(obj, path, lambda k: f"{path}[{k!r}]")
        if type(obj) in (list, tuple, set, Size):
            kind = {list: "list", tuple: "tuple", set: "set", Size: "size"}[type(obj)]
            return {"kind": kind, "items": [self.encode(v, f"{path}[{i}]")
                                            for i, v in enumerate(obj)]}
        raise TypeError(_cannot_save(obj, path))

    def _dict(self, obj, path, item_path):
        kind = "ordered_dict" if type(obj) is OrderedDict else "dict"
        return {"kind": kind, "items": [[self._key(k, path), self.encode(v, item_path(k))]
                                        for k, v in obj.items()]}

    def _key(self, key, path):
        if key is None or type(key) in (bool, int, str, float):
            return self.encode(key, path)
        if type(key) is tuple:
            return self.encode(key, path)
        raise TypeError(f"cannot save {path}: its key {key!r} is a {type(key).__name__}; "
                        f"dictionary keys must be strings, numbers, None or tuples of those")

    def _module(self, module, path):
        cls = type(module)
        if _find_class(cls.__module__, cls.__qualname__) is not cls:
            raise TypeError(
                f"cannot save {path}: its class {cls.__qualname__} cannot be found again by "
                f"name (it is defined inside a function, or replaced since). Define the class "
                f"at the top level of a module, or save {path}.state_dict() instead.")
        node = {"kind": "module", "id": self._register(module),
                "class": {"module": cls.__module__, "qualname": cls.__qualname__}}
        attributes = {}
        for name, value in vars(module).items():
            if name in _TABLES and type(value) in (dict, OrderedDict):  # model.fc1.weight
                attributes[name] = self._dict(value, path, lambda k: f"{path}.{k}")
            else:
                attributes[name] = self.encode(value, f"{path}.{name}")
        node["attributes"] = attributes
        return node


def _cannot_save(obj, path):
    kind = type(obj).__qualname__
    if callable(obj) and getattr(obj, "__name__", "") == "<lambda>":
        what = "a lambda function"
    elif callable(obj) and not isinstance(obj, type):
        what = f"a function or callable ({kind})"
    elif hasattr(obj, "read") or hasattr(obj, "write"):
        what = f"an open file or stream ({kind})"
    else:
        what = f"an object of class {type(obj).__module__}.{kind}"
    hint = " (a hook: call handle.remove() first)" if "_hooks" in path else ""
    return (f"cannot save {path}: it is {what}{hint}. tinygrad_edu.save stores tensors, "
            f"numbers, strings, None, lists/tuples/dicts of those, and nn.Modules (never code)."
            f" Remove it, or save model.state_dict() / optimizer.state_dict() instead.")


def save(obj, f, pickle_module=None, pickle_protocol=None,
         _use_new_zipfile_serialization=True):
    """torch.save(obj, f): write ``obj`` to the path or binary file ``f`` (see the module
    docstring for the format). ``pickle_module``/``pickle_protocol`` are accepted and unused."""
    nn = _nn()
    root_name = "model" if nn is not None and isinstance(obj, nn.Module) else "obj"
    encoder = _Encoder()
    root = encoder.encode(obj, root_name)  # everything is checked before the disk is touched
    manifest = json.dumps({"format": FORMAT, "version": VERSION, "root": root},
                          allow_nan=False).encode()
    if hasattr(f, "write"):
        buffer = io.BytesIO()
        _write_archive(buffer, manifest, encoder.arrays)
        f.write(buffer.getvalue())
        return
    path = os.path.abspath(os.fspath(f))
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # the permissions a plain open() would have given
        with os.fdopen(fd, "wb") as fh:
            _write_archive(fh, manifest, encoder.arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _write_archive(fh, manifest, arrays):
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr(MANIFEST, manifest)
        for name, arr in arrays:
            with archive.open(name, "w", force_zip64=arr.nbytes > 2 ** 30) as entry:
                np.save(entry, arr, allow_pickle=False)


# -- loading -------------------------------------------------------------------------------
def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **kwargs):
    """Like torch's load: read what ``save`` wrote, from a path or a binary file object.

    No code from the file is ever run.  Everything comes back on the CPU (``map_location``
    may name 'cpu').  A whole model needs its class defined or imported first; with
    ``weights_only=True`` (as in torch) whole models are refused and only tensors,
    numbers, strings and containers are loaded."""
    if isinstance(map_location, (str, device)):
        check_device(map_location)
    if pickle_module is not None:
        raise ValueError("tinygrad_edu.load never unpickles, so pickle_module cannot be used")
    if hasattr(f, "read"):
        data = f.read()
    else:
        with open(os.fspath(f), "rb") as fh:
            data = fh.read()
    archive = _open_archive(data)
    with archive:
        raw = _read_entry(archive, MANIFEST)
        try:
            manifest = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, RecursionError) as e:
            raise LoadError(f"the file's manifest is damaged ({e}); the file may be corrupted"
                            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise LoadError("the archive has a manifest.json but it is not a tinygrad_edu "
                            "save file")
        if manifest.get("version") != VERSION:
            raise LoadError(f"the file uses format version {manifest.get('version')!r}; this "
                            f"tinygrad_edu reads version {VERSION}: upgrade tinygrad_edu")
        decoder = _Decoder(archive, weights_only is True)
        try:
            return decoder.decode(manifest["root"])
        except LoadError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError,
                zipfile.BadZipFile, EOFError, OSError) as e:
            raise LoadError(f"the file is damaged or was not written by tinygrad_edu.save "
                            f"({type(e).__name__}: {e})") from None


def _reject_constant(name):
    raise ValueError(f"invalid JSON constant {name}")


class _Decoder:
    def __init__(self, archive, weights_only):
        self.archive, self.weights_only = archive, weights_only
        self.objects = {}  # node id -> tensor or module
        self.arrays = {}   # entry name -> ndarray (one array, however many tensors use it)

    def _array(self, name):
        if name not in self.arrays:
            if not isinstance(name, str):
                raise LoadError(f"the manifest is malformed (an array name {name!r})")
            arr = _read_npy(name, _read_entry(self.archive, name))
            try:
                dtypes.from_numpy_dtype(arr.dtype)  # only dtypes a tensor can hold
            except TypeError as e:
                raise LoadError(f"the array {name!r} has an unsupported type ({e})") from None
            self.arrays[name] = arr
        return self.arrays[name]

    def decode(self, node):
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            raise LoadError("the manifest is malformed (a bare list where a node belongs)")
        kind = node["kind"]
        if kind == "float":
            if node["value"] not in ("nan", "inf", "-inf"):
                raise LoadError(f"invalid float value {node['value']!r}")
            return float(node["value"])
        if kind == "ref":
            return self.objects[node["id"]]
        if kind == "tensor":
            return self._tensor(node)
        if kind == "module":
            return self._module(node)
        if kind in ("ndarray", "numpy_scalar"):
            arr = self._array(node["array"])
            return arr[()] if kind == "numpy_scalar" else arr
        if kind == "dtype":
            return dtypes._NAMES[node["name"]]
        if kind == "device":
            return device(node["name"])
        if kind == "bytes":
            return bytes.fromhex(node["hex"])
        if kind in ("dict", "ordered_dict"):
            cls = OrderedDict if kind == "ordered_dict" else dict
            return cls((self.decode(k), self.decode(v)) for k, v in node["items"])
        if kind in ("list", "tuple", "set", "size"):
            cls = {"list": list, "tuple": tuple, "set": set, "size": Size}[kind]
            return cls(self.decode(v) for v in node["items"])
        raise LoadError(f"the manifest names an unknown kind of object: {kind!r}")

    def _tensor(self, node):
        arr = self._array(node["array"])
        requires_grad = node["requires_grad"] is True
        if requires_grad and arr.dtype.kind != "f":
            raise LoadError("the file asks for gradients on an integer tensor")
        if node.get("parameter"):
            nn = _nn()
            if nn is None:
                raise LoadError("the file holds nn.Parameters but tinygrad_edu.nn is missing")
            t = nn.Parameter(Tensor._make(arr, False, None), requires_grad)
        else:
            t = Tensor._make(arr, requires_grad, None)
        self.objects[node["id"]] = t
        return t

    def _module(self, node):
        where = node["class"]
        module_name, qualname = str(where["module"]), str(where["qualname"])
        if self.weights_only:
            raise LoadError(f"weights_only=True refuses whole models (the file holds a "
                            f"{qualname}); load with weights_only=False, or save "
                            f"model.state_dict() instead")
        nn = _nn()
        cls = _find_class(module_name, qualname)
        if cls is None:
            raise LoadError(
                f"the file holds a model of class {qualname} from module '{module_name}', and "
                f"that class is not available here. Define the class {qualname} (or import it: "
                f"from {module_name} import {qualname.split('.')[0]}) before calling load; "
                f"tinygrad_edu never imports modules named by a file. Or save "
                f"model.state_dict() and load it into a model you build yourself.")
        if nn is None or not (isinstance(cls, type) and issubclass(cls, nn.Module)):
            raise LoadError(f"{module_name}.{qualname} is not an nn.Module class, so the file "
                            f"cannot ask to build it")
        module = object.__new__(cls)  # no constructor, no code of the class runs
        self.objects[node["id"]] = module
        attributes = node["attributes"]
        if not isinstance(attributes, dict):
            raise LoadError("the manifest is malformed (module attributes)")
        vars(module).update({str(k): self.decode(v) for k, v in attributes.items()})
        return module
