"""Dense, ReLU, Softmax and accuracy: nnfs's numbers, properties and errors."""
import nnfs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossbook import CategoricalCrossentropy, Dense, ReLU, Softmax, accuracy


@pytest.fixture
def nnfs_init():
    """Run ``nnfs.init()`` for one test, then undo its global patches to NumPy.

    nnfs is imported at the top of this file: without it the test fails, never skips.
    """
    patched = [(np, "dot"), (np, "zeros"), (np, "eye"), (np.random, "randn")]
    saved = [getattr(module, name) for module, name in patched]
    state = np.random.get_state()
    nnfs.init()
    yield
    for (module, name), original in zip(patched, saved):
        setattr(module, name, original)
    np.random.set_state(state)


def test_spiral_forward_pass_reproduces_the_nnfs_book(nnfs_init):
    from nnfs.datasets import spiral_data

    X, y = spiral_data(samples=100, classes=3)
    dense1, relu, dense2, softmax = Dense(2, 3), ReLU(), Dense(3, 3), Softmax()
    dense1.forward(X)
    relu.forward(dense1.output)
    dense2.forward(relu.output)
    softmax.forward(dense2.output)
    loss = CategoricalCrossentropy().calculate(softmax.output, y)
    assert str(loss) == "1.0986104"
    assert accuracy(softmax.output, y) == 0.34
    assert str(softmax.output[:2]).split() == (
        "[[0.33333334 0.33333334 0.33333334] [0.3333332 0.3333332 0.33333364]]".split()
    )


def test_dense_starts_small_and_unbiased():
    np.random.seed(0)
    layer = Dense(4, 5)
    assert layer.weights.shape == (4, 5) and layer.biases.shape == (1, 5)
    assert np.all(layer.biases == 0) and np.abs(layer.weights).max() < 0.1
    inputs = np.random.randn(7, 4)
    np.testing.assert_allclose(layer.forward(inputs), inputs @ layer.weights)
    assert layer.output is not None and layer.output.shape == (7, 5)


def test_relu_zeroes_negatives_only():
    inputs = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_array_equal(ReLU().forward(inputs), [[0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(inputs, [[-2.0, 0.0, 3.0]])


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 20), st.integers(1, 8), st.floats(1e-3, 1e3), st.integers(0, 2**32 - 1))
def test_softmax_rows_are_distributions_in_score_order(n, k, scale, seed):
    scores = np.random.default_rng(seed).normal(size=(n, k)) * scale
    probs = Softmax().forward(scores)
    assert np.all(probs >= 0) and np.all(np.isfinite(probs))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(np.argmax(probs, axis=1), np.argmax(scores, axis=1))


def test_accuracy_example_from_chapter_6_in_both_target_forms():
    outputs = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]])
    assert accuracy(outputs, [0, 1, 1]) == 0.6666666666666666
    assert accuracy(outputs, np.eye(3)[[0, 1, 1]]) == 0.6666666666666666


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_accuracy_counts_matching_argmaxes(n, k, seed):
    rng = np.random.default_rng(seed)
    outputs, labels = rng.random((n, k)), rng.integers(0, k, size=n)
    hits = sum(int(row.argmax() == label) for row, label in zip(outputs, labels))
    assert accuracy(outputs, labels) == pytest.approx(hits / n)


@pytest.mark.parametrize(
    "outputs, targets, words",
    [
        ([0.7, 0.2, 0.1], [0], "2-D"),
        (np.zeros((0, 3)), [], "non-empty"),
        (np.eye(3), [0, 1], "one label per sample"),
        (np.eye(3), np.eye(2), "shape"),
        (np.eye(3), [0, 1, 5], "0 to 2"),
        ([["a", "b"]], [0], "numbers"),
    ],
)
def test_accuracy_rejects_mismatched_shapes(outputs, targets, words):
    with pytest.raises(ValueError, match=words):
        accuracy(outputs, targets)
