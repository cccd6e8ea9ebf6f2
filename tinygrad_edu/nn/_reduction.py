"""The losses' ``reduction`` argument, and the older ``size_average`` / ``reduce`` pair that
the course still uses (``MSELoss(size_average=False)`` means ``reduction='sum'``)."""
import warnings

REDUCTIONS = ("mean", "sum", "none")


def legacy_get_string(size_average, reduce, emit_warning=True):
    """torch.nn._reduction.legacy_get_string: size_average and reduce -> reduction.
    reduce=False keeps one loss per sample ('none'); otherwise size_average picks mean/sum."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    result = "mean" if size_average and reduce else "sum" if reduce else "none"
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use "
                      f"reduction='{result}' instead.", UserWarning, stacklevel=3)
    return result


def get_reduction(size_average, reduce, reduction, emit_warning=True):
    """The reduction a loss should use, from either spelling; checks the value."""
    if size_average is not None or reduce is not None:
        return legacy_get_string(size_average, reduce, emit_warning)
    if reduction not in REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction (use 'mean', 'sum' or "
                         f"'none')")
    return reduction
