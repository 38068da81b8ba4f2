"""Class weights, ignore_index, the named reductions, and calibration, against references.

- ``CategoricalCrossentropy(weight=, ignore_index=, reduction=)`` against PyTorch's
  ``cross_entropy`` / ``nll_loss`` (every reduction), Keras (``sample_weight``,
  ``ignore_class``, ``class_weight`` as ``fit`` applies it) and scikit-learn's
  ``log_loss`` with ``sample_weight``, on seeded random batches in float32 and
  float64, logits up to ±1000 included.
- ``reliability_bins`` / ``expected_calibration_error`` against scikit-learn's
  ``calibration_curve`` and a plain loop; ``fit_temperature`` against SciPy's
  ``minimize_scalar`` on the same loss written independently.

Keras computes in float32 whatever it is given, so it is compared with a float32
tolerance. The frameworks are part of the test setup: without them these tests fail.
"""
from __future__ import annotations

import math
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scipy.optimize import minimize_scalar  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import log_loss  # noqa: E402

import lossbook as lb  # noqa: E402
from lossbook.calibration import ReliabilityBins  # noqa: E402

SEEDS = range(8)
IGNORE = -100  # PyTorch's default ignore_index


def batch(seed, dtype, ignored=True):
    """Logits (scale 1, 5, 40 or 1000: some huge), labels with some IGNORE, class weights."""
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 40)), int(rng.integers(2, 8))
    logits = rng.normal(scale=rng.choice([1.0, 5.0, 40.0, 1000.0]), size=(n, k))
    labels = rng.integers(0, k, size=n)
    if ignored:
        labels[rng.random(n) < 0.3] = IGNORE
        labels[0] = 0  # at least one sample counts
    weight = rng.uniform(0.2, 5.0, size=k)
    return logits.astype(dtype), labels, weight


def tolerance(dtype):
    return dict(rtol=1e-5, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-9)


def torch_loss(logits, labels, weight, reduction):
    return torch.nn.functional.cross_entropy(
        torch.from_numpy(logits), torch.from_numpy(labels),
        weight=torch.from_numpy(weight.astype(logits.dtype)), ignore_index=IGNORE,
        reduction=reduction).numpy()


# --- PyTorch ------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_torch_weight_and_ignore_index_every_reduction(seed, dtype):
    logits, labels, weight = batch(seed, dtype)
    ours = lb.CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=IGNORE)
    summed = lb.CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=IGNORE,
                                        reduction="sum")
    np.testing.assert_allclose(ours.forward(logits, labels), torch_loss(logits, labels, weight, "none"),
                               **tolerance(dtype))
    np.testing.assert_allclose(ours.calculate(logits, labels), torch_loss(logits, labels, weight, "mean"),
                               **tolerance(dtype))
    np.testing.assert_allclose(summed.calculate(logits, labels), torch_loss(logits, labels, weight, "sum"),
                               **tolerance(dtype))
    assert ours.forward(logits, labels).dtype == dtype and ours.calculate(logits, labels).dtype == dtype


@pytest.mark.parametrize("seed", SEEDS)
def test_torch_mean_divides_by_the_weights_not_by_n(seed):
    """The fact chapter 11 prints: PyTorch's weighted mean is sum(w_i l_i) / sum(w_i)."""
    logits, labels, weight = batch(seed, np.float64, ignored=False)
    per_sample = torch_loss(logits, labels, weight, "none")
    torch_mean = torch_loss(logits, labels, weight, "mean")
    np.testing.assert_allclose(torch_mean, per_sample.sum() / weight[labels].sum(), rtol=1e-12)
    by_n = lb.CategoricalCrossentropy(from_logits=True, weight=weight, reduction="sum_over_batch_size")
    np.testing.assert_allclose(by_n.calculate(logits, labels), per_sample.sum() / len(labels), rtol=1e-12)
    if not np.allclose(weight[labels], weight[labels][0]):  # unequal weights: the two differ
        assert not np.isclose(by_n.calculate(logits, labels), torch_mean, rtol=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_torch_probability_targets_mean_divides_by_n(seed, dtype):
    """With one-hot or soft target rows PyTorch's "mean" is sum / N: our sum_over_batch_size."""
    logits, labels, weight = batch(seed, dtype, ignored=False)
    rows = [np.eye(logits.shape[1], dtype=dtype)[labels],
            np.random.default_rng(seed).dirichlet(np.ones(logits.shape[1]), len(labels)).astype(dtype)]
    for targets in rows:
        theirs = {reduction: torch.nn.functional.cross_entropy(
            torch.from_numpy(logits), torch.from_numpy(targets),
            weight=torch.from_numpy(weight.astype(dtype)), reduction=reduction).numpy()
            for reduction in ("none", "mean", "sum")}
        for reduction, ours in (("none", "forward"), ("mean", "sum_over_batch_size"), ("sum", "sum")):
            loss = lb.CategoricalCrossentropy(from_logits=True, weight=weight,
                                              reduction="sum" if ours == "forward" else ours)
            value = loss.forward(logits, targets) if ours == "forward" else loss.calculate(logits, targets)
            np.testing.assert_allclose(value, theirs[reduction], **tolerance(dtype))
    # and for one-hot rows, our default still divides by the weights, like class indices
    one_hot = rows[0]
    np.testing.assert_allclose(lb.CategoricalCrossentropy(from_logits=True, weight=weight).calculate(logits, one_hot),
                               torch_loss(logits, labels, weight, "mean"), **tolerance(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_torch_nll_loss_on_probabilities(seed, dtype):
    """From probabilities: PyTorch's nll_loss on the log of our clipped probabilities."""
    logits, labels, weight = batch(seed, dtype)
    probs = lb.Softmax().forward(logits.astype(np.float64)).astype(dtype)
    log_p = torch.log(torch.from_numpy(np.clip(probs, dtype(1e-7), dtype(1 - 1e-7))))
    w = torch.from_numpy(weight.astype(dtype))
    for reduction, ours in (("none", None), ("mean", "sum_over_weights"), ("sum", "sum")):
        theirs = torch.nn.functional.nll_loss(log_p, torch.from_numpy(labels), weight=w,
                                              ignore_index=IGNORE, reduction=reduction).numpy()
        loss = lb.CategoricalCrossentropy(weight=weight, ignore_index=IGNORE, reduction=ours or "sum")
        value = loss.forward(probs, labels) if ours is None else loss.calculate(probs, labels)
        np.testing.assert_allclose(value, theirs, **tolerance(dtype))


def test_torch_ignore_index_inside_the_class_range():
    """ignore_index may be a real class (0 is a common padding id): those samples drop out."""
    logits, labels, weight = batch(3, np.float64, ignored=False)
    labels[:2] = 0
    ours = lb.CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=0)
    theirs = torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels),
                                               weight=torch.from_numpy(weight), ignore_index=0)
    np.testing.assert_allclose(ours.calculate(logits, labels), theirs.item(), rtol=1e-12)
    assert np.all(ours.forward(logits, labels)[labels == 0] == 0)


def test_huge_logits_with_weights_and_ignored_targets_agree_exactly():
    logits = np.array([[1000.0, 0.0, -1000.0]] * 4)
    labels = np.array([0, 1, IGNORE, 2])
    weight = np.array([1.0, 2.0, 0.5])
    ours = lb.CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=IGNORE)
    np.testing.assert_array_equal(ours.forward(logits, labels), [0.0, 2000.0, 0.0, 1000.0])
    np.testing.assert_array_equal(ours.forward(logits, labels), torch_loss(logits, labels, weight, "none"))
    assert ours.calculate(logits, labels) == torch_loss(logits, labels, weight, "mean") == 3000.0 / 3.5


# --- Keras --------------------------------------------------------------------------

def keras_sample_weight(labels, weight):
    """Keras has no per-class weight in a loss: the class weight of each sample, 0 if ignored."""
    return np.where(labels == IGNORE, 0.0, weight[np.where(labels == IGNORE, 0, labels)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_keras_sample_weight_divides_by_the_batch_size(seed, dtype):
    logits, labels, weight = batch(seed, dtype, ignored=False)
    sample_weight = weight[labels]
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    theirs = keras_loss(labels, logits, sample_weight=sample_weight)
    by_n = lb.CategoricalCrossentropy(from_logits=True, weight=weight, reduction="sum_over_batch_size")
    np.testing.assert_allclose(theirs, by_n.calculate(logits, labels), rtol=2e-6, atol=1e-4)
    by_weights = keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                            reduction="mean_with_sample_weight")
    np.testing.assert_allclose(by_weights(labels, logits, sample_weight=sample_weight),
                               lb.CategoricalCrossentropy(from_logits=True, weight=weight).calculate(logits, labels),
                               rtol=2e-6, atol=1e-4)
    probs = lb.Softmax().forward(logits.astype(np.float64)).astype(dtype)
    np.testing.assert_allclose(
        keras.losses.SparseCategoricalCrossentropy()(labels, probs, sample_weight=sample_weight),
        lb.CategoricalCrossentropy(weight=weight, reduction="sum_over_batch_size").calculate(probs, labels),
        rtol=2e-6, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_keras_ignore_class_divides_by_the_samples_kept(seed, dtype):
    """Keras's mask: sum_over_batch_size counts only the unmasked samples, as ours does."""
    logits, labels, weight = batch(seed, dtype)
    sample_weight = keras_sample_weight(labels, weight)
    for reduction, ours in (("sum_over_batch_size", "sum_over_batch_size"),
                            ("mean_with_sample_weight", "sum_over_weights"), ("sum", "sum")):
        keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=IGNORE,
                                                                reduction=reduction)
        loss = lb.CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=IGNORE,
                                          reduction=ours)
        np.testing.assert_allclose(keras_loss(labels, logits, sample_weight=sample_weight),
                                   loss.calculate(logits, labels), rtol=2e-6, atol=1e-3)
    unweighted = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=IGNORE)
    np.testing.assert_allclose(unweighted(labels, logits),
                               lb.CategoricalCrossentropy(from_logits=True, ignore_index=IGNORE)
                               .calculate(logits, labels), rtol=2e-6, atol=1e-4)


def test_keras_fit_class_weight_reports_the_sum_over_the_batch_size():
    """class_weight as ``fit`` applies it: each sample's class weight, divided by N.
    A learning rate of 0 leaves the model as it is, so fit reports the loss of these logits."""
    logits, labels, weight = batch(5, np.float32, ignored=False)
    n, k = logits.shape
    model = keras.Sequential([keras.Input((k,)), keras.layers.Dense(
        k, kernel_initializer="identity", bias_initializer="zeros")])  # outputs its input
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(logits, labels, class_weight=dict(enumerate(weight)), batch_size=n,
                        epochs=1, verbose=0)
    reported = history.history["loss"][0]
    by_n = lb.CategoricalCrossentropy(from_logits=True, weight=weight, reduction="sum_over_batch_size")
    by_weights = lb.CategoricalCrossentropy(from_logits=True, weight=weight)
    np.testing.assert_allclose(reported, by_n.calculate(logits, labels), rtol=1e-5)
    assert not np.isclose(reported, by_weights.calculate(logits, labels), rtol=1e-3)


# --- scikit-learn -------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([np.float32, np.float64]), st.booleans())
def test_sklearn_log_loss_with_sample_weight(seed, dtype, ignored):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(2, 30)), int(rng.integers(2, 7))
    probs = rng.dirichlet(np.full(k, rng.choice([0.3, 1.0, 5.0])), size=n)
    probs = np.clip(probs, 1e-6, 1)  # away from the two libraries' different epsilons
    probs = (probs / probs.sum(axis=1, keepdims=True)).astype(dtype)
    labels = rng.integers(0, k, size=n)
    if ignored:
        labels[rng.random(n) < 0.3] = IGNORE
        labels[0] = 0
    weight = rng.uniform(0.0, 4.0, size=k)
    weight[labels[0]] += 0.5  # one counted sample with a positive weight
    as_float64 = probs.astype(np.float64)
    as_float64 /= as_float64.sum(axis=1, keepdims=True)  # sklearn checks rows sum to 1
    expected = log_loss(np.where(labels == IGNORE, 0, labels), as_float64, labels=np.arange(k),
                        sample_weight=keras_sample_weight(labels, weight))
    ours = lb.CategoricalCrossentropy(weight=weight, ignore_index=IGNORE).calculate(probs, labels)
    tol = dict(rel=1e-5, abs=1e-6) if dtype == np.float32 else dict(rel=1e-10)
    assert ours == pytest.approx(expected, **tol)


# --- what stays as it was, and what never changes -------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([np.float32, np.float64]), st.booleans())
def test_weights_of_one_and_no_ignored_label_change_nothing(seed, dtype, from_logits):
    logits, labels, _ = batch(seed % 1000, dtype, ignored=False)
    y_pred = logits if from_logits else lb.Softmax().forward(logits.astype(np.float64)).astype(dtype)
    plain = lb.CategoricalCrossentropy(from_logits=from_logits)
    ones = np.ones(logits.shape[1])
    for targets in (labels, np.eye(logits.shape[1])[labels]):
        for reduction in ("sum_over_weights", "sum_over_batch_size"):
            for extra in (dict(weight=ones), dict(ignore_index=IGNORE), dict(weight=ones, ignore_index=IGNORE)):
                if targets.ndim == 2 and "ignore_index" in extra:
                    continue  # ignore_index needs class indices (a ValueError, tested below)
                loss = lb.CategoricalCrossentropy(from_logits=from_logits, reduction=reduction, **extra)
                np.testing.assert_array_equal(loss.forward(y_pred, targets), plain.forward(y_pred, targets))
                np.testing.assert_allclose(loss.calculate(y_pred, targets), plain.calculate(y_pred, targets),
                                           rtol=1e-6 if dtype == np.float32 else 1e-13)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_never_modifies_the_callers_arrays(seed):
    logits, labels, weight = batch(seed % 1000, np.float64)
    probs = lb.Softmax().forward(logits)
    copies = [a.copy() for a in (logits, labels, weight, probs)]
    loss = lb.CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=IGNORE)
    weight[0] += 1.0  # the loss keeps its own copy of the weights
    assert loss.weight[0] == copies[2][0]
    weight[0] = copies[2][0]
    loss.calculate(logits, labels)
    lb.CategoricalCrossentropy(weight=weight, ignore_index=IGNORE).forward(probs, labels)
    lb.reliability_bins(probs, np.where(labels == IGNORE, 0, labels))
    for before, after in zip(copies, (logits, labels, weight, probs)):
        np.testing.assert_array_equal(before, after)


def test_the_three_reductions_on_a_small_batch():
    """Two classes, losses log 2 each: weights 1 and 3."""
    probs, labels = np.full((3, 2), 0.5), np.array([0, 1, IGNORE])
    make = dict(weight=[1.0, 3.0], ignore_index=IGNORE)
    assert lb.CategoricalCrossentropy(**make).calculate(probs, labels) == pytest.approx(math.log(2))
    assert lb.CategoricalCrossentropy(**make, reduction="sum_over_batch_size").calculate(probs, labels) == \
        pytest.approx(4 * math.log(2) / 2)
    assert lb.CategoricalCrossentropy(**make, reduction="sum").calculate(probs, labels) == pytest.approx(4 * math.log(2))


# --- bad input: a ValueError that says what to fix ------------------------------------

@pytest.mark.parametrize("kwargs, words", [
    (dict(weight=[1.0, -1.0, 2.0]), "non-negative"),
    (dict(weight=[1.0, np.nan, 2.0]), "finite"),
    (dict(weight=[0.0, 0.0, 0.0]), "at least one class weight must be positive"),
    (dict(weight=[[1.0, 2.0, 3.0]]), "one number per class"),
    (dict(weight=[]), "one number per class"),
    (dict(weight=["a", "b", "c"]), "one number per class"),
    (dict(weight=2.0), "one number per class"),
    (dict(ignore_index=-100.5), "whole number"),
    (dict(ignore_index=True), "whole number"),
    (dict(ignore_index="pad"), "whole number"),
    (dict(reduction="mean"), "sum_over_weights"),
    (dict(reduction=None), "sum_over_batch_size"),
])
def test_bad_arguments_are_value_errors(kwargs, words):
    with pytest.raises(ValueError, match=words):
        lb.CategoricalCrossentropy(**kwargs)


PROBS = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08], [0.3, 0.3, 0.4]])


@pytest.mark.parametrize("kwargs, labels, words", [
    (dict(weight=[1.0, 2.0]), [0, 1, 1, 2], "weight has 2 values but the predictions have 3 classes"),
    (dict(ignore_index=-100), np.eye(3)[[0, 1, 1, 2]], "ignore_index needs class-index targets"),
    (dict(ignore_index=-100), [0, 1, 3, -100], "0 to 2"),
    (dict(ignore_index=-100), [0, 1, -1, -100], "0 to 2"),
    (dict(ignore_index=-100), [0, 1.5, 1, -100], "whole class indices"),
    (dict(ignore_index=-100), [True, False, True, False], "booleans"),
    (dict(ignore_index=-100), ["a", "b", "c", "d"], "must be numbers"),
    (dict(ignore_index=-100), [0, 1, -100], "one label per sample"),
    (dict(ignore_index=-100), [-100, -100, -100, -100], "nothing to average"),
    (dict(weight=[1.0, 0.0, 2.0]), [1, 1, 1, 1], "nothing to average"),
    (dict(ignore_index=-100, reduction="sum_over_batch_size"), [-100] * 4, "every sample is ignored \\("),
])
def test_bad_targets_are_value_errors(kwargs, labels, words):
    with pytest.raises(ValueError, match=words):
        lb.CategoricalCrossentropy(**kwargs).calculate(PROBS, labels)


def test_masked_labels_are_still_rejected_with_ignore_index():
    with pytest.raises(ValueError, match="masked"):
        lb.CategoricalCrossentropy(ignore_index=-100).calculate(
            PROBS, np.ma.masked_array([0, 1, 1, 2], mask=[0, 1, 0, 0]))


# --- reliability bins and ECE -------------------------------------------------------

def plain_ece(probs, labels, n_bins):
    """A loop over the samples with Python floats: (a, b] bins, the first holds 0 too."""
    totals = [[0, 0.0, 0.0] for _ in range(n_bins)]  # count, confidence sum, correct count
    for row, label in zip(probs.tolist(), labels.tolist()):
        confidence = max(row)
        predicted = row.index(confidence)
        m = max(0, math.ceil(confidence * n_bins) - 1)
        while m > 0 and confidence <= m / n_bins:  # ceil's rounding: keep (a, b]
            m -= 1
        while m < n_bins - 1 and confidence > (m + 1) / n_bins:
            m += 1
        totals[m][0] += 1
        totals[m][1] += confidence
        totals[m][2] += predicted == label
    n = len(labels)
    return sum(abs(c / k - s / k) * k / n for k, s, c in totals if k)


def random_probabilities(seed, n, k, sharp):
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet(np.full(k, sharp), size=n)
    labels = rng.integers(0, k, size=n)
    return probs, labels


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 200), st.integers(2, 6),
       st.sampled_from([0.2, 1.0, 5.0]), st.integers(1, 20))
def test_bins_match_sklearn_calibration_curve(seed, n, k, sharp, n_bins):
    probs, labels = random_probabilities(seed, n, k, sharp)
    bins = lb.reliability_bins(probs, labels, n_bins=n_bins)
    confidence, correct = probs.max(axis=1), (probs.argmax(axis=1) == labels).astype(int)
    prob_true, prob_pred = calibration_curve(correct, confidence, n_bins=n_bins)
    filled = bins.counts > 0
    np.testing.assert_allclose(bins.accuracy[filled], prob_true, rtol=1e-12)
    np.testing.assert_allclose(bins.confidence[filled], prob_pred, rtol=1e-12)
    assert bins.counts.sum() == n and len(bins.counts) == n_bins and len(bins.edges) == n_bins + 1
    assert np.isnan(bins.accuracy[~filled]).all() and np.isnan(bins.confidence[~filled]).all()
    assert lb.expected_calibration_error(probs, labels, n_bins) == pytest.approx(
        plain_ece(probs, labels, n_bins), rel=1e-9, abs=1e-12)


def test_confidences_on_the_edges_go_to_the_lower_bin():
    probs = np.array([[0.5, 0.5], [0.6, 0.4], [0.8, 0.2], [1.0, 0.0], [0.4, 0.6]])
    labels = np.array([0, 0, 1, 0, 1])
    bins = lb.reliability_bins(probs, labels, n_bins=5)  # edges 0, 0.2, 0.4, 0.6, 0.8, 1
    np.testing.assert_array_equal(bins.counts, [0, 0, 3, 1, 1])  # 0.5, 0.6, 0.6 | 0.8 | 1.0
    prob_true, prob_pred = calibration_curve([1, 1, 0, 1, 1], [0.5, 0.6, 0.8, 1.0, 0.6], n_bins=5)
    np.testing.assert_allclose(bins.accuracy[bins.counts > 0], prob_true)
    np.testing.assert_allclose(bins.confidence[bins.counts > 0], prob_pred)
    assert isinstance(bins, ReliabilityBins)


def test_ece_of_a_calibrated_and_of_an_overconfident_model():
    """Confidence 0.75 everywhere, right 3 times in 4: ECE 0. Say 0.95 instead: ECE 0.2."""
    labels = np.array([0, 0, 0, 1])
    calibrated = np.tile([0.75, 0.25], (4, 1))
    assert lb.expected_calibration_error(calibrated, labels) == 0.0
    assert lb.expected_calibration_error(np.tile([0.95, 0.05], (4, 1)), labels) == pytest.approx(0.2)
    one_hot = np.eye(2)[labels]
    assert lb.expected_calibration_error(np.tile([0.95, 0.05], (4, 1)), one_hot) == pytest.approx(0.2)


@pytest.mark.parametrize("n_bins", [0, -3, 2.5, True, "10", None])
def test_n_bins_must_be_a_whole_number(n_bins):
    with pytest.raises(ValueError, match="n_bins"):
        lb.reliability_bins(PROBS, [0, 1, 1, 2], n_bins=n_bins)


def test_bins_need_probabilities():
    with pytest.raises(ValueError, match="probabilities"):
        lb.expected_calibration_error([[2.0, -1.0]], [0])


# --- temperature scaling ------------------------------------------------------------

def nll_at(logits, labels, temperature):
    """Mean NLL of softmax(logits / T), written here with SciPy's logsumexp."""
    from scipy.special import logsumexp

    scaled = logits / temperature
    return float(np.mean(logsumexp(scaled, axis=1) - scaled[np.arange(len(labels)), labels]))


@pytest.mark.parametrize("seed", range(12))
def test_fit_temperature_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(20, 300)), int(rng.integers(2, 6))
    labels = rng.integers(0, k, size=n)
    scale = rng.choice([0.3, 1.0, 3.0, 20.0])  # under- and overconfident models
    logits = rng.normal(size=(n, k)) * scale
    logits[np.arange(n), labels] += scale * rng.uniform(0.5, 2.0)  # better than chance
    copies = logits.copy(), labels.copy()
    temperature = lb.fit_temperature(logits, labels)
    np.testing.assert_array_equal(copies[0], logits)  # the inputs are left as they were
    np.testing.assert_array_equal(copies[1], labels)
    found = minimize_scalar(lambda log_t: nll_at(logits, labels, np.exp(log_t)),
                            bounds=(-10, 10), method="bounded", options={"xatol": 1e-10})
    assert temperature == pytest.approx(np.exp(found.x), rel=1e-4)
    best = nll_at(logits, labels, temperature)
    for nearby in (temperature * 0.999, temperature * 1.001):
        assert best <= nll_at(logits, labels, nearby)
    assert lb.accuracy(logits / temperature, labels) == lb.accuracy(logits, labels)
    one_hot = np.eye(k)[labels]
    assert lb.fit_temperature(logits, one_hot) == pytest.approx(temperature, rel=1e-9)
    assert lb.fit_temperature(logits.astype(np.float32), labels) == pytest.approx(temperature, rel=1e-4)


def test_fit_temperature_is_deterministic_and_exact_on_the_docstring_case():
    logits, labels = np.array([[1.0, 0.0]] * 3), np.array([0, 0, 1])
    first = lb.fit_temperature(logits, labels)
    assert first == lb.fit_temperature(logits, labels)
    assert first == pytest.approx(1 / math.log(2), rel=1e-10)


def test_fit_temperature_with_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [1000.0, 0.0, -1000.0], [0.0, 1000.0, -1000.0]])
    labels = np.array([0, 1, 1])
    temperature = lb.fit_temperature(logits, labels)
    found = minimize_scalar(lambda log_t: nll_at(logits, labels, np.exp(log_t)),
                            bounds=(-5, 15), method="bounded", options={"xatol": 1e-10})
    assert temperature == pytest.approx(np.exp(found.x), rel=1e-4) and temperature > 100


def test_fit_temperature_says_when_no_temperature_is_best():
    with pytest.raises(ValueError, match="every sample's target already has the highest logit"):
        lb.fit_temperature([[2.0, 0.0], [0.0, 3.0]], [0, 1])
    with pytest.raises(ValueError, match="worse than guessing"):
        lb.fit_temperature([[2.0, 0.0], [0.0, 3.0]], [1, 0])
    with pytest.raises(ValueError, match="finite"):
        lb.fit_temperature([[np.inf, 0.0], [0.0, 3.0]], [1, 0])
    assert lb.fit_temperature([[1.0, 1.0], [2.0, 2.0]], [0, 1]) == 1.0  # every T is as good


# --- chapter 11's exercises ---------------------------------------------------------

import copy  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from lossbook.exercises import ch11  # noqa: E402
from lossbook.exercises._page import page_mode  # noqa: E402

CHAPTER = Path(__file__).resolve().parents[1] / "notebooks" / "11_weights_masks_calibration.ipynb"


def model_answer(exercise):
    namespace = {}
    exec(exercise.solution_code(), namespace)
    return namespace[exercise.function_name]


def test_chapter_11_predict_questions_sit_before_their_reveal_and_work_in_the_page():
    ids = [c.get("id") for c in json.loads(CHAPTER.read_text(encoding="utf-8"))["cells"]]
    for exercise, reveal, mode in ((ch11.q1, "ch11-one-class", "number"),
                                   (ch11.q2, "ch11-proper", "choice"),
                                   (ch11.q3, "ch11-temperature", "choice")):
        q = exercise.name.split(".")[1]
        assert exercise.kind == "predict" and page_mode(exercise) == mode
        assert ids.index(exercise.place_after) + 1 == ids.index(f"ch11-{q}-task")
        assert ids.index(f"ch11-{q}-check") < ids.index(reveal)
        assert exercise.question().spec()["replies"]  # the page can answer it


def test_chapter_11_hidden_cases_pass_for_the_model_answers():
    for exercise in (ch11.q4, ch11.q5, ch11.q6):
        assert exercise.hidden_cases and exercise.points in (2, 3)
        hidden = copy.copy(exercise)
        hidden.cases = exercise.hidden_cases
        assert hidden.evaluate(model_answer(exercise)).status == "correct"


@pytest.mark.parametrize("exercise", ch11.EXERCISES, ids=[e.name for e in ch11.EXERCISES])
def test_chapter_11_mistakes_are_told_apart_on_every_case(exercise):
    """Each mistake is wrong somewhere, and no two mistakes agree on every case (at each
    case's tolerance, as the check compares): a diagnosis names the mistake the answer made."""

    def outputs(function):
        return [function(*copy.deepcopy(case.args)) for case in exercise.cases]

    def agree(a, b):
        return all(exercise.alike(x, y, case) for case, x, y in zip(exercise.cases, a, b))

    made = {mistake.words: outputs(mistake.make) for mistake in exercise.mistakes}
    assert len(made) == len(exercise.mistakes) >= 2
    reference = outputs(exercise.reference)
    for words, values in made.items():
        assert not agree(values, reference), words
        others = [w for w in made if w != words]
        assert not any(agree(values, made[w]) for w in others), words


def test_chapter_11_learners_mistakes_written_by_hand_are_named():
    def divided_by_n(logits, labels, weight):
        kept = labels != -100
        safe = np.where(kept, labels, 0)
        log_probs = logits - np.log(np.sum(np.exp(logits - logits.max(1, keepdims=True)), 1,
                                           keepdims=True)) - logits.max(1, keepdims=True)
        return np.sum(weight[safe] * kept * -log_probs[np.arange(len(labels)), safe]) / len(labels)

    assert "divided by N" in ch11.q4.evaluate(divided_by_n).message

    def log_softmax(logits):
        top = logits.max(-1, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))

    def all_positions(logits, labels, mask):  # named on every case, the logits of ±1000 too
        log_probs = log_softmax(logits)
        return -np.mean(np.take_along_axis(log_probs, labels[..., None], -1))

    result = ch11.q5.evaluate(all_positions)
    assert "averaged over every position" in result.message

    def per_sequence(logits, labels, mask):
        log_probs = log_softmax(logits)
        picked = -np.take_along_axis(log_probs, labels[..., None], -1)[..., 0]
        return np.mean((picked * mask).sum(axis=1) / mask.sum(axis=1))

    assert "sequences' means" in ch11.q5.evaluate(per_sequence).message

    def in_log10(logits, labels, mask):
        top = logits.max(-1, keepdims=True)
        log_probs = (logits - top) / np.log(10) - np.log10(np.exp(logits - top).sum(-1, keepdims=True))
        return np.sum(-np.take_along_axis(log_probs, labels[..., None], -1)[..., 0] * mask) / mask.sum()

    assert "log base 10" in ch11.q5.evaluate(in_log10).message
    assert "natural log" in ch11.q6.evaluate(lambda bits: np.exp(np.mean(bits))).message
    assert "divides by N = 3" in ch11.q1.evaluate(lambda: 4.97).message  # typed to two decimals
    assert "per-word perplexities" in ch11.q6.evaluate(lambda bits: np.mean(2.0 ** np.asarray(bits))).message


def test_chapter_11_plausible_wrong_answers_get_no_diagnosis():
    def kept_the_ignored(logits, labels, weight):  # -100 read as class 0, loss and weight
        safe = np.where(labels != -100, labels, 0)
        top = logits.max(1, keepdims=True)
        log_probs = logits - top - np.log(np.exp(logits - top).sum(1, keepdims=True))
        w = weight[safe]
        return np.sum(w * -log_probs[np.arange(len(labels)), safe]) / np.sum(w)

    def summed_over_time(logits, labels, mask):  # the sum per sequence, then the mean over the batch
        top = logits.max(-1, keepdims=True)
        log_probs = logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
        return np.sum(-np.take_along_axis(log_probs, labels[..., None], -1)[..., 0] * mask) / len(mask)

    for exercise, answer in ((ch11.q4, kept_the_ignored), (ch11.q5, summed_over_time),
                             (ch11.q6, lambda bits: 2.0 ** np.median(bits)),
                             (ch11.q1, lambda: 2.0)):
        result = exercise.evaluate(answer)
        assert result.status == "incorrect" and result.mistake is None, result.message


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_chapter_11_model_answers_agree_with_pytorch(seed):
    logits, labels, weight = batch(seed % 10_000, np.float64)
    theirs = torch_loss(logits, labels, weight, "mean")
    assert model_answer(ch11.q4)(logits, labels, weight) == pytest.approx(float(theirs), rel=1e-9)
    rng = np.random.default_rng(seed)
    b, steps, k = (int(v) for v in rng.integers(1, 6, size=3) + (0, 0, 1))
    sequence_logits = rng.normal(scale=rng.choice([1.0, 50.0]), size=(b, steps, k))
    sequence_labels = rng.integers(0, k, size=(b, steps))
    mask = np.arange(steps) < rng.integers(1, steps + 1, size=b)[:, None]
    torch_value = torch.nn.functional.cross_entropy(
        torch.from_numpy(sequence_logits).permute(0, 2, 1),
        torch.from_numpy(np.where(mask, sequence_labels, IGNORE))).item()
    assert model_answer(ch11.q5)(sequence_logits, sequence_labels, mask) == pytest.approx(torch_value, rel=1e-9)
    nats = rng.exponential(size=int(rng.integers(1, 50)))
    assert model_answer(ch11.q6)(nats / math.log(2)) == pytest.approx(math.exp(nats.mean()), rel=1e-12)
