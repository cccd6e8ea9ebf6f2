"""Reading a save file's archive defensively: whatever the bytes are (another program's
file, a truncated download, a hostile file), the result is the data or a LoadError, and
nothing is allocated before the file is known to hold it (serialization.py's format)."""
import io
import math
import warnings
import zipfile

import numpy as np

MANIFEST = "manifest.json"
_ZIP_ENCRYPTED, _ZIP_UNSUPPORTED = 0x1, 0x20 | 0x40  # ZIP flag bits: encrypted; patched
#                                                      data, strong encryption


class LoadError(RuntimeError):
    """The file cannot be loaded (not our format, damaged, or names something unavailable).
    Nothing from the file was executed."""


def open_archive(data):
    """Open ``data`` as our ZIP archive, or explain what the file seems to be instead."""
    if not data:
        raise LoadError("the file is empty (was the save interrupted?)")
    if data[:1] == b"\x80":
        raise LoadError("this file is a Python pickle (written by pickle.dump, or by an old "
                        "torch.save). tinygrad_edu.load never unpickles, because loading a "
                        "pickle can run any code the file contains. Load it with real PyTorch "
                        "if you trust it, and save the state_dict's tensors as NumPy arrays.")
    if data[:2] != b"PK":
        raise LoadError("this is not a tinygrad_edu save file (it is not a ZIP archive): it "
                        "was written by another program, or it is damaged")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except NotImplementedError as e:  # "zip file version 9.9": a ZIP feature we never write
        raise LoadError(f"this archive needs a ZIP feature that tinygrad_edu.save never uses "
                        f"({e}): it was made by another program, or it is damaged") from None
    except Exception as e:  # noqa: BLE001 (only bytes are parsed here: any failure = damage)
        raise LoadError(f"the file is not a complete archive: it may be truncated (an "
                        f"interrupted save, copy or download) ({type(e).__name__}: {e})"
                        ) from None
    names = archive.namelist()
    if MANIFEST not in names:
        archive.close()
        if any(name.endswith("data.pkl") for name in names):
            raise LoadError("this file was written by real PyTorch's torch.save: it holds a "
                            "pickle, which tinygrad_edu.load never runs (a pickle can execute "
                            "any code). Load it with PyTorch if you trust it, and pass its "
                            "state_dict to model.load_state_dict() (it accepts torch tensors "
                            "and NumPy arrays).")
        raise LoadError("this ZIP archive is not a tinygrad_edu save file (no manifest.json)")
    for info in archive.infolist():
        if info.flag_bits & _ZIP_ENCRYPTED:
            archive.close()
            raise LoadError(f"the archive's entry {info.filename!r} is marked as encrypted, "
                            f"which tinygrad_edu.save never writes: it was made by another "
                            f"program, or it is damaged")
        if info.compress_type != zipfile.ZIP_STORED:
            archive.close()  # save never compresses: this refuses "zip bombs" too
            raise LoadError(f"this archive has compressed entries (method "
                            f"{info.compress_type}), which tinygrad_edu.save never writes: it "
                            f"was made by another program, or it is damaged")
        if info.flag_bits & _ZIP_UNSUPPORTED:
            archive.close()
            raise LoadError(f"the archive's entry {info.filename!r} uses a ZIP feature "
                            f"(patched data or strong encryption) that tinygrad_edu.save "
                            f"never writes: it was made by another program, or it is damaged")
    return archive


def read_entry(archive, name):
    """The bytes of one archive entry, or a LoadError: a missing entry, a bad checksum, an
    entry that runs past the end of the file, an encrypted or unsupported one."""
    try:
        return archive.read(name)
    except KeyError:
        raise LoadError(f"the file is damaged: the entry {name!r} is missing") from None
    except Exception as e:  # noqa: BLE001 (only bytes are parsed here: any failure = damage)
        raise LoadError(f"the file is damaged: its entry {name!r} cannot be read "
                        f"({type(e).__name__}: {e})") from None


def read_npy(name, raw):
    """The array stored in ``raw`` (the bytes of a .npy file), parsed without trusting it:
    only plain numeric dtypes, and the data must be exactly as long as the header's shape and
    dtype say, checked before anything is allocated (a 40-byte header can claim 10¹² elements;
    np.load would try to allocate them first)."""
    fh = io.BytesIO(raw)
    try:
        with warnings.catch_warnings():  # a header "written by Python 2" only warns
            warnings.simplefilter("ignore")
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
            else:
                raise ValueError(f".npy format version {version[0]}.{version[1]}, which "
                                 f"tinygrad_edu.save never writes")
    except Exception as e:  # noqa: BLE001 (ValueError, tokenize's TokenError, ...: damage)
        raise LoadError(f"the array {name!r} has a damaged header ({type(e).__name__}: {e})"
                        ) from None
    if dtype.kind not in "biuf" or dtype.fields is not None or dtype.shape != ():
        raise LoadError(f"the array {name!r} has an unsupported type ({dtype})")
    if any(n < 0 for n in shape):
        raise LoadError(f"the array {name!r} has an invalid shape {shape}")
    count = math.prod(shape)  # Python ints: no overflow
    declared, held = count * dtype.itemsize, len(raw) - fh.tell()
    if declared != held:
        raise LoadError(f"the array {name!r} is damaged: its header declares shape {shape} "
                        f"of {dtype} ({declared} bytes of data) but the file holds {held} "
                        f"bytes (a truncated or tampered file)")
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=fh.tell())
    if dtype.kind == "b":  # any nonzero byte is True, as NumPy reads it back
        flat = flat.view(np.uint8) != 0
    flat = flat.astype(dtype.newbyteorder("="))  # a writable copy, native byte order
    return flat.reshape(shape[::-1]).T if fortran else flat.reshape(shape)
