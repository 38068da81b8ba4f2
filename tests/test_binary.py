"""BinaryCrossentropy and Sigmoid: numbers, errors, properties, and the frameworks.

Cross-checks: a plain float64 reference written with ``math`` (below, sharing no
code with the package), Keras's ``BinaryCrossentropy`` on the JAX backend (with and
without ``from_logits``), PyTorch's ``BCEWithLogitsLoss`` and ``BCELoss``, and
scikit-learn's ``log_loss``: seeded random batches in float32 and float64, one
label and several, logits up to ±1000. Keras computes in float32 whatever it is
given, so it is compared with a float32 tolerance; PyTorch keeps float64.

The frameworks are part of the test setup (``make test`` installs them); without
them these tests fail, they do not skip.
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
from sklearn.metrics import log_loss  # noqa: E402

import lossbook as lb  # noqa: E402


# --- an independent reference: plain math, one value at a time ------------------------

def reference(y_pred, y_true, epsilon=1e-7, from_logits=False):
    """Per-sample binary cross-entropy in float64, averaged over each row's labels.

    Probabilities are clipped to [epsilon, 1 - epsilon] as the predictions' dtype
    holds them: in float32, 1 - 1e-7 is 1 - 1.19e-7.
    """
    kind = np.asarray(y_pred).dtype.type if np.asarray(y_pred).dtype == np.float32 else np.float64
    low, high = float(kind(epsilon)), float(kind(1) - kind(epsilon))
    y_pred, y_true = np.asarray(y_pred, dtype=np.float64), np.asarray(y_true, dtype=np.float64)
    rows_p = y_pred.reshape(len(y_pred), -1).tolist()
    rows_y = y_true.reshape(len(y_true), -1).tolist()
    losses = []
    for row_p, row_y in zip(rows_p, rows_y):
        total = 0.0
        for value, target in zip(row_p, row_y):
            if from_logits:  # log σ(z) = -log(1 + e^-z), written two ways to stay finite
                log_yes = -_softplus(-value)
                log_no = -_softplus(value)
            else:
                p = min(max(value, low), high)
                log_yes, log_no = math.log(p), math.log1p(-p)
            total += -(target * log_yes + (1 - target) * log_no)
        losses.append(total / len(row_p))
    return losses


def _softplus(x):
    """log(1 + e^x), finite for any float x."""
    return x + math.log1p(math.exp(-x)) if x > 0 else math.log1p(math.exp(x))


def test_the_reference_itself():
    assert reference([0.7], [1]) == [-math.log(0.7)]
    assert reference([0.7], [0]) == [pytest.approx(-math.log(0.3), rel=1e-15)]
    assert reference([[1000.0, -1000.0]], [[1, 0]], from_logits=True) == [0.0]
    assert reference([0.0], [1], from_logits=True) == [math.log(2)]


# --- the numbers the chapter prints ---------------------------------------------------

def test_one_label_per_sample():
    loss = lb.BinaryCrossentropy()
    np.testing.assert_allclose(loss.forward([0.9, 0.2], [1, 0]), [-math.log(0.9), -math.log(0.8)], rtol=1e-15)
    assert loss.calculate([0.9, 0.2], [1, 0]) == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2, rel=1e-15)


def test_several_labels_are_averaged_per_sample():
    y_pred = np.array([[0.9, 0.2, 0.6], [0.5, 0.5, 0.5]])
    y_true = np.array([[1, 0, 1], [0, 1, 0]])
    expected = [-(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3, math.log(2)]
    np.testing.assert_allclose(lb.BinaryCrossentropy().forward(y_pred, y_true), expected, rtol=1e-15)
    # the mean over labels, then over samples: every label counts the same
    per_label = [lb.BinaryCrossentropy().forward(y_pred[:, j], y_true[:, j]) for j in range(3)]
    np.testing.assert_allclose(lb.BinaryCrossentropy().forward(y_pred, y_true), np.mean(per_label, axis=0),
                               rtol=1e-15)


def test_probabilities_are_clipped_like_keras():
    losses = lb.BinaryCrossentropy().forward([0.0, 1.0, 1.0, 0.0], [1, 0, 1, 0])
    np.testing.assert_allclose(losses, [-math.log(1e-7), -math.log(1e-7), -math.log(1 - 1e-7),
                                        -math.log(1 - 1e-7)], rtol=1e-9)
    # float32 cannot hold 1 - 1e-7: its top clip is 1 - 2**-23 * 1.0, so log(1 - p) is -15.94
    in_float32 = lb.BinaryCrossentropy().forward(np.array([1.0], dtype=np.float32), [0])
    assert in_float32.dtype == np.float32
    assert in_float32[0] == pytest.approx(-math.log(1 - float(np.float32(1 - 1e-7))), rel=1e-6)


def test_huge_logits_are_exact_not_inf():
    loss = lb.BinaryCrossentropy(from_logits=True)
    np.testing.assert_array_equal(loss.forward([1000.0, -1000.0, 1000.0, -1000.0], [0, 1, 1, 0]),
                                  [1000.0, 1000.0, 0.0, 0.0])
    assert loss.forward([0.0], [1])[0] == math.log(2)
    # a confident right answer keeps its tiny loss, log(1 + e^-40), instead of rounding to 0
    np.testing.assert_allclose(loss.forward([40.0, -40.0], [1, 0]), math.log1p(math.exp(-40)), rtol=1e-15)
    for dtype in (np.float32, np.float64):
        z = np.array([[1000.0, -1000.0, 40.0, -40.0]], dtype=dtype)
        out = loss.forward(z, [[0, 1, 0, 1]])
        assert out.dtype == dtype and out[0] == pytest.approx(520.0, rel=1e-6)


def test_sigmoid_plus_bce_is_softmax_plus_cce_with_a_zero_logit():
    """The chapter's first claim: BCE(σ(z), y) = CCE(softmax([0, z]), y), for any z."""
    z = np.array([-1000.0, -30.0, -2.0, 0.0, 0.5, 3.0, 30.0, 1000.0])
    for y in (0, 1):
        labels = np.full(len(z), y)
        binary = lb.BinaryCrossentropy(from_logits=True).forward(z, labels)
        two_class = lb.CategoricalCrossentropy(from_logits=True).forward(
            np.column_stack([np.zeros_like(z), z]), labels)
        # equal up to rounding near |z| (the categorical form subtracts z from ~z)
        np.testing.assert_allclose(binary, two_class, rtol=1e-15, atol=4 * np.finfo(float).eps * 30)


def test_sigmoid_is_exact_and_never_overflows():
    z = np.array([-1000.0, -745.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        out = lb.Sigmoid().forward(z)
    expected = [1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x)) for x in z]
    np.testing.assert_allclose(out, expected, rtol=1e-15, atol=0)
    assert out[1] > 0  # e^-745 is the smallest subnormal, not 0
    np.testing.assert_allclose(lb.Sigmoid().forward(-z), 1 - out, atol=1e-16)
    assert lb.Sigmoid().forward(np.float32([2.0])).dtype == np.float32


# --- bad input: a ValueError that says what to fix -----------------------------------

@pytest.mark.parametrize(
    "y_pred, y_true, words",
    [
        (0.7, 1, "wrap it in a batch"),
        (np.zeros((2, 3, 1)), np.zeros((2, 3, 1)), "shape"),
        (np.zeros(0), np.zeros(0), "no values"),
        (np.zeros((3, 0)), np.zeros((3, 0)), "no values"),
        (np.full((3, 1), 0.5), [1, 0, 1], r"y_true.reshape\(y_pred.shape\)"),
        ([0.5, 0.5, 0.5], [[1], [0], [1]], r"\(n, n\) table"),
        (np.full((3, 2), 0.5), [1, 0, 1], "two-class softmax"),
        ([0.5, 0.5], [1, 0, 1], "one 0/1 target per prediction"),
        ([0.5, 0.5], [2, 0], "CategoricalCrossentropy"),
        ([0.5, 0.5], [1, -1], "0 or 1"),
        ([0.5, 0.5], [1, np.nan], "0 or 1"),
        ([2.0, -1.0], [1, 0], "from_logits=True"),
        ([np.nan, 0.5], [1, 0], "NaN"),
        (["a", "b"], [1, 0], "must be numbers"),
        ([0.5, 0.5], ["yes", "no"], "must be numbers"),
    ],
)
def test_bad_input_raises_a_helpful_value_error(y_pred, y_true, words):
    with pytest.raises(ValueError, match=words):
        lb.BinaryCrossentropy().forward(y_pred, y_true)


@pytest.mark.parametrize("logits", [[np.inf, 0.0], [0.0, -np.inf], [np.nan, 1.0]])
def test_non_finite_logits_are_rejected(logits):
    with pytest.raises(ValueError, match="finite"):
        lb.BinaryCrossentropy(from_logits=True).forward(logits, [1, 0])


@pytest.mark.parametrize("epsilon", [0, -1e-7, 0.5, "1e-7", None, True])
def test_epsilon_must_be_small_and_positive(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        lb.BinaryCrossentropy(epsilon=epsilon)


def test_masked_arrays_are_rejected():
    masked = np.ma.masked_array([0.5, 0.2], mask=[0, 1])
    with pytest.raises(ValueError, match="masked"):
        lb.BinaryCrossentropy().forward(masked, [1, 0])


def test_targets_of_every_kind():
    p = np.array([[0.9, 0.2], [0.3, 0.6]])
    expected = lb.BinaryCrossentropy().forward(p, np.array([[1.0, 0.0], [0.0, 1.0]]))
    for targets in (np.array([[True, False], [False, True]]), [[1, 0], [0, 1]],
                    np.array([[1, 0], [0, 1]], dtype=np.uint8), np.array([[1, 0], [0, 1]], dtype=">f8")):
        np.testing.assert_array_equal(lb.BinaryCrossentropy().forward(p, targets), expected)
    soft = lb.BinaryCrossentropy().forward([0.7], [0.7])  # soft target: its entropy, the least it can be
    assert soft[0] == pytest.approx(-(0.7 * math.log(0.7) + 0.3 * math.log(0.3)), rel=1e-12)
    assert lb.BinaryCrossentropy().forward([0.5], [-0.0])[0] == pytest.approx(math.log(2))


def test_dtypes_in_and_out():
    assert lb.BinaryCrossentropy().forward(np.float32([0.5]), [1]).dtype == np.float32
    assert lb.BinaryCrossentropy().forward([1, 0], [1, 0]).dtype == np.float64  # ints compute in float64
    assert lb.BinaryCrossentropy().forward(np.array([0.5], dtype=">f4"), [1]).dtype == np.float32
    big = lb.BinaryCrossentropy(from_logits=True).forward(np.array([[3.0, -2.0]], dtype=">f8"), [[1, 0]])
    np.testing.assert_allclose(big, reference([[3.0, -2.0]], [[1, 0]], from_logits=True), rtol=1e-15)
    long = lb.BinaryCrossentropy().calculate(np.array([0.9, 0.2], dtype=np.longdouble), [1, 0])
    assert long.dtype == np.float64


def test_more_rows_than_one_block_and_non_contiguous_input():
    from lossbook.losses import _BLOCK

    rng = np.random.default_rng(0)
    p = rng.random((_BLOCK // 3 * 2 + 7, 5))  # three blocks, the last one short
    y = rng.random(p.shape) < 0.4
    np.testing.assert_allclose(lb.BinaryCrossentropy().forward(p, y), reference(p, y), rtol=1e-13)
    wide = np.asfortranarray(p[:50])
    np.testing.assert_allclose(lb.BinaryCrossentropy().forward(wide, y[:50]), reference(wide, y[:50]),
                               rtol=1e-13)
    strided = p[::3, ::2]
    np.testing.assert_allclose(lb.BinaryCrossentropy().forward(strided, y[::3, ::2]),
                               reference(strided, y[::3, ::2]), rtol=1e-13)
    column = p[:, 2]  # a strided 1-D view: one label per sample
    np.testing.assert_allclose(lb.BinaryCrossentropy(from_logits=True).forward(column, y[:, 2]),
                               reference(column, y[:, 2], from_logits=True), rtol=1e-13)


# --- properties ------------------------------------------------------------------------

@st.composite
def binary_batches(draw, soft=False):
    """Random logits (some huge), the probabilities they give, 0/1 targets (soft ones too
    when ``soft`` is True, or drawn both ways when it is None)."""
    if soft is None:
        soft = draw(st.booleans())
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 40))
    shape = (n,) if draw(st.booleans()) else (n, draw(st.integers(1, 7)))
    scale = draw(st.sampled_from([0.5, 3.0, 40.0, 1000.0]))
    logits = rng.normal(scale=scale, size=shape)
    targets = rng.random(shape) if soft else (rng.random(shape) < 0.5).astype(np.float64)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    probabilities = 1 / (1 + np.exp(-np.clip(logits, -700, 700)))
    return logits.astype(dtype), probabilities.astype(dtype), targets


def _tolerance(dtype):
    return dict(rtol=2e-6, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(binary_batches(soft=None))
def test_matches_the_reference(batch):
    logits, probabilities, targets = batch
    tol = _tolerance(logits.dtype)
    np.testing.assert_allclose(lb.BinaryCrossentropy().forward(probabilities, targets),
                               reference(probabilities, targets), **tol)
    if logits.dtype == np.float32:  # max(z, 0) - z*y rounds like z itself: ~1e-7 * |z|
        tol["atol"] += 4 * np.finfo(np.float32).eps * float(np.abs(logits).max())
    np.testing.assert_allclose(lb.BinaryCrossentropy(from_logits=True).forward(logits, targets),
                               reference(logits, targets, from_logits=True), **tol)


@settings(max_examples=100, deadline=None)
@given(binary_batches())
def test_symmetry_and_the_two_class_softmax(batch):
    """Swapping yes and no changes nothing; a 0/1 label is class 0/1 of softmax([0, z])."""
    logits, probabilities, targets = batch
    loss, from_logits = lb.BinaryCrossentropy(), lb.BinaryCrossentropy(from_logits=True)
    tol = _tolerance(logits.dtype)
    np.testing.assert_allclose(from_logits.forward(-logits, 1 - targets), from_logits.forward(logits, targets),
                               **tol)
    np.testing.assert_allclose(loss.forward(1 - probabilities.astype(np.float64), 1 - targets),
                               loss.forward(probabilities.astype(np.float64), targets), rtol=1e-9, atol=1e-9)
    z, y = logits.reshape(-1).astype(np.float64), targets.reshape(-1).astype(int)
    two_class = lb.CategoricalCrossentropy(from_logits=True).forward(np.column_stack([np.zeros_like(z), z]), y)
    np.testing.assert_allclose(from_logits.forward(z, y), two_class, rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(binary_batches(soft=None))
def test_bounds_and_inputs_left_alone(batch):
    logits, probabilities, targets = batch
    copies = [a.copy() for a in (logits, probabilities, targets)]
    clipped = lb.BinaryCrossentropy().forward(probabilities, targets)
    exact = lb.BinaryCrossentropy(from_logits=True).forward(logits, targets)
    assert np.all(clipped >= 0) and np.all(clipped <= -math.log(1e-7) * (1 + 1e-6))
    assert np.all(np.isfinite(exact)) and np.all(exact >= 0)
    assert clipped.shape == exact.shape == (len(logits),)
    for before, after in zip(copies, (logits, probabilities, targets)):
        np.testing.assert_array_equal(before, after)


# --- the frameworks --------------------------------------------------------------------

SEEDS = range(8)


def framework_batch(seed, dtype, n_labels):
    """Logits (scale up to 40, plus ±1000 in one sample), probabilities away from the clip."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    shape = (n, n_labels)
    logits = rng.normal(scale=rng.choice([1.0, 5.0, 40.0]), size=shape)
    logits[0, 0] = 1000.0 * rng.choice([-1, 1])
    probabilities = 1 / (1 + np.exp(-np.clip(rng.normal(scale=3.0, size=shape), -15, 15)))
    targets = (rng.random(shape) < 0.5).astype(np.float64)
    return logits.astype(dtype), probabilities.astype(dtype), targets.astype(dtype)


@pytest.mark.parametrize("n_labels", [1, 4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_keras_binary_crossentropy(seed, dtype, n_labels):
    logits, probabilities, targets = framework_batch(seed, dtype, n_labels)
    tol = dict(rtol=2e-6, atol=2e-5)  # Keras works in float32
    ours, ours_logits = lb.BinaryCrossentropy(), lb.BinaryCrossentropy(from_logits=True)
    np.testing.assert_allclose(keras.losses.BinaryCrossentropy()(targets, probabilities),
                               ours.calculate(probabilities, targets), **tol)
    np.testing.assert_allclose(keras.losses.BinaryCrossentropy(reduction=None)(targets, probabilities),
                               ours.forward(probabilities, targets), **tol)
    np.testing.assert_allclose(keras.losses.BinaryCrossentropy(from_logits=True)(targets, logits),
                               ours_logits.calculate(logits, targets), **tol)
    np.testing.assert_allclose(keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)(targets, logits),
                               ours_logits.forward(logits, targets), **tol)
    one_label = keras.losses.BinaryCrossentropy(from_logits=True)(targets[:, 0], logits[:, 0])
    np.testing.assert_allclose(one_label, ours_logits.calculate(logits[:, 0], targets[:, 0]), **tol)


@pytest.mark.parametrize("n_labels", [1, 4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_torch_bce_with_logits_and_bce(seed, dtype, n_labels):
    logits, probabilities, targets = framework_batch(seed, dtype, n_labels)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    z, p, y = (torch.from_numpy(a) for a in (logits, probabilities, targets))
    ours_logits = lb.BinaryCrossentropy(from_logits=True)
    per_label = torch.nn.BCEWithLogitsLoss(reduction="none")(z, y)
    np.testing.assert_allclose(per_label.mean(dim=1).numpy(), ours_logits.forward(logits, targets), **tol)
    np.testing.assert_allclose(torch.nn.BCEWithLogitsLoss()(z, y).item(), ours_logits.calculate(logits, targets),
                               **tol)
    # BCELoss: no clip, each log clamped at -100; these probabilities stay inside [1e-7, 1 - 1e-7]
    np.testing.assert_allclose(torch.nn.BCELoss()(p, y).item(), lb.BinaryCrossentropy().calculate(
        probabilities, targets), **tol)
    per_sample = torch.nn.BCELoss(reduction="none")(p[:, 0], y[:, 0]).numpy()
    np.testing.assert_allclose(per_sample, lb.BinaryCrossentropy().forward(probabilities[:, 0], targets[:, 0]),
                               **tol)


def test_the_frameworks_on_the_chapters_edge_cases():
    """±1000 logits exactly; BCELoss's clamp at -100 where lossbook and Keras clip at 1e-7."""
    z, y = np.array([1000.0, -1000.0, 1000.0, -1000.0]), np.array([0.0, 1.0, 1.0, 0.0])
    theirs = torch.nn.BCEWithLogitsLoss(reduction="none")(torch.from_numpy(z), torch.from_numpy(y)).numpy()
    np.testing.assert_array_equal(theirs, [1000.0, 1000.0, 0.0, 0.0])
    np.testing.assert_array_equal(lb.BinaryCrossentropy(from_logits=True).forward(z, y), theirs)
    keras_values = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)(y[:, None], z[:, None])
    np.testing.assert_array_equal(np.asarray(keras_values), theirs)
    assert torch.nn.BCELoss()(torch.tensor([0.0]), torch.tensor([1.0])).item() == 100.0
    assert torch.nn.BCELoss()(torch.tensor([1.0]), torch.tensor([0.0])).item() == 100.0
    assert lb.BinaryCrossentropy().calculate([0.0], [1]) == pytest.approx(-math.log(1e-7), rel=1e-12)
    keras_clipped = keras.losses.BinaryCrossentropy(reduction=None)(np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]))
    np.testing.assert_allclose(keras_clipped, lb.BinaryCrossentropy().forward(
        np.float32([[0.0], [1.0]]), np.float32([[1.0], [0.0]])), rtol=1e-6)


@settings(max_examples=60, deadline=None)
@given(binary_batches())
def test_agrees_with_sklearn_log_loss(batch):
    """One label: sklearn's binary log_loss. Several: the mean of its per-label values."""
    _, probabilities, targets = batch
    p = np.clip(probabilities.astype(np.float64), 1e-6, 1 - 1e-6)  # away from both clips
    y = targets.reshape(len(targets), -1)
    columns = p.reshape(len(p), -1)
    expected = np.mean([log_loss(y[:, j], columns[:, j], labels=[0, 1]) for j in range(y.shape[1])])
    assert lb.BinaryCrossentropy().calculate(p, targets) == pytest.approx(expected, rel=1e-10)
