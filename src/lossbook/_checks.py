"""Input checks shared by the losses and metrics.

Every check returns a clean NumPy array (never the caller's array modified) or
raises a ``ValueError`` that says what the learner should fix.
"""
from __future__ import annotations

import numpy as np


def as_predictions(y_pred, *, from_logits: bool = False) -> np.ndarray:
    """Return ``y_pred`` as a 2-D float array of shape ``(n_samples, n_classes)``.

    Probabilities must lie in [0, 1]; logits (``from_logits=True``) must be finite.
    float32 stays float32 (as in nnfs); integers and booleans become float64.
    """
    y_pred = as_batch(y_pred)
    if y_pred.dtype.kind != "f" or y_pred.dtype.itemsize > 8:
        y_pred = y_pred.astype(np.float64)  # ints, booleans and long double compute in float64
    elif not y_pred.dtype.isnative:
        y_pred = y_pred.astype(y_pred.dtype.newbyteorder("="))  # big-endian: same values, native bytes
    if from_logits:
        if not np.isfinite(y_pred).all():
            raise ValueError("logits contain NaN or infinity; every logit must be a finite number.")
    elif not _all_in_unit_interval(y_pred):
        lowest, highest = y_pred.min(), y_pred.max()
        if not (lowest >= 0 and highest <= 1):  # also catches NaN
            raise ValueError(
                "predictions must be probabilities in [0, 1] with no NaN; "
                f"got values from {lowest} to {highest}. If these are logits (raw scores), "
                "apply softmax first, or use CategoricalCrossentropy(from_logits=True)."
            )
    return y_pred


def as_batch(y_pred) -> np.ndarray:
    """Return ``y_pred`` as a numeric array of shape ``(n_samples, n_classes)``, both non-zero."""
    y_pred = _numeric(y_pred, "predictions")
    if y_pred.ndim != 2:
        raise ValueError(
            f"predictions must be 2-D, shape (n_samples, n_classes); got shape {y_pred.shape}. "
            "For a single sample, wrap it in a batch: np.array([[0.7, 0.1, 0.2]])."
        )
    if y_pred.shape[0] == 0:
        raise ValueError("predictions hold no samples: the batch is empty; pass a non-empty batch.")
    if y_pred.shape[1] == 0:
        raise ValueError("predictions have no classes: each row needs one value per class.")
    return y_pred


def as_targets(y_true, n_samples: int, n_classes: int) -> np.ndarray:
    """Return ``y_true`` checked: sparse int labels ``(n,)`` or float targets ``(n, n_classes)``."""
    y_true = _numeric(y_true, "targets")
    if y_true.ndim == 1:
        return _sparse_labels(y_true, n_samples, n_classes)
    if y_true.ndim == 2:
        return _dense_targets(y_true, n_samples, n_classes)
    raise ValueError(
        f"targets must be class indices, shape (n_samples,), or one-hot rows, shape "
        f"(n_samples, n_classes); got {y_true.ndim} dimensions, shape {y_true.shape}."
    )


def as_epsilon(epsilon) -> float:
    """Return ``epsilon`` as a float in (0, 0.5), or raise a ValueError that says why not."""
    if isinstance(epsilon, (bool, np.bool_)) or not isinstance(epsilon, (int, float, np.integer, np.floating)):
        raise ValueError(f"epsilon must be one small positive number, like 1e-7; got {epsilon!r} "
                         f"({type(epsilon).__name__}).")
    if not 0 < epsilon < 0.5:
        raise ValueError(f"epsilon must be a small positive number below 0.5, like 1e-7; got {epsilon}.")
    return float(epsilon)


def epsilon_in(dtype: np.dtype, epsilon: float):
    """``epsilon`` in the predictions' float dtype; a ValueError if it rounds to 0 there."""
    small = dtype.type(epsilon)
    if small == 0:
        raise ValueError(f"epsilon={epsilon} is 0 in {dtype} (too small for that precision), so a "
                         f"confidence of 0 would give an infinite loss; use a larger epsilon such as "
                         f"{np.finfo(dtype).eps:.0e}, or float64 predictions.")
    return small


def no_nan(y_pred: np.ndarray) -> np.ndarray:
    """Raise a ValueError if float scores contain NaN (argmax would pick the NaN)."""
    if y_pred.dtype.kind == "f" and np.isnan(y_pred).any():
        raise ValueError("predictions contain NaN, so no class can be called the highest; "
                         "find where the NaN comes from (often log(0) or 0/0) and fix it first.")
    return y_pred


def _all_in_unit_interval(values: np.ndarray) -> bool:
    """True if every float is in [0, 1] and none is NaN, in one pass over memory.

    Needs native byte order (``as_predictions`` converts big-endian input first).

    For non-negative IEEE floats the bit pattern, read as an unsigned integer, grows
    with the value; negatives (sign bit set), infinities and NaN all read as larger
    than the pattern of 1.0. So one ``max`` over the bits replaces ``min`` + ``max``.
    (-0.0 also reads as larger: callers fall back to the exact check.)
    """
    as_bits = values.view(f"u{values.itemsize}")
    return as_bits.max() <= np.array(1, dtype=values.dtype).view(as_bits.dtype)


def _numeric(values, name: str) -> np.ndarray:
    if isinstance(values, np.ma.MaskedArray):
        raise ValueError(f"{name} are a masked array; the loss cannot skip masked entries. Drop the "
                         "masked samples first (keep = ~y.mask.any(axis=-1)) or fill them: y.filled(value).")
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numbers; got an array of dtype {array.dtype}.")
    return array


def _sparse_labels(labels: np.ndarray, n_samples: int, n_classes: int) -> np.ndarray:
    if labels.shape[0] != n_samples:
        raise ValueError(
            f"got {n_samples} predictions but {labels.shape[0]} labels; "
            "there must be one label per sample."
        )
    if labels.dtype.kind == "b":
        raise ValueError(
            "sparse labels are booleans (True/False), not class indices. If True means class 1, "
            "pass labels.astype(int); for one-hot targets pass a 2-D array (n_samples, n_classes)."
        )
    if labels.dtype.kind == "f":
        if not np.array_equal(labels, np.floor(labels)):
            raise ValueError(
                "sparse labels must be whole class indices like 0, 1, 2; got fractional values. "
                "For probabilities per class, pass 2-D targets of shape (n_samples, n_classes)."
            )
    lowest, highest = labels.min(), labels.max()
    if lowest < 0 or highest >= n_classes:
        raise ValueError(
            f"labels must be class indices from 0 to {n_classes - 1} (there are {n_classes} classes); "
            f"got values from {lowest} to {highest}."
        )
    return labels.astype(np.intp, copy=False)


def _dense_targets(targets: np.ndarray, n_samples: int, n_classes: int) -> np.ndarray:
    if targets.shape != (n_samples, n_classes):
        hint = ""
        if targets.shape == (n_samples, 1):
            hint = " If these are class indices, flatten them first: y.ravel()."
        raise ValueError(
            f"one-hot targets must have the predictions' shape {(n_samples, n_classes)}; "
            f"got {targets.shape}.{hint}"
        )
    if not np.isfinite(targets).all() or targets.min() < 0:
        raise ValueError("one-hot or soft targets must be finite and non-negative (each row a distribution).")
    return targets
