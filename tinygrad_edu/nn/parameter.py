"""nn.Parameter: the tensors a Module learns."""
from ..tensor import Tensor


class Parameter(Tensor):
    """torch.nn.Parameter(data, requires_grad=True): a leaf tensor that requires grad and
    that a Module registers as soon as it is assigned to one of its attributes
    (``self.w = nn.Parameter(torch.randn(3))``), so that ``parameters()``, the optimizer and
    ``state_dict()`` find it. It shares its numbers with ``data`` (no copy)."""
    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            data = Tensor(0)  # torch's empty parameter: tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"nn.Parameter wraps a tensor, e.g. nn.Parameter(torch.randn(3, 5))"
                            f"; got {type(data).__name__}")
        self._data, self._requires_grad, self.grad, self.grad_fn = data._data, False, None, None
        self._version, self._older, self._hooks = 0, None, None
        self.requires_grad = requires_grad  # refuses integer dtypes, as torch does

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = Parameter(Tensor._make(self._data.copy(), False, None), self._requires_grad)
        if self.grad is not None:
            result.grad = Tensor._make(self.grad._data.copy(), False, None)
        memo[id(self)] = result
        return result
