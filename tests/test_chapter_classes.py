"""The classes a chapter builds agree with the package: same inputs, same outputs.

Chapter 6 builds ``Loss`` and ``CategoricalCrossentropy`` in the open, chapter 7 an
``accuracy`` function. The cells that define them carry the tag ``chapter-class``;
they are run here in a fresh namespace and compared with ``lossbook`` on many inputs.
"""
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import lossbook as lb

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def chapter_namespace(filename):
    """Run the notebook's ``chapter-class`` cells with only ``np`` defined; return the names."""
    notebook = nbformat.read(NOTEBOOKS / filename, as_version=4)
    sources = [cell.source for cell in notebook.cells
               if cell.cell_type == "code" and "chapter-class" in cell.metadata.get("tags", [])]
    assert sources, f"{filename} has no code cell tagged 'chapter-class'"
    namespace = {"np": np}
    for source in sources:
        exec(compile(source, f"{filename} (chapter-class cell)", "exec"), namespace)
    return namespace


CH6 = chapter_namespace("06_the_loss_class.ipynb")
CH7 = chapter_namespace("07_accuracy.ipynb")


@st.composite
def batches(draw, max_samples=20, max_classes=6):
    """Predictions in [0, 1] (hypothesis likes exact 0s and 1s) and sparse labels."""
    n_samples = draw(st.integers(1, max_samples))
    n_classes = draw(st.integers(2, max_classes))
    width = draw(st.sampled_from([32, 64]))
    y_pred = draw(hnp.arrays(
        np.float32 if width == 32 else np.float64,
        (n_samples, n_classes),
        elements=st.floats(0, 1, width=width),
    ))
    labels = draw(hnp.arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    return y_pred, labels


def one_hot(labels, n_classes):
    return np.eye(n_classes)[labels]


def assert_same(chapter, package, dtype):
    # float64 must agree to the last few bits. With float32 predictions and float64
    # one-hot targets the chapter's product promotes to float64 while the package
    # stays in float32, so allow float32 rounding there.
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(chapter, package, rtol=rtol, atol=0)


@settings(max_examples=300, deadline=None)
@given(batches(), st.booleans())
def test_chapter6_loss_matches_package(batch, use_one_hot):
    y_pred, labels = batch
    y_true = one_hot(labels, y_pred.shape[1]) if use_one_hot else labels
    chapter = CH6["CategoricalCrossentropy"]()
    package = lb.CategoricalCrossentropy()

    chapter_losses = chapter.forward(y_pred, y_true)
    package_losses = package.forward(y_pred, y_true)
    assert chapter_losses.shape == package_losses.shape == (len(y_pred),)
    assert np.isfinite(package_losses).all()
    assert_same(chapter_losses, package_losses, y_pred.dtype)
    assert_same(chapter.calculate(y_pred, y_true), package.calculate(y_pred, y_true), y_pred.dtype)


def test_chapter6_loss_is_a_loss_subclass():
    assert issubclass(CH6["CategoricalCrossentropy"], CH6["Loss"])
    assert "calculate" not in CH6["CategoricalCrossentropy"].__dict__  # inherited, as in the text


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_chapter6_loss_at_exact_zero_and_one(dtype):
    # Confidence 0 and 1 in the correct class: both sides clip to [1e-7, 1 - 1e-7].
    y_pred = np.array([[0, 1, 0], [1, 0, 0], [0.5, 0.5, 0]], dtype=dtype)
    labels = np.array([0, 0, 2])
    expected = -np.log(np.clip(y_pred[[0, 1, 2], labels], 1e-7, 1 - 1e-7))  # independent reference
    for y_true in (labels, one_hot(labels, 3)):
        chapter = CH6["CategoricalCrossentropy"]().forward(y_pred, y_true)
        package = lb.CategoricalCrossentropy().forward(y_pred, y_true)
        assert_same(chapter, expected, dtype)
        assert_same(package, expected, dtype)


def test_chapter6_manual_batch():
    y_pred = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    labels = np.array([0, 1, 1])
    expected = np.mean([-np.log(0.7), -np.log(0.5), -np.log(0.9)])
    for y_true in (labels, one_hot(labels, 3)):
        assert CH6["CategoricalCrossentropy"]().calculate(y_pred, y_true) == pytest.approx(expected, rel=1e-15)
        assert lb.CategoricalCrossentropy().calculate(y_pred, y_true) == pytest.approx(expected, rel=1e-15)


def reference_accuracy(y_pred, labels):
    """Plain Python: first index of the row maximum, compared with the label."""
    hits = [max(range(len(row)), key=lambda j: (row[j], -j)) == label for row, label in zip(y_pred.tolist(), labels)]
    return sum(hits) / len(hits)


@settings(max_examples=300, deadline=None)
@given(batches(), st.booleans(), st.booleans())
def test_chapter7_accuracy_matches_package(batch, use_one_hot, coarse):
    y_pred, labels = batch
    if coarse:  # few distinct values: many ties in a row, argmax must pick the first
        y_pred = np.round(y_pred * 2) / 2
    y_true = one_hot(labels, y_pred.shape[1]) if use_one_hot else labels
    chapter = CH7["accuracy"](y_pred, y_true)
    package = lb.accuracy(y_pred, y_true)
    assert chapter == package == reference_accuracy(y_pred, labels)


def test_chapter7_accuracy_example():
    y_pred = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]])
    labels = np.array([0, 1, 1])
    for y_true in (labels, one_hot(labels, 3)):
        assert CH7["accuracy"](y_pred, y_true) == lb.accuracy(y_pred, y_true) == 2 / 3
