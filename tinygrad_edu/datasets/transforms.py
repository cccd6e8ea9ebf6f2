"""Image transforms, as in torchvision.transforms: ToTensor, Normalize, Compose, Lambda.

    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize(0.1307, 0.3081)])

Each transform works on one image, like torchvision's.  ToTensor, Normalize and a Compose of
them can also transform a whole batch of images at once (``_batch``), which the DataLoader
uses for ``datasets.MNIST``: the same numbers, without a Python call per image.
"""
import numpy as np

from ..tensor import Tensor


class Compose:
    """torchvision.transforms.Compose(transforms): apply each transform in turn."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def _batchable(self):
        return all(_is_batchable(t) for t in self.transforms)

    def _batch(self, images):
        for t in self.transforms:
            images = t._batch(images)
        return images

    def __repr__(self):
        return type(self).__name__ + "(" + "".join(f"\n    {t}" for t in self.transforms) + "\n)"


class ToTensor:
    """torchvision.transforms.ToTensor(): an image (H, W) or (H, W, C) -> a tensor (C, H, W).
    uint8 pixels 0..255 become float32 0..1 (divided by 255); other dtypes keep their values.
    Accepts NumPy arrays and PIL images."""

    def __call__(self, pic):
        arr = _as_image_array(pic)
        if arr.ndim == 2:
            arr = arr[:, :, None]
        if arr.ndim != 3:
            raise ValueError(f"pic should be 2 or 3 dimensional (H, W) or (H, W, C); got "
                             f"{arr.ndim} dimensions")
        return Tensor._make(_scale(np.ascontiguousarray(arr.transpose(2, 0, 1))), False, None)

    def _batch(self, images):  # (N, H, W) or (N, H, W, C) -> (N, C, H, W)
        arr = np.asarray(images)
        arr = arr[:, None] if arr.ndim == 3 else arr.transpose(0, 3, 1, 2)
        return Tensor._make(_scale(np.ascontiguousarray(arr)), False, None)

    def __repr__(self):
        return "ToTensor()"


def _as_image_array(pic):
    if isinstance(pic, Tensor):
        raise TypeError("pic should be a PIL Image or a NumPy array, not a tensor (it is "
                        "already one: leave ToTensor out)")
    arr = np.asarray(pic)
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8)
    return arr


def _scale(arr):
    if arr.dtype == np.uint8:
        return arr.astype(np.float32) / np.float32(255)
    return arr


class Normalize:
    """torchvision.transforms.Normalize(mean, std, inplace=False): per channel,
    ``(x - mean) / std`` on a float tensor (..., C, H, W). ``mean``/``std`` are one number
    per channel (a single number for grey images, e.g. MNIST's 0.1307 and 0.3081)."""

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"img should be Tensor Image. Got {type(tensor).__name__} (put "
                            f"ToTensor() before Normalize in Compose)")
        data = tensor._data
        if data.dtype.kind != "f":
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if data.ndim < 3:
            raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). "
                             f"Got tensor.size() = {tuple(data.shape)}")
        mean = np.asarray(self.mean, dtype=data.dtype)
        std = np.asarray(self.std, dtype=data.dtype)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, "
                             f"leading to division by zero.")
        if mean.ndim == 1:
            mean = mean.reshape(-1, 1, 1)
        if std.ndim == 1:
            std = std.reshape(-1, 1, 1)
        if self.inplace:
            data -= mean
            data /= std
            return tensor
        return Tensor._make((data - mean) / std, False, None)

    _batch = __call__  # (N, C, H, W) broadcasts the same way

    def __repr__(self):
        return f"{type(self).__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """torchvision.transforms.Lambda(lambd): your own function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f"{type(self).__name__}()"


def _is_batchable(transform):
    """Can this transform take a whole batch (the DataLoader's fast path)?"""
    if isinstance(transform, Compose):
        return transform._batchable()
    return type(transform) in (ToTensor, Normalize)
