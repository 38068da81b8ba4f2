"""How fast are CategoricalCrossentropy and BinaryCrossentropy? Ratios from one run.

1,000,000 x 10 float32 predictions, validation included: probabilities with sparse
labels for the categorical loss; probabilities and logits with ten 0/1 labels per
sample (multi-label) for the binary loss. Every time is a median over several
repeats; ratios compare against one memory pass over the same array (np.max), so
they mean the same on a fast or slow machine.

    python benchmarks/bench_loss.py
"""
import math
import statistics
import time

import numpy as np
from sklearn.metrics import log_loss

from lossbook import BinaryCrossentropy, CategoricalCrossentropy

N_SAMPLES, N_CLASSES = 1_000_000, 10


def median_seconds(fn, repeats):
    fn()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def nnfs_book_loss(y_pred, y_true):
    """The nnfs book's chapter-5 code: clip everything, then index with range(n)."""
    samples = len(y_pred)
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    correct_confidences = y_pred_clipped[range(samples), y_true]
    return np.mean(-np.log(correct_confidences))


def python_loop_loss(y_pred, y_true):
    """One sample at a time, as a first attempt would."""
    total = 0.0
    for row, label in zip(y_pred, y_true):
        total += -math.log(min(max(float(row[label]), 1e-7), 1 - 1e-7))
    return total / len(y_true)


def textbook_binary_loss(y_pred, y_true):
    """Binary cross-entropy as the formula reads, on whole arrays."""
    p = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)))


def binary(rng):
    """The binary loss on 1e6 x 10 multi-label batches; returns the lossbook/one-pass ratios."""
    y_pred = rng.random((N_SAMPLES, N_CLASSES), dtype=np.float32)
    logits = rng.normal(scale=4.0, size=(N_SAMPLES, N_CLASSES)).astype(np.float32)
    y_true = (rng.random((N_SAMPLES, N_CLASSES)) < 0.3).astype(np.float32)
    loss, from_logits = BinaryCrossentropy(), BinaryCrossentropy(from_logits=True)
    assert math.isclose(loss.calculate(y_pred, y_true), textbook_binary_loss(y_pred, y_true), rel_tol=1e-5)

    timings = {
        "one memory pass (np.max)": median_seconds(lambda: np.max(y_pred), 21),
        "lossbook, probabilities": median_seconds(lambda: loss.calculate(y_pred, y_true), 11),
        "lossbook, from_logits=True": median_seconds(lambda: from_logits.calculate(logits, y_true), 11),
        "the formula on whole arrays": median_seconds(lambda: textbook_binary_loss(y_pred, y_true), 5),
        "np.log of the array, alone": median_seconds(lambda: np.log(y_pred), 11),
        "sklearn.metrics.log_loss, per label": median_seconds(
            lambda: [log_loss(y_true[:, j], y_pred[:, j], labels=[0, 1]) for j in range(N_CLASSES)], 1
        ),
    }
    one_pass = timings["one memory pass (np.max)"]
    print(f"BinaryCrossentropy().calculate on {N_SAMPLES:,} x {N_CLASSES} float32, ten 0/1 labels per sample")
    print(f"{'':38} {'median ms':>10} {'x one pass':>11}")
    for name, seconds in timings.items():
        print(f"{name:38} {seconds * 1e3:10.1f} {seconds / one_pass:11.1f}")
    return [timings[name] / one_pass for name in ("lossbook, probabilities", "lossbook, from_logits=True")]


def main():
    rng = np.random.default_rng(0)
    y_pred = rng.random((N_SAMPLES, N_CLASSES), dtype=np.float32)
    y_pred /= y_pred.sum(axis=1, keepdims=True)
    y_true = rng.integers(0, N_CLASSES, size=N_SAMPLES)
    loss = CategoricalCrossentropy()

    ours = loss.calculate(y_pred, y_true)
    assert math.isclose(ours, nnfs_book_loss(y_pred, y_true), rel_tol=1e-5)

    timings = {
        "one memory pass (np.max)": median_seconds(lambda: np.max(y_pred), 21),
        "lossbook CategoricalCrossentropy": median_seconds(lambda: loss.calculate(y_pred, y_true), 21),
        "nnfs book code": median_seconds(lambda: nnfs_book_loss(y_pred, y_true), 7),
        "sklearn.metrics.log_loss": median_seconds(
            lambda: log_loss(y_true, y_pred, labels=np.arange(N_CLASSES)), 3
        ),
        "per-sample Python loop": median_seconds(lambda: python_loop_loss(y_pred, y_true), 1),
    }
    one_pass = timings["one memory pass (np.max)"]
    ours_time = timings["lossbook CategoricalCrossentropy"]

    print(f"CategoricalCrossentropy().calculate on {N_SAMPLES:,} x {N_CLASSES} float32, sparse labels")
    print(f"{'':34} {'median ms':>10} {'x one pass':>11} {'x lossbook':>11}")
    for name, seconds in timings.items():
        print(f"{name:34} {seconds * 1e3:10.1f} {seconds / one_pass:11.1f} {seconds / ours_time:11.1f}")
    print()
    print(f"target: lossbook <= 8x one pass      -> {ours_time / one_pass:.1f}x")
    print(f"target: >= 20x faster than sklearn   -> {timings['sklearn.metrics.log_loss'] / ours_time:.0f}x")
    print()
    probabilities, logits = binary(rng)
    print()
    print(f"target: lossbook binary <= 3x one pass -> {probabilities:.1f}x (probabilities), "
          f"{logits:.1f}x (logits)")
    print("  (each label needs a log, or an exp and a log1p: np.log of the array alone is in the table)")


if __name__ == "__main__":
    main()
