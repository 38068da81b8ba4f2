"""CategoricalCrossentropy: the book's numbers, errors, and properties against references."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import log_loss

from lossbook import CategoricalCrossentropy, Loss
from reference import cross_entropy, cross_entropy_from_logits

BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
TARGETS = np.array([0, 1, 1])


# --- the numbers the chapters print -------------------------------------------------

def test_batch_loss_matches_the_book_for_sparse_and_one_hot_targets():
    loss = CategoricalCrossentropy()
    assert loss.calculate(BATCH, TARGETS) == 0.38506088005216804
    assert loss.calculate(BATCH, np.eye(3)[TARGETS]) == 0.38506088005216804
    np.testing.assert_allclose(loss.forward(BATCH, TARGETS), [0.35667494, 0.69314718, 0.10536052])


def test_single_sample_is_minus_log_of_the_correct_confidence():
    assert CategoricalCrossentropy().calculate([[0.7, 0.1, 0.2]], [0]) == -math.log(0.7)


def test_confidence_zero_is_clipped_to_a_finite_loss():
    losses = CategoricalCrossentropy().forward([[0.0, 1.0], [1.0, 0.0]], [0, 0])
    np.testing.assert_allclose(losses, [-math.log(1e-7), -math.log(1 - 1e-7)])
    assert np.all(np.isfinite(losses))


def test_keras_style_clipping_example_from_chapter_7():
    y_pred = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    assert CategoricalCrossentropy().calculate(y_pred, [1, 2]) == pytest.approx(1.176939193690798, abs=1e-15)


def test_from_logits_stays_finite_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0]])
    loss = CategoricalCrossentropy(from_logits=True)
    np.testing.assert_allclose(loss.forward(logits, [0]), [0.0], atol=1e-12)
    np.testing.assert_allclose(loss.forward(logits, [2]), [2000.0])


def test_soft_targets_use_the_full_formula():
    y_pred = np.array([[0.7, 0.1, 0.2]])
    soft = np.array([[0.4, 0.1, 0.5]])
    expected = -(0.4 * math.log(0.7) + 0.1 * math.log(0.1) + 0.5 * math.log(0.2))
    assert CategoricalCrossentropy().forward(y_pred, soft)[0] == pytest.approx(expected, rel=1e-15)


def test_float32_in_float32_out():
    y_pred = BATCH.astype(np.float32)
    assert CategoricalCrossentropy().forward(y_pred, TARGETS).dtype == np.float32
    assert CategoricalCrossentropy().calculate(y_pred, np.eye(3)[TARGETS]).dtype == np.float32


def test_integer_and_list_inputs_are_accepted():
    assert CategoricalCrossentropy().calculate([[1, 0], [0, 1]], [0, 1]) == pytest.approx(-math.log(1 - 1e-7))
    assert CategoricalCrossentropy().calculate(BATCH, [0.0, 1.0, 1.0]) == 0.38506088005216804


def test_base_class_needs_a_forward():
    with pytest.raises(NotImplementedError):
        Loss().calculate(BATCH, TARGETS)


# --- bad input: a ValueError that says what to fix ----------------------------------

@pytest.mark.parametrize(
    "y_pred, y_true, words",
    [
        ([0.7, 0.1, 0.2], [0], "2-D"),
        (np.zeros((2, 3, 1)), [0, 1], "2-D"),
        (np.zeros((0, 3)), np.zeros(0, dtype=int), "empty"),
        (BATCH, [0, 1], "one label per sample"),
        (BATCH, [0, 1, 3], "0 to 2"),
        (BATCH, [0, -1, 1], "0 to 2"),
        (BATCH, [0, 1.5, 1], "whole class indices"),
        (BATCH, ["dog", "cat", "cat"], "must be numbers"),
        (BATCH, np.eye(4)[[0, 1, 1]], "shape"),
        (BATCH, np.array([[0], [1], [1]]), "ravel"),
        (BATCH, -np.eye(3), "non-negative"),
        (BATCH, np.zeros((3, 3, 1)), "3 dimensions"),
        ([[2.0, -1.0, 0.5]], [0], "logits"),
        ([[np.nan, 0.5, 0.5]], [0], "NaN"),
        ([["a", "b"]], [0], "must be numbers"),
    ],
)
def test_bad_input_raises_a_helpful_value_error(y_pred, y_true, words):
    with pytest.raises(ValueError, match=words):
        CategoricalCrossentropy().forward(y_pred, y_true)


@pytest.mark.parametrize("logits", [[[np.inf, 0.0]], [[np.nan, 1.0]]])
def test_non_finite_logits_are_rejected(logits):
    with pytest.raises(ValueError, match="finite"):
        CategoricalCrossentropy(from_logits=True).forward(logits, [0])


@pytest.mark.parametrize("epsilon", [0, -1e-7, 0.5, 2])
def test_epsilon_must_be_small_and_positive(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        CategoricalCrossentropy(epsilon=epsilon)


# --- properties -------------------------------------------------------------------

@st.composite
def batches(draw, exact_edges=True):
    """Random probability batches (rows sum to 1), labels, and a dtype."""
    n = draw(st.integers(1, 30))
    k = draw(st.integers(2, 8))
    seed = draw(st.integers(0, 2**32 - 1))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(seed)
    y_pred = rng.dirichlet(np.full(k, draw(st.sampled_from([0.1, 1.0, 10.0]))), size=n)
    labels = rng.integers(0, k, size=n)
    if exact_edges and draw(st.booleans()):
        # Some rows certain (exact 0s and 1s), some wrong with certainty.
        certain = rng.random(n) < 0.5
        y_pred[certain] = np.eye(k)[rng.integers(0, k, size=certain.sum())]
    return y_pred.astype(dtype), labels


@settings(max_examples=150, deadline=None)
@given(batches())
def test_matches_the_float64_reference_sparse_and_one_hot(batch):
    y_pred, labels = batch
    loss = CategoricalCrossentropy()
    expected = cross_entropy(y_pred.astype(np.float64), labels)
    # float32 cannot hold 1 - 1e-7: its upper clip is 1 - 1.19e-7, hence the atol.
    tol = dict(rtol=1e-5, atol=1e-6) if y_pred.dtype == np.float32 else dict(rtol=1e-12)
    np.testing.assert_allclose(loss.forward(y_pred, labels), expected, **tol)
    np.testing.assert_array_equal(loss.forward(y_pred, labels), loss.forward(y_pred, np.eye(y_pred.shape[1])[labels]))


@settings(max_examples=100, deadline=None)
@given(batches(exact_edges=False))
def test_agrees_with_sklearn_log_loss(batch):
    y_pred, labels = batch
    y_pred = np.clip(y_pred, 1e-6, 1)  # away from the two libraries' different epsilons
    y_pred = (y_pred / y_pred.sum(axis=1, keepdims=True)).astype(y_pred.dtype)
    as_float64 = y_pred.astype(np.float64)
    as_float64 /= as_float64.sum(axis=1, keepdims=True)  # sklearn checks rows sum to 1
    expected = log_loss(labels, as_float64, labels=np.arange(y_pred.shape[1]))
    tol = dict(rel=1e-5, abs=1e-6) if y_pred.dtype == np.float32 else dict(rel=1e-10)
    assert CategoricalCrossentropy().calculate(y_pred, labels) == pytest.approx(expected, **tol)


@settings(max_examples=100, deadline=None)
@given(batches(exact_edges=False), st.integers(0, 2**32 - 1))
def test_soft_targets_match_the_reference(batch, seed):
    y_pred, _ = batch
    soft = np.random.default_rng(seed).dirichlet(np.ones(y_pred.shape[1]), size=y_pred.shape[0])
    rtol = 1e-5 if y_pred.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(
        CategoricalCrossentropy().forward(y_pred, soft), cross_entropy(y_pred.astype(np.float64), soft), rtol=rtol
    )


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 20), st.integers(2, 8), st.floats(1e-3, 1e4), st.integers(0, 2**32 - 1))
def test_from_logits_matches_reference_and_softmax_then_log(n, k, scale, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, k)) * scale
    labels = rng.integers(0, k, size=n)
    loss = CategoricalCrossentropy(from_logits=True)
    expected = cross_entropy_from_logits(logits, labels)
    np.testing.assert_allclose(loss.forward(logits, labels), expected, rtol=1e-9, atol=1e-9)
    assert np.all(np.isfinite(loss.forward(logits, labels)))
    np.testing.assert_allclose(loss.forward(logits, np.eye(k)[labels]), expected, rtol=1e-9, atol=1e-9)
    if scale < 10:  # where softmax does not underflow, the unfused route agrees
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        np.testing.assert_allclose(CategoricalCrossentropy(epsilon=1e-300).forward(probs, labels), expected, rtol=1e-9)


@settings(max_examples=50, deadline=None)
@given(batches())
def test_never_modifies_the_callers_arrays(batch):
    y_pred, labels = batch
    one_hot = np.eye(y_pred.shape[1])[labels]
    copies = [y_pred.copy(), labels.copy(), one_hot.copy()]
    CategoricalCrossentropy().calculate(y_pred, labels)
    CategoricalCrossentropy().calculate(y_pred, one_hot)
    CategoricalCrossentropy(from_logits=True).calculate(y_pred, labels)
    for before, after in zip(copies, [y_pred, labels, one_hot]):
        np.testing.assert_array_equal(before, after)


@settings(max_examples=50, deadline=None)
@given(batches())
def test_losses_are_non_negative_and_bounded_by_the_clip(batch):
    y_pred, labels = batch
    losses = CategoricalCrossentropy().forward(y_pred, labels)
    assert np.all(losses >= 0)
    assert np.all(losses <= -math.log(1e-7) * (1 + 1e-6))


def test_non_contiguous_predictions_give_the_same_losses():
    wide = np.asfortranarray(np.random.default_rng(0).dirichlet(np.ones(4), size=50))
    labels = np.arange(50) % 4
    np.testing.assert_allclose(
        CategoricalCrossentropy().forward(wide, labels), cross_entropy(wide, labels), rtol=1e-12
    )
    strided = np.random.default_rng(1).dirichlet(np.ones(4), size=100)[::2]
    np.testing.assert_allclose(
        CategoricalCrossentropy().forward(strided, labels), cross_entropy(strided, labels), rtol=1e-12
    )


@pytest.mark.parametrize("dtype", [np.uint8, np.uint64, np.int32, np.int64, np.float32, ">i8", ">u2"])
def test_labels_of_any_integer_like_dtype(dtype):
    y_pred = np.array([[0.7, 0.3], [0.4, 0.6]])
    expected = -(math.log(0.7) + math.log(0.6)) / 2
    assert CategoricalCrossentropy().calculate(y_pred, np.array([0, 1]).astype(dtype)) == pytest.approx(expected)


# --- inputs that fast paths used to misread ------------------------------------------

from lossbook import accuracy  # noqa: E402


def test_big_endian_predictions_are_checked_and_computed_by_value():
    loss = CategoricalCrossentropy()
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        loss.calculate(np.array([[2.0, -2.0, 0.5]], dtype=">f8"), [0])
    for dtype in (">f8", ">f4"):
        big = BATCH.astype(dtype)
        np.testing.assert_allclose(loss.forward(big, TARGETS), loss.forward(BATCH, TARGETS), rtol=1e-6)
    np.testing.assert_allclose(CategoricalCrossentropy(from_logits=True).forward(BATCH.astype(">f8"), TARGETS),
                               cross_entropy_from_logits(BATCH, TARGETS), rtol=1e-12)


def test_long_double_predictions_give_the_float64_result():
    loss = CategoricalCrossentropy()
    result = loss.calculate(BATCH.astype(np.longdouble), TARGETS)
    assert result == pytest.approx(0.38506088005216804, rel=1e-15)
    with pytest.raises(ValueError, match="probabilities"):
        loss.calculate(np.array([[1.5, -0.5]], dtype=np.longdouble), [0])


@pytest.mark.parametrize("epsilon", ["1e-7", None, np.array([1e-7]), [1e-7], True, float("nan"), complex(1e-7)])
def test_epsilon_of_the_wrong_type_is_a_value_error(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        CategoricalCrossentropy(epsilon=epsilon)


def test_epsilon_that_underflows_in_float32_is_a_value_error_not_inf():
    loss = CategoricalCrossentropy(epsilon=1e-50)
    with pytest.raises(ValueError, match="is 0 in float32"):
        loss.forward(np.array([[0.0, 1.0]], dtype=np.float32), [0])
    assert loss.forward(np.array([[0.0, 1.0]]), [0])[0] == pytest.approx(-math.log(1e-50))  # fine in float64
    assert np.isfinite(CategoricalCrossentropy(epsilon=np.float32(1e-7)).forward(
        np.array([[0.0, 1.0]], dtype=np.float32), [0])).all()


def test_accuracy_rejects_nan_scores():
    with pytest.raises(ValueError, match="NaN"):
        accuracy(np.array([[np.nan, 0.2], [0.1, 0.9]]), [1, 1])
    assert accuracy(np.array([[np.inf, 0.2], [-np.inf, 0.9]]), [0, 1]) == 1.0


def test_masked_arrays_are_rejected_not_silently_unmasked():
    masked = np.ma.masked_array(BATCH, mask=np.zeros_like(BATCH, dtype=bool))
    masked[0, 0] = np.ma.masked
    with pytest.raises(ValueError, match="masked"):
        CategoricalCrossentropy().calculate(masked, TARGETS)
    with pytest.raises(ValueError, match="masked"):
        CategoricalCrossentropy().calculate(BATCH, np.ma.masked_array(TARGETS, mask=[0, 1, 0]))
    with pytest.raises(ValueError, match="masked"):
        accuracy(masked, TARGETS)


def test_boolean_one_dimensional_labels_are_rejected():
    with pytest.raises(ValueError, match="booleans"):
        CategoricalCrossentropy().calculate([[0.7, 0.3], [0.2, 0.8]], np.array([True, False]))
    with pytest.raises(ValueError, match="booleans"):
        accuracy([[0.7, 0.3], [0.2, 0.8]], [True, False])
    one_hot = np.array([[True, False], [False, True]])  # 2-D booleans are fine one-hot rows
    assert CategoricalCrossentropy().calculate([[0.7, 0.3], [0.2, 0.8]], one_hot) == \
        pytest.approx(-(math.log(0.7) + math.log(0.8)) / 2)
