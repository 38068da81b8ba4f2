"""Calibration: do a model's confidences match how often it is right? (chapter 11)

- ``reliability_bins``: cut the confidences into equal-width bins; per bin, how many
  samples fell in, their mean confidence and the fraction of them classified right
  (the bars of a reliability diagram).
- ``expected_calibration_error``: the bins' gaps ``|accuracy - confidence|``,
  averaged with the bins' sizes as weights.
- ``fit_temperature``: the one number ``T`` that, dividing every logit, gives the
  lowest mean negative log-likelihood (temperature scaling, Guo et al. 2017).
  Dividing by ``T > 0`` never changes which class is highest: accuracy stays.

The confidence of a sample is its highest probability, and it counts as right when
that class is the target (top-label calibration, as Guo et al. measure it).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_predictions, as_targets

T_LIMITS = (1e-6, 1e6)  # the temperatures fit_temperature searches between


class ReliabilityBins(NamedTuple):
    """Equal-width confidence bins; ``n_bins`` values in each array but ``edges``.

    ``edges``: shape ``(n_bins + 1,)``, from 0 to 1; bin ``m`` holds the confidences
    in ``(edges[m], edges[m + 1]]`` (the first bin also holds 0). ``counts``: samples
    per bin. ``confidence`` and ``accuracy``: their mean confidence and the fraction
    classified right, NaN for an empty bin.
    """

    edges: np.ndarray
    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray


def reliability_bins(probabilities, labels, n_bins: int = 10) -> ReliabilityBins:
    """Bin each sample's confidence; per bin, its mean confidence and its accuracy.

    ``probabilities``: shape ``(n_samples, n_classes)``, each row a softmax output.
    ``labels``: class indices ``(n_samples,)`` or one-hot rows. A calibrated model's
    bins have ``accuracy ≈ confidence``: of the samples it gives 0.8, 80 % are right.
    The same bins as scikit-learn's ``calibration_curve(correct, confidence,
    n_bins=n_bins)``, which leaves the empty ones out.

    >>> bins = reliability_bins([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]],
    ...                         [0, 1, 1, 0], n_bins=5)
    >>> bins.counts
    array([0, 0, 1, 2, 1])
    >>> bins.confidence
    array([ nan,  nan, 0.6 , 0.75, 0.9 ])
    >>> bins.accuracy
    array([nan, nan, 1. , 0.5, 1. ])
    """
    probabilities = as_predictions(probabilities)
    n_bins = _as_n_bins(n_bins)
    confidence, correct = _confidence_and_correct(probabilities, labels)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.searchsorted(edges[1:-1], confidence)  # side="left": a bin (a, b] holds b
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore"):  # 0 / 0 in an empty bin: NaN, as documented
        mean_confidence = np.bincount(which, weights=confidence, minlength=n_bins) / counts
        accuracy = np.bincount(which, weights=correct, minlength=n_bins) / counts
    return ReliabilityBins(edges, counts, mean_confidence, accuracy)


def expected_calibration_error(probabilities, labels, n_bins: int = 10) -> float:
    """ECE: ``sum_m (n_m / n) * |accuracy_m - confidence_m|`` over the bins of
    :func:`reliability_bins`; 0 for a perfectly calibrated model, at most 1.

    >>> expected_calibration_error([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]],
    ...                            [0, 1, 1, 0], n_bins=5)  # (0.4 + 2 * 0.25 + 0.1) / 4
    0.25
    """
    bins = reliability_bins(probabilities, labels, n_bins)
    filled = bins.counts > 0
    gaps = np.abs(bins.accuracy[filled] - bins.confidence[filled])
    return float(np.sum(bins.counts[filled] * gaps) / np.sum(bins.counts))


def fit_temperature(logits, labels) -> float:
    """The temperature ``T`` with the lowest mean NLL of ``softmax(logits / T)``.

    ``logits``: shape ``(n_samples, n_classes)``, e.g. a model's outputs on its
    validation set; ``labels``: class indices ``(n_samples,)`` or one-hot (or soft)
    rows. ``T > 1`` softens overconfident predictions, ``T < 1`` sharpens them.

    The loss is convex in ``1 / T``, so its slope there rises monotonically; the slope
    is found by bisection (deterministic, each step one vectorised pass over the
    logits). A ValueError when no finite ``T`` is best: every sample already right (the
    loss keeps falling as ``T`` shrinks), or logits worse than a uniform guess.

    Three samples alike, two of class 0: the best confidence in class 0 is 2/3,
    ``sigmoid(1 / T) = 2/3``, so ``T = 1 / ln 2``:

    >>> round(fit_temperature([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], [0, 0, 1]), 6)
    1.442695
    """
    logits = as_predictions(logits, from_logits=True).astype(np.float64)
    targets = as_targets(labels, *logits.shape)
    if targets.ndim == 1:
        targets = np.eye(logits.shape[1])[targets]
    target_logit = np.sum(targets * logits, axis=1)  # sum_j y_ij z_ij
    row_sums = targets.sum(axis=1)

    def slope(beta: float) -> float:
        """d(mean NLL)/d(beta) at beta = 1 / T: mean of s_i E_softmax[z_i] - sum_j y_ij z_ij."""
        scaled = beta * logits
        p = np.exp(scaled - scaled.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        return float(np.mean(row_sums * np.sum(p * logits, axis=1) - target_logit))

    at_zero = np.mean(row_sums * logits.mean(axis=1) - target_logit)  # the slope at T = infinity
    at_infinity = np.mean(row_sums * logits.max(axis=1) - target_logit)  # and as T goes to 0
    if at_zero == at_infinity == 0:
        return 1.0  # every row's logits are equal: every T gives the same loss
    if at_infinity <= 0:
        raise ValueError("every sample's target already has the highest logit, so the loss keeps "
                         "falling as T shrinks towards 0 and no finite temperature is best. Fit T "
                         "on data the model sometimes gets wrong, such as a validation set.")
    if at_zero >= 0:
        raise ValueError("the loss is lowest for an infinite T (a uniform guess): these logits do "
                         "worse than guessing. Check that the logits and labels belong together.")
    low = high = 1.0  # bracket the slope's root in beta = 1 / T, within T_LIMITS
    while slope(high) < 0 and high < 1 / T_LIMITS[0]:
        low, high = high, high * 2
    while slope(low) > 0 and low > 1 / T_LIMITS[1]:
        low, high = low / 2, low
    if slope(high) < 0 or slope(low) > 0:
        raise ValueError(f"the best temperature lies outside {T_LIMITS[0]:g} to {T_LIMITS[1]:g}.")
    for _ in range(200):
        if high / low - 1 < 1e-13:
            break
        middle = np.sqrt(low * high)
        low, high = (middle, high) if slope(middle) < 0 else (low, middle)
    return float(1 / np.sqrt(low * high))


def _as_n_bins(n_bins) -> int:
    if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a whole number of bins, 1 or more (10 is usual); got {n_bins!r}.")
    return int(n_bins)


def _confidence_and_correct(probabilities: np.ndarray, labels) -> tuple[np.ndarray, np.ndarray]:
    """Each sample's highest probability (float64) and whether its class is the target."""
    targets = as_targets(labels, *probabilities.shape)
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    predicted = np.argmax(probabilities, axis=1)
    confidence = probabilities[np.arange(len(predicted)), predicted].astype(np.float64)
    return confidence, (predicted == targets).astype(np.float64)
