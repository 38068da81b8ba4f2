"""How fast is CategoricalCrossentropy().calculate? Ratios from one run.

1,000,000 x 10 float32 probabilities with sparse labels, validation included.
Every time is a median over several repeats; ratios compare against one memory
pass over the same array (np.max), so they mean the same on a fast or slow machine.

    python benchmarks/bench_loss.py
"""
import math
import statistics
import time

import numpy as np
from sklearn.metrics import log_loss

from lossbook import CategoricalCrossentropy

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


if __name__ == "__main__":
    main()
