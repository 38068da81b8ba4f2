"""Categorical cross-entropy, the nnfs way: a ``Loss`` base class and its subclass.

Defined in chapter 6 (the Loss class); ``from_logits`` in chapter 8.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_epsilon, as_predictions, as_targets, epsilon_in


class Loss:
    """Base class: ``calculate`` averages the per-sample losses from ``forward``."""

    def forward(self, y_pred, y_true) -> np.ndarray:
        """Return one loss per sample, shape ``(n_samples,)``."""
        raise NotImplementedError("a Loss subclass must define forward(y_pred, y_true)")

    def calculate(self, output, y) -> np.floating:
        """Mean loss over the batch, a NumPy scalar in the predictions' dtype.

        >>> CategoricalCrossentropy().calculate([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4]], [0, 1])
        np.float64(0.5249110622493...)
        """
        return np.mean(self.forward(output, y))


class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy ``L_i = -sum_j y_ij * log(yhat_ij)``.

    ``y_pred``: probabilities, shape ``(n_samples, n_classes)`` (or raw scores with
    ``from_logits=True``). ``y_true``: class indices, shape ``(n_samples,)``, or
    one-hot / soft targets, shape ``(n_samples, n_classes)``.

    Probabilities are clipped to ``[epsilon, 1 - epsilon]`` so that a confidence of
    0 gives a large finite loss (``-log(1e-7) ≈ 16.12``) instead of ``inf``.

    >>> loss = CategoricalCrossentropy()
    >>> loss.forward([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4]], [0, 1])
    array([0.35667494, 0.69314718])
    """

    def __init__(self, epsilon: float = 1e-7, from_logits: bool = False):
        self.epsilon = as_epsilon(epsilon)
        self.from_logits = from_logits

    def forward(self, y_pred, y_true) -> np.ndarray:
        """Per-sample losses, shape ``(n_samples,)``, in the predictions' float dtype."""
        y_pred = as_predictions(y_pred, from_logits=self.from_logits)
        n_samples, n_classes = y_pred.shape
        y_true = as_targets(y_true, n_samples, n_classes)
        if self.from_logits:
            return _from_logits(y_pred, y_true)
        epsilon = epsilon_in(y_pred.dtype, self.epsilon)
        if y_true.ndim == 1:
            # Pick each sample's correct confidence first: clip and log only those.
            # `correct` is a fresh array of our own, so working in place is safe.
            correct = _pick(y_pred, y_true)
            np.clip(correct, epsilon, 1 - epsilon, out=correct)
            np.log(correct, out=correct)
            return np.negative(correct, out=correct)
        clipped = np.clip(y_pred, epsilon, 1 - epsilon)
        return -np.sum(y_true * np.log(clipped), axis=1).astype(y_pred.dtype, copy=False)


def _pick(y_pred: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``y_pred[range(n), labels]``, done as one index into the flat array (much faster)."""
    n_samples, n_classes = y_pred.shape
    flat_index = np.arange(0, n_samples * n_classes, n_classes)  # where each row starts
    flat_index += labels  # in place: one index array, not two
    return y_pred.reshape(-1)[flat_index]


def _from_logits(logits: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    """Stable ``logsumexp(z) - z_k``: softmax and log fused, finite for logits like ±1000."""
    top = logits.max(axis=1, keepdims=True)
    log_sum_exp = np.log(np.sum(np.exp(logits - top), axis=1)) + top[:, 0]
    if y_true.ndim == 1:
        return log_sum_exp - _pick(logits, y_true)
    weights = y_true.sum(axis=1)
    return (log_sum_exp * weights - np.sum(y_true * logits, axis=1)).astype(logits.dtype, copy=False)
