"""Categorical cross-entropy, the nnfs way: a ``Loss`` base class and its subclass.

Defined in chapter 6 (the Loss class); ``from_logits`` in chapter 8.

Class weights, ``ignore_index`` and the named reductions: chapter 11.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_epsilon, as_predictions, as_targets, epsilon_in

REDUCTIONS = ("sum_over_weights", "sum_over_batch_size", "sum")
"""How ``CategoricalCrossentropy.calculate`` turns the per-sample losses into one number."""


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

    **Class weights and ignored samples** (as PyTorch's ``cross_entropy``).
    ``weight``: one number per class, shape ``(n_classes,)``; each sample's loss is
    multiplied by the weight of its class (for one-hot or soft rows:
    ``-sum_j weight_j * y_ij * log(yhat_ij)``, and the sample's weight is
    ``sum_j weight_j * y_ij``). ``ignore_index``: a label value, such as PyTorch's
    default -100, whose samples count for nothing: loss 0, weight 0 (class-index
    targets only). ``reduction`` names what ``calculate`` divides the sum of the
    weighted losses by:

    - ``"sum_over_weights"`` (the default): the sum of the weights of the samples
      that are not ignored. PyTorch's ``reduction="mean"`` with ``weight=`` and
      class-index targets; Keras's ``"mean_with_sample_weight"``.
    - ``"sum_over_batch_size"``: the number of samples that are not ignored, N.
      Keras's default (``class_weight`` in ``fit``, ``sample_weight``), and
      PyTorch's ``"mean"`` for one-hot or soft targets.
    - ``"sum"``: nothing.

    Without weights and ignored samples the first two are the same mean.

    >>> weighted = CategoricalCrossentropy(weight=[1.0, 3.0])
    >>> weighted.forward([[0.5, 0.5], [0.5, 0.5]], [0, 1])  # log 2, times 1 and 3
    array([0.69314718, 2.07944154])
    >>> weighted.calculate([[0.5, 0.5], [0.5, 0.5]], [0, 1])  # (1 + 3) log 2 / (1 + 3)
    np.float64(0.6931471805599453)
    >>> CategoricalCrossentropy(weight=[1.0, 3.0], reduction="sum_over_batch_size").calculate(
    ...     [[0.5, 0.5], [0.5, 0.5]], [0, 1])  # (1 + 3) log 2 / 2
    np.float64(1.3862943611198906)
    >>> CategoricalCrossentropy(ignore_index=-100).forward([[0.5, 0.5], [0.9, 0.1]], [0, -100])
    array([0.69314718, 0.        ])
    """

    def __init__(self, epsilon: float = 1e-7, from_logits: bool = False, *, weight=None,
                 ignore_index: int | None = None, reduction: str = "sum_over_weights"):
        self.epsilon = as_epsilon(epsilon)
        self.from_logits = from_logits
        self.weight = _class_weights(weight)
        self.ignore_index = _ignore_index(ignore_index)
        if reduction not in REDUCTIONS:
            raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got "
                             f"{reduction!r}. 'sum_over_weights' divides by the sum of the samples' "
                             "weights (PyTorch's 'mean'), 'sum_over_batch_size' by their number "
                             "(Keras's default).")
        self.reduction = reduction

    def forward(self, y_pred, y_true) -> np.ndarray:
        """Per-sample losses, shape ``(n_samples,)``, in the predictions' float dtype.

        Each is multiplied by its sample's class weight (with ``weight``); an ignored
        sample's is 0. PyTorch calls these ``reduction="none"``.
        """
        return self._weighted(y_pred, y_true)[0]

    def calculate(self, output, y) -> np.floating:
        """The batch loss: the weighted losses summed, divided as ``reduction`` says.

        A NumPy scalar in the predictions' dtype; without weights and ignored
        samples, the mean of ``forward`` (as ``Loss.calculate``).
        """
        losses, weights, n_kept = self._weighted(output, y)
        if self.reduction == "sum":
            return np.sum(losses)
        if weights is None:  # no weights, nothing ignored: the plain mean
            return np.mean(losses)
        divisor = np.sum(weights) if self.reduction == "sum_over_weights" else losses.dtype.type(n_kept)
        if divisor == 0:
            why = ("every sample is ignored or has class weight 0, so the weights sum to 0"
                   if self.reduction == "sum_over_weights" else "every sample is ignored")
            raise ValueError(f"nothing to average: {why} (PyTorch returns nan here, Keras 0). "
                             "Check the labels and weights, or use reduction='sum'.")
        return np.sum(losses) / divisor

    def _weighted(self, y_pred, y_true) -> tuple[np.ndarray, np.ndarray | None, int]:
        """(weighted per-sample losses, each sample's weight or None when all are 1, the
        number of samples not ignored)."""
        y_pred = as_predictions(y_pred, from_logits=self.from_logits)
        n_samples, n_classes = y_pred.shape
        y_true, kept = _kept_targets(y_true, n_samples, n_classes, self.ignore_index)
        if self.weight is None and kept is None:
            return self._losses(y_pred, y_true), None, n_samples
        n_kept = n_samples if kept is None else int(np.count_nonzero(kept))
        if self.weight is None:
            weights = kept.astype(y_pred.dtype)  # 1 where kept, 0 where ignored
        else:
            if len(self.weight) != n_classes:
                raise ValueError(f"weight has {len(self.weight)} values but the predictions have "
                                 f"{n_classes} classes; give one weight per class.")
            class_weights = self.weight.astype(y_pred.dtype)
            if y_true.ndim == 2:  # rows: -sum_j w_j y_ij log(yhat_ij), weight sum_j w_j y_ij
                y_true = y_true * class_weights
                return self._losses(y_pred, y_true), y_true.sum(axis=1).astype(y_pred.dtype), n_samples
            weights = class_weights[y_true]  # fancy indexing: a fresh array of our own
            if kept is not None:
                weights[~kept] = 0
        return self._losses(y_pred, y_true) * weights, weights, n_kept

    def _losses(self, y_pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
        """Unweighted per-sample losses of checked predictions and targets."""
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


def _class_weights(weight) -> np.ndarray | None:
    """``weight`` as a float64 copy (one non-negative number per class), or None."""
    if weight is None:
        return None
    raw = np.asarray(weight)
    if raw.ndim != 1 or raw.size == 0 or raw.dtype.kind not in "iuf":
        raise ValueError(f"weight must be one number per class, a 1-D list like [1.0, 2.0, 5.0]; "
                         f"got {weight!r}.")
    weight = raw.astype(np.float64)  # a copy: the caller's array is never kept or changed
    if not np.isfinite(weight).all() or (weight < 0).any():
        raise ValueError(f"class weights must be finite and non-negative; got {weight}.")
    if not (weight > 0).any():
        raise ValueError("at least one class weight must be positive: with all weights 0 every "
                         "loss is 0 and there is nothing to average.")
    return weight


def _ignore_index(value) -> int | None:
    """``value`` as a Python int, or None; a ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"ignore_index must be one whole number, like PyTorch's default -100; "
                         f"got {value!r}.")
    return int(value)


def _kept_targets(y_true, n_samples: int, n_classes: int, ignore_index: int | None):
    """Checked targets, and which samples are not ignored (None: all of them).

    A label equal to ``ignore_index`` becomes class 0 in the returned (new) array, so
    that it can still pick from its row; its sample then gets weight 0.
    """
    if ignore_index is None:
        return as_targets(y_true, n_samples, n_classes), None
    labels = np.asanyarray(y_true)
    if labels.ndim == 2:
        raise ValueError("ignore_index needs class-index targets, shape (n_samples,); one-hot or "
                         "soft rows have no index to ignore. Pass class indices, or leave those "
                         "samples out.")
    if labels.ndim != 1 or labels.dtype.kind not in "iuf" or np.ma.isMaskedArray(labels):
        return as_targets(y_true, n_samples, n_classes), None  # raises: says what is wrong
    kept = labels != ignore_index
    return as_targets(np.where(kept, labels, 0), n_samples, n_classes), kept


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
