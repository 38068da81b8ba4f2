"""Classification accuracy (chapter 7)."""
from __future__ import annotations

import numpy as np

from ._checks import as_batch, as_targets, no_nan


def accuracy(y_pred, y_true) -> float:
    """Fraction of samples whose highest-confidence class is the target class.

    ``y_pred``: shape ``(n_samples, n_classes)``; ``y_true``: class indices ``(n,)``
    or one-hot rows ``(n, n_classes)``.

    >>> accuracy([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]], [0, 1, 1])
    0.6666666666666666
    """
    y_pred = no_nan(as_batch(y_pred))  # any scores will do: argmax needs no probabilities
    y_true = as_targets(y_true, *y_pred.shape)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    return float(np.mean(np.argmax(y_pred, axis=1) == y_true))
