"""Classification accuracy (chapter 6)."""
from __future__ import annotations

import numpy as np

from ._checks import as_targets


def accuracy(y_pred, y_true) -> float:
    """Fraction of samples whose highest-confidence class is the target class.

    ``y_pred``: shape ``(n_samples, n_classes)``; ``y_true``: class indices ``(n,)``
    or one-hot rows ``(n, n_classes)``.

    >>> accuracy([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]], [0, 1, 1])
    0.6666666666666666
    """
    y_pred = np.asarray(y_pred)
    if y_pred.dtype.kind not in "biuf":
        raise ValueError(f"predictions must be numbers; got an array of dtype {y_pred.dtype}.")
    if y_pred.ndim != 2 or 0 in y_pred.shape:
        raise ValueError(
            f"predictions must be a non-empty 2-D array (n_samples, n_classes); got shape {y_pred.shape}."
        )
    y_true = as_targets(y_true, *y_pred.shape)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    return float(np.mean(np.argmax(y_pred, axis=1) == y_true))
