"""Cross-entropy losses, the nnfs way: a ``Loss`` base class and its subclasses.

``CategoricalCrossentropy`` is defined in chapter 6 (the Loss class), ``from_logits``
in chapter 8; ``BinaryCrossentropy`` in chapter 10 (binary and multi-label); class
weights, ``ignore_index`` and the named reductions in chapter 11.
"""
from __future__ import annotations

import numpy as np

from ._checks import _all_in_unit_interval, _numeric, as_epsilon, as_predictions, as_targets, epsilon_in

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
