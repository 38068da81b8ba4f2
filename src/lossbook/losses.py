"""Cross-entropy losses, the nnfs way: a ``Loss`` base class and its subclasses.

``CategoricalCrossentropy`` is defined in chapter 6 (the Loss class), ``from_logits``
in chapter 8; ``BinaryCrossentropy`` in chapter 10 (binary and multi-label).
"""
from __future__ import annotations

import numpy as np

from ._checks import _all_in_unit_interval, _numeric, as_epsilon, as_predictions, as_targets, epsilon_in


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


class BinaryCrossentropy(Loss):
    """Binary cross-entropy: one yes/no question per label, ``-[y log p + (1 - y) log(1 - p)]``.

    ``y_pred``: the probability of "yes", shape ``(n_samples,)`` for one label per
    sample or ``(n_samples, n_labels)`` for multi-label (one sigmoid per label); raw
    scores (logits) with ``from_logits=True``. ``y_true``: the same shape, 0/1 labels
    (booleans too) or soft targets in [0, 1].

    ``forward`` gives one loss per sample, shape ``(n_samples,)``: with several labels
    the per-label losses are averaged over the labels, as Keras does. Probabilities
    are clipped to ``[epsilon, 1 - epsilon]`` (Keras's convention); logits use the
    stable form ``max(z, 0) - z*y + log(1 + exp(-|z|))``, exact for logits like ±1000.

    >>> loss = BinaryCrossentropy()
    >>> loss.forward([0.9, 0.2], [1, 0])               # one label per sample
    array([0.10536052, 0.22314355])
    >>> loss.forward([[0.9, 0.2, 0.6]], [[1, 0, 1]])   # one sample, three labels
    array([0.27977656])
    >>> BinaryCrossentropy(from_logits=True).forward([1000.0, -1000.0], [0, 1])
    array([1000., 1000.])
    """

    def __init__(self, epsilon: float = 1e-7, from_logits: bool = False):
        self.epsilon = as_epsilon(epsilon)
        self.from_logits = from_logits

    def forward(self, y_pred, y_true) -> np.ndarray:
        """Per-sample losses, shape ``(n_samples,)``, in the predictions' float dtype."""
        y_pred = _binary_predictions(y_pred, self.from_logits)
        y_true = _binary_targets(y_true, y_pred)
        if self.from_logits:
            return _mean_over_labels(_binary_from_logits, y_pred, y_true)
        epsilon = epsilon_in(y_pred.dtype, self.epsilon)
        return _mean_over_labels(lambda p, y: _binary_from_probabilities(p, y, epsilon), y_pred, y_true)


_BLOCK = 2**15  # values worked on at a time: a block and its temporaries stay in the CPU cache


def _mean_over_labels(per_label, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    """``per_label(p, y)`` averaged over each sample's labels: shape ``(n_samples,)``.

    One label per sample is a column of its own. The rows go through in blocks of
    about ``_BLOCK`` values, so that each block's temporaries stay in the CPU cache
    (on 1e6 x 10 float32 that is 3x faster than whole-array temporaries), and the
    mean over labels is a matrix product with ``[1/L, ..., 1/L]`` (NumPy's mean
    along a short axis is about 8x slower).
    """
    p, y = y_pred.reshape(len(y_pred), -1), y_true.reshape(len(y_true), -1)
    weights = np.full(p.shape[1], 1 / p.shape[1], dtype=p.dtype)
    losses = np.empty(len(p), dtype=p.dtype)
    rows = max(1, _BLOCK // p.shape[1])
    for start in range(0, len(p), rows):  # blocks of rows, each one vectorised
        block = slice(start, start + rows)
        losses[block] = per_label(p[block], y[block]) @ weights
    return losses


def _binary_from_probabilities(p: np.ndarray, y: np.ndarray, epsilon) -> np.ndarray:
    """``-[y log p + (1 - y) log(1 - p)]`` per label, ``p`` clipped to ``[epsilon, 1 - epsilon]``."""
    clipped = np.clip(p, epsilon, 1 - epsilon)  # a new array: the caller's stays as it was
    log_yes = np.log(clipped)
    log_no = np.log1p(np.negative(clipped, out=clipped), out=clipped)  # log(1 - p), exact for small p
    log_yes *= y
    log_no *= 1 - y
    log_yes += log_no
    return np.negative(log_yes, out=log_yes)


def _binary_from_logits(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``-[y log σ(z) + (1 - y) log(1 - σ(z))]`` per label, as ``max(z, 0) - z*y + log(1 + e^-|z|)``.

    No ``exp`` ever sees a positive number, so logits like ±1000 give their exact loss
    (0 or 1000) instead of ``inf`` or NaN. ``max(z, 0) - z*y`` comes first: for 0/1
    labels it is exactly 0 or ``|z|``, so adding the small ``log1p`` term last keeps
    tiny losses such as 4.2e-18 at ``z = 40, y = 1``.
    """
    loss = np.maximum(z, 0)
    loss -= z * y
    tail = np.abs(z)
    np.negative(tail, out=tail)
    np.exp(tail, out=tail)
    loss += np.log1p(tail, out=tail)  # log(1 + e^-|z|), between 0 and log 2
    return loss


def _binary_predictions(y_pred, from_logits: bool) -> np.ndarray:
    """``y_pred`` as a float array of shape ``(n,)`` or ``(n, n_labels)``, checked."""
    y_pred = _numeric(y_pred, "predictions")
    if y_pred.ndim not in (1, 2):
        raise ValueError(
            f"binary predictions must have shape (n_samples,) for one label per sample or "
            f"(n_samples, n_labels) for several; got shape {y_pred.shape}."
            + (" For a single prediction, wrap it in a batch: np.array([0.8])." if y_pred.ndim == 0 else ""))
    if y_pred.size == 0:
        raise ValueError(f"predictions of shape {y_pred.shape} hold no values; pass at least one sample "
                         "with at least one label.")
    if y_pred.dtype.kind != "f" or y_pred.dtype.itemsize > 8:
        y_pred = y_pred.astype(np.float64)  # ints, booleans and long double compute in float64
    elif not y_pred.dtype.isnative:
        y_pred = y_pred.astype(y_pred.dtype.newbyteorder("="))
    if from_logits:
        if not (np.isfinite(y_pred.min()) and np.isfinite(y_pred.max())):  # NaN shows in both
            raise ValueError("logits contain NaN or infinity; every logit must be a finite number.")
    elif not _in_unit_interval(y_pred):
        raise ValueError(
            "predictions must be probabilities in [0, 1] with no NaN; "
            f"got values from {y_pred.min()} to {y_pred.max()}. If these are logits (raw scores), "
            "use BinaryCrossentropy(from_logits=True), or apply a sigmoid first.")
    return y_pred


def _binary_targets(y_true, y_pred: np.ndarray) -> np.ndarray:
    """``y_true`` with ``y_pred``'s shape and dtype: 0/1 labels or soft targets in [0, 1]."""
    y_true = _numeric(y_true, "targets")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"binary targets must have the predictions' shape {y_pred.shape}, one 0/1 target per "
            f"prediction; got {y_true.shape}.{_shape_hint(y_true.shape, y_pred.shape)}")
    y_true = y_true.astype(y_pred.dtype, copy=False)  # native byte order, like y_pred
    if not _in_unit_interval(y_true):
        raise ValueError(
            f"binary targets must be 0 or 1 (or soft targets between them); got values from "
            f"{y_true.min()} to {y_true.max()}. Class indices like 2 belong to CategoricalCrossentropy; "
            "for several yes/no labels, pass one 0/1 column per label.")
    return y_true


def _in_unit_interval(values: np.ndarray) -> bool:
    """True if every float is in [0, 1] and none is NaN (one fast pass, an exact check if not)."""
    return bool(_all_in_unit_interval(values) or values.min() >= 0 and values.max() <= 1)


def _shape_hint(targets: tuple, predictions: tuple) -> str:
    """What to do about the commonest shape mix-ups."""
    if len(targets) == 1 and predictions == (targets[0], 1) or len(predictions) == 1 and targets == (
            predictions[0], 1):
        return (" One of them is a column (n, 1): make both the same shape, e.g. "
                "y_true.reshape(y_pred.shape). (In plain NumPy, (n, 1) and (n,) broadcast to an "
                "(n, n) table, and the mean comes out silently wrong.)")
    if len(predictions) == 2 and predictions[1] == 2 and targets == predictions[:1]:
        return (" Two columns and one label per sample look like a two-class softmax: use "
                "CategoricalCrossentropy, or pass the probability of class 1 alone, y_pred[:, 1].")
    return ""
