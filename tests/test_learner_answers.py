"""Answers real learners write, right and wrong, for every exercise of the book.

Each answer carries the verdict it deserves and the classic mistake it really
makes (or none):

- ``C``: right, on the visible and the hidden cases;
- ``H``: right on the visible cases only (a hard-coded answer, say): ``check()``
  says Correct, the graded test cell must fail;
- ``I``: wrong on the visible cases;
- ``N``: not attempted.

The diagnosis ``check()`` gives must be exactly the labelled mistake (its index in
the exercise's ``mistakes``), or no named mistake where the label is None: a
diagnosis names only a mistake the answer really made. The generated test cell,
exec'd as nbgrader runs it, must agree with ``check()`` on every answer (full cell:
passes exactly for ``C``; released cell: exactly for ``C`` and ``H``).

Besides the answers written here, every exercise with arguments gets one that
hard-codes the visible cases' answers (verdict ``H``: the hidden cases catch it).
"""
from __future__ import annotations

import contextlib
import copy
import io
import math
import warnings
from collections import Counter

import numpy as np
import pytest

from lossbook.exercises import _cells, _grading, all_exercises
from lossbook.student import BEGIN_HIDDEN, END_HIDDEN, strip_region

EXERCISES = {exercise.name: exercise for _, exercise in all_exercises()}
ANSWERS: dict[str, list] = {name: [] for name in EXERCISES}


def answer(name, label, verdict, mistake=None):
    """Register the decorated function as an answer to exercise ``name``."""
    def register(function):
        ANSWERS[name].append((label, function, verdict, mistake))
        return function
    return register


def constant(name, value, verdict, mistake=None, label=None):
    """An answer that returns ``value`` (a predict question's answer)."""
    ANSWERS[name].append((label or f"returns {value!r}", lambda *args: value, verdict, mistake))


def constants(name, rows):
    for row in rows:
        constant(name, *row)


def _stub(*args):
    raise NotImplementedError()


# --- chapter 1 --------------------------------------------------------------------------

constants("ch1.q1", [("bac", "C"), ("BAC", "C"), (" bac\n", "C"), ("cab", "I", 0), ("abc", "I", 1),
                     ("bca", "I"), ("acb", "I"), (["b", "a", "c"], "I"), ("b, a, c", "I"), ("ba", "I")])


@answer("ch1.q2", "a loop over the other classes", "C")
def _(softmax_output, target):
    best = -1.0
    for i, p in enumerate(softmax_output):
        if i != target and p > best:
            best = p
    return softmax_output[target] - best


@answer("ch1.q2", "math and a list without the target", "C")
def _(softmax_output, target):
    others = [float(p) for i, p in enumerate(softmax_output) if i != target]
    return float(softmax_output[target]) - max(others)


@answer("ch1.q2", "np.delete", "C")
def _(softmax_output, target):
    return softmax_output[target] - np.max(np.delete(softmax_output, target))


@answer("ch1.q2", "sorted, second largest when the target leads", "C")
def _(softmax_output, target):
    p = list(softmax_output)
    first, second = sorted(p)[-1], sorted(p)[-2]
    return p[target] - (second if p[target] == first else first)


@answer("ch1.q2", "the other classes found by value, not index (ties)", "I")
def _(softmax_output, target):
    return softmax_output[target] - max(p for p in softmax_output if p != softmax_output[target])


@answer("ch1.q2", "minus the highest of all classes", "I", 0)
def _(softmax_output, target):
    return softmax_output[target] - max(softmax_output)


@answer("ch1.q2", "gap between the two highest", "I", 1)
def _(softmax_output, target):
    top = sorted(softmax_output)
    return top[-1] - top[-2]


@answer("ch1.q2", "abs() of the margin", "I", 2)
def _(softmax_output, target):
    others = np.delete(np.asarray(softmax_output), target)
    return abs(softmax_output[target] - others.max())


@answer("ch1.q2", "best other minus the target", "I", 3)
def _(softmax_output, target):
    return np.max(np.delete(softmax_output, target)) - softmax_output[target]


@answer("ch1.q2", "sets the target to -inf in the caller's array", "I")
def _(softmax_output, target):
    p = softmax_output
    right = p[target]
    p[target] = -np.inf
    return right - max(p)


@answer("ch1.q2", "off by one: target + 1", "I")
def _(softmax_output, target):
    return softmax_output[(target + 1) % len(softmax_output)] - np.max(np.delete(softmax_output, target))


@answer("ch1.q2", "a ratio instead of a difference", "I")
def _(softmax_output, target):
    return softmax_output[target] / np.max(np.delete(softmax_output, target))


@answer("ch1.q2", "the target minus the mean of the others", "I")
def _(softmax_output, target):
    return softmax_output[target] - np.mean(np.delete(softmax_output, target))


# --- chapter 2 --------------------------------------------------------------------------

constants("ch2.q1", [(0.368, "C"), (0.37, "C"), (math.exp(-1), "C"), (1 / math.e, "C"),
                     (np.float32(0.3679), "C"), (0.36, "I"), (0.38, "I"), (0.1, "I", 0), (0.5, "I", 1),
                     (2.718, "I", 2), (2.72, "I", 2), (-1, "I"), ("0.37", "I"), (1.0, "I")])
constants("ch2.q2", [("the same", "C"), ("The same", "C"), (" THE SAME ", "C"), ("0.8 to 0.4", "I", 0),
                     ("0.1 to 0.05", "I", 1), ("0.8 to 0.04", "I"), ("same?", "I"), (0.693, "I")])


@answer("ch2.q3", "math.exp of the difference", "C")
def _(loss_a, loss_b):
    return math.exp(loss_b - loss_a)


@answer("ch2.q3", "the two confidences divided", "C")
def _(loss_a, loss_b):
    return np.exp(-loss_a) / np.exp(-loss_b)


@answer("ch2.q3", "one over exp(a - b)", "C")
def _(loss_a, loss_b):
    return 1 / math.exp(loss_a - loss_b)


@answer("ch2.q3", "e ** (b - a) in float32", "C")
def _(loss_a, loss_b):
    return np.float32(math.e) ** np.float32(loss_b - loss_a)


@answer("ch2.q3", "B over A", "I", 0)
def _(loss_a, loss_b):
    return math.exp(-loss_b) / math.exp(-loss_a)


@answer("ch2.q3", "a ratio of losses", "I", 1)
def _(loss_a, loss_b):
    return loss_b / loss_a if loss_a else math.inf


@answer("ch2.q3", "the difference of the losses", "I", 2)
def _(loss_a, loss_b):
    return loss_b - loss_a


@answer("ch2.q3", "10 ** difference", "I", 3)
def _(loss_a, loss_b):
    return 10 ** (loss_b - loss_a)


@answer("ch2.q3", "2 ** difference", "I", 4)
def _(loss_a, loss_b):
    return 2 ** (loss_b - loss_a)


@answer("ch2.q3", "rounded to two decimals", "I")
def _(loss_a, loss_b):
    return round(math.exp(loss_b - loss_a), 2)


@answer("ch2.q3", "A over B of the losses (ratio the other way)", "I")
def _(loss_a, loss_b):
    return loss_a / loss_b


@answer("ch2.q3", "exp(b) - exp(a)", "I")
def _(loss_a, loss_b):
    return math.exp(loss_b) - math.exp(loss_a)


@answer("ch2.q4", "list.index", "C")
def _(softmax_output, target_output):
    return -math.log(softmax_output[target_output.index(1)])


@answer("ch2.q4", "the full sum with a loop", "C")
def _(softmax_output, target_output):
    return -sum(y * math.log(p) for p, y in zip(softmax_output, target_output))


@answer("ch2.q4", "NumPy full sum", "C")
def _(softmax_output, target_output):
    return -np.sum(np.array(target_output) * np.log(softmax_output))


@answer("ch2.q4", "np.argmax of the target", "C")
def _(softmax_output, target_output):
    return -np.log(softmax_output[np.argmax(target_output)])


@answer("ch2.q4", "the given buggy code", "I", 0)
def _(softmax_output, target_output):
    return -math.log(max(softmax_output))


@answer("ch2.q4", "always class 0", "I", 1)
def _(softmax_output, target_output):
    return -math.log(softmax_output[0])


@answer("ch2.q4", "-log of every class", "I", 2)
def _(softmax_output, target_output):
    return -np.sum(np.log(softmax_output))


@answer("ch2.q4", "no minus", "I", 3)
def _(softmax_output, target_output):
    return math.log(softmax_output[target_output.index(1)])


@answer("ch2.q4", "log10", "I", 4)
def _(softmax_output, target_output):
    return -math.log10(softmax_output[target_output.index(1)])


@answer("ch2.q4", "log2", "I", 5)
def _(softmax_output, target_output):
    return -np.log2(softmax_output[target_output.index(1)])


@answer("ch2.q4", "mean over the classes of -y log p", "I")
def _(softmax_output, target_output):
    return np.mean(-np.array(target_output) * np.log(softmax_output))


@answer("ch2.q4", "1 - confidence", "I")
def _(softmax_output, target_output):
    return 1 - softmax_output[target_output.index(1)]


@answer("ch2.q4", "max, with a minus lost too", "I")
def _(softmax_output, target_output):
    return math.log(max(softmax_output))


# --- chapter 3 --------------------------------------------------------------------------

constants("ch3.q1", [([0.7, 1.4, 0.0], "C"), ((0.7, 1.4, 0), "C"), (np.array([0.7, 1.4, 0.0]), "C"),
                     ([0.70, 1.40, 0.00], "C"), ([0.7, 0.5, 0.9], "I", 0), (2.1, "I", 1), ([1, 2, 0], "I", 2),
                     ([0.7, 1.4], "I"), ([[0.7, 1.4, 0.0]], "I"), ([0.7, 1.3, 0.0], "I"), ("0.7, 1.4, 0", "I")])
constants("ch3.q2", [(0.154, "C"), (0.15, "C"), (0.1540, "C"), (0.16, "I"), (0.231, "I", 0), (0.23, "I", 0),
                     (0.46, "I", 1), (0.462, "I", 1), (0, "I", 2), (-0.15, "I", 3), (0.067, "I", 4),
                     (0.07, "I", 4), (0.22, "I", 5), (0.385, "I"), (0.5, "I")])


@answer("ch3.q3", "np.eye indexed", "C")
def _(class_targets, n_classes):
    return np.eye(n_classes)[class_targets]


@answer("ch3.q3", "a loop over the samples", "C")
def _(class_targets, n_classes):
    rows = np.zeros((len(class_targets), n_classes))
    for i, k in enumerate(class_targets):
        rows[i, k] = 1
    return rows


@answer("ch3.q3", "a list of lists of ints", "C")
def _(class_targets, n_classes):
    return [[1 if j == k else 0 for j in range(n_classes)] for k in class_targets]


@answer("ch3.q3", "comparison with np.arange, as ints", "C")
def _(class_targets, n_classes):
    return (class_targets[:, None] == np.arange(n_classes)).astype(int)


@answer("ch3.q3", "fancy assignment", "C")
def _(class_targets, n_classes):
    rows = np.zeros((len(class_targets), n_classes), dtype=np.float32)
    rows[np.arange(len(class_targets)), class_targets] = 1
    return rows


@answer("ch3.q3", "np.eye(len(targets))", "I", 0)
def _(class_targets, n_classes):
    return np.eye(len(class_targets))[class_targets]


@answer("ch3.q3", "columns of the identity", "I", 1)
def _(class_targets, n_classes):
    return np.eye(n_classes)[:, class_targets]


@answer("ch3.q3", "classes counted from the largest label", "I", 2)
def _(class_targets, n_classes):
    return np.eye(max(class_targets) + 1)[class_targets]


@answer("ch3.q3", "the whole identity", "I", 3)
def _(class_targets, n_classes):
    return np.eye(n_classes)


@answer("ch3.q3", "off by one: class k - 1", "I")
def _(class_targets, n_classes):
    return np.eye(n_classes)[class_targets - 1]


@answer("ch3.q3", "np.eye(n_classes + 1)", "I")
def _(class_targets, n_classes):
    return np.eye(n_classes + 1)[class_targets]


@answer("ch3.q3", "the class indices back", "I")
def _(class_targets, n_classes):
    return np.asarray(class_targets)


@answer("ch3.q4", "sum along axis 1", "C")
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.log(np.sum(softmax_outputs * one_hot_targets, axis=1)))


@answer("ch3.q4", "argmax of the targets, then pick", "C")
def _(softmax_outputs, one_hot_targets):
    picked = softmax_outputs[np.arange(len(softmax_outputs)), np.argmax(one_hot_targets, axis=1)]
    return -np.log(picked).mean()


@answer("ch3.q4", "the full formula, sum then mean", "C")
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.sum(one_hot_targets * np.log(softmax_outputs), axis=1))


@answer("ch3.q4", "a loop with math", "C")
def _(softmax_outputs, one_hot_targets):
    total = 0.0
    for row, target in zip(softmax_outputs, one_hot_targets):
        total += -math.log(float(np.dot(row, target)))
    return total / len(softmax_outputs)


@answer("ch3.q4", "the given buggy code", "I", 0)
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.log(np.sum(softmax_outputs * one_hot_targets)))


@answer("ch3.q4", "sum along axis 0", "I", 1)
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.log(np.sum(softmax_outputs * one_hot_targets, axis=0)))


@answer("ch3.q4", "per-sample losses", "I", 2)
def _(softmax_outputs, one_hot_targets):
    return -np.log(np.sum(softmax_outputs * one_hot_targets, axis=1))


@answer("ch3.q4", "np.mean over every entry", "I", 3)
def _(softmax_outputs, one_hot_targets):
    return np.mean(-one_hot_targets * np.log(softmax_outputs))


@answer("ch3.q4", "sum of the losses", "I", 4)
def _(softmax_outputs, one_hot_targets):
    return np.sum(-np.log(np.sum(softmax_outputs * one_hot_targets, axis=1)))


@answer("ch3.q4", "no minus", "I", 5)
def _(softmax_outputs, one_hot_targets):
    return np.mean(np.log(np.sum(softmax_outputs * one_hot_targets, axis=1)))


@answer("ch3.q4", "log10", "I", 6)
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.log10(np.sum(softmax_outputs * one_hot_targets, axis=1)))


@answer("ch3.q4", "log2", "I", 7)
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.log2(np.sum(softmax_outputs * one_hot_targets, axis=1)))


@answer("ch3.q4", "-log of the mean confidence", "I")
def _(softmax_outputs, one_hot_targets):
    return -np.log(np.mean(np.sum(softmax_outputs * one_hot_targets, axis=1)))


@answer("ch3.q4", "the highest confidence of each row", "I")
def _(softmax_outputs, one_hot_targets):
    return np.mean(-np.log(np.max(softmax_outputs, axis=1)))


@answer("ch3.q4", "sum instead of mean, and log10", "I")
def _(softmax_outputs, one_hot_targets):
    return np.sum(-np.log10(np.sum(softmax_outputs * one_hot_targets, axis=1)))


# --- chapter 4 --------------------------------------------------------------------------

constants("ch4.q1", [("zero", "C"), ("Zero", "C"), (" zero ", "C"), ("a tiny number", "I", 0),
                     ("an error", "I", 1), ("tiny", "I"), (0.0, "I"), ("0", "I")])
constants("ch4.q2", [("Y", "C"), ("y", "C"), (" Y", "C"), ("X", "I", 0), ("a tie", "I", 1), ("tie", "I"),
                     ("model Y", "I"), (0.4995, "I")])


@answer("ch4.q3", "exp of minus the mean", "C")
def _(losses):
    return np.exp(-np.mean(losses))


@answer("ch4.q3", "math, sum over len", "C")
def _(losses):
    return math.exp(-sum(losses) / len(losses))


@answer("ch4.q3", "geometric mean via logs of the confidences", "C")
def _(losses):
    confidences = np.exp(-np.asarray(losses, dtype=np.float64))
    return np.exp(np.mean(np.log(confidences)))


@answer("ch4.q3", "geometric mean via a product (underflows for 500 samples)", "I")
def _(losses):
    confidences = np.exp(-np.asarray(losses, dtype=np.float64))
    return np.prod(confidences) ** (1 / len(confidences))


@answer("ch4.q3", "the average confidence", "I", 0)
def _(losses):
    return np.mean([math.exp(-x) for x in losses])


@answer("ch4.q3", "exp of plus the mean", "I", 1)
def _(losses):
    return np.exp(np.mean(losses))


@answer("ch4.q3", "10 ** -mean", "I", 2)
def _(losses):
    return 10 ** -np.mean(losses)


@answer("ch4.q3", "2 ** -mean", "I", 3)
def _(losses):
    return 2 ** -np.mean(losses)


@answer("ch4.q3", "exp of minus the sum", "I", 4)
def _(losses):
    return np.exp(-np.sum(losses))


@answer("ch4.q3", "the mean loss itself", "I")
def _(losses):
    return np.mean(losses)


@answer("ch4.q3", "exp of minus the median", "I")
def _(losses):
    return np.exp(-np.median(losses))


@answer("ch4.q3", "one confidence per sample", "I")
def _(losses):
    return np.exp(-np.asarray(losses))


@answer("ch4.q4", "entropy of the frequencies", "C")
def _(labels, n_classes):
    counts = np.bincount(labels, minlength=n_classes)
    f = counts[counts > 0] / len(labels)
    return -np.sum(f * np.log(f))


@answer("ch4.q4", "the mean loss of q = f over the samples", "C")
def _(labels, n_classes):
    labels = np.asarray(labels)
    f = np.bincount(labels, minlength=n_classes) / len(labels)
    return np.mean(-np.log(f[labels]))


@answer("ch4.q4", "Counter and math", "C")
def _(labels, n_classes):
    n = len(labels)
    return -sum(c / n * math.log(c / n) for c in Counter(list(labels)).values())


@answer("ch4.q4", "np.unique counts, nansum", "C")
def _(labels, n_classes):
    _, counts = np.unique(labels, return_counts=True)
    f = counts / counts.sum()
    return -np.nansum(f * np.log(f))


@answer("ch4.q4", "the uniform guess, log n", "I", 0)
def _(labels, n_classes):
    return math.log(n_classes)


@answer("ch4.q4", "0 log 0 left as nan", "I", 1)
def _(labels, n_classes):
    f = np.bincount(labels, minlength=n_classes) / len(labels)
    return -np.sum(f * np.log(f))


@answer("ch4.q4", "entropy in bits", "I", 2)
def _(labels, n_classes):
    _, counts = np.unique(labels, return_counts=True)
    f = counts / len(labels)
    return -np.sum(f * np.log2(f))


@answer("ch4.q4", "entropy with log10", "I", 3)
def _(labels, n_classes):
    _, counts = np.unique(labels, return_counts=True)
    f = counts / len(labels)
    return -np.sum(f * np.log10(f))


@answer("ch4.q4", "the entropy without its minus", "I", 4)
def _(labels, n_classes):
    _, counts = np.unique(labels, return_counts=True)
    f = counts / len(labels)
    return np.sum(f * np.log(f))


@answer("ch4.q4", "log of the number of classes that occur", "I")
def _(labels, n_classes):
    return math.log(len(set(list(labels))))


@answer("ch4.q4", "mean instead of sum over the classes", "I")
def _(labels, n_classes):
    _, counts = np.unique(labels, return_counts=True)
    f = counts / len(labels)
    return -np.mean(f * np.log(f))


@answer("ch4.q4", "counts, not frequencies", "I")
def _(labels, n_classes):
    _, counts = np.unique(labels, return_counts=True)
    return -np.sum(counts * np.log(counts / len(labels)))


@answer("ch4.q4", "array-only: labels.size on a list (the task says a list or a 1-D array)", "I")
def _(labels, n_classes):
    counts = np.bincount(labels, minlength=n_classes)
    f = counts[counts > 0] / labels.size
    return -np.sum(f * np.log(f))


# --- chapter 5 --------------------------------------------------------------------------

constants("ch5.q1", [((0.0, 16.118), "C"), ((1e-7, 16.118), "C"), ([0, 16.1181], "C"),
                     ((-np.log(1 - 1e-7), -np.log(1e-7)), "C"), ((0.0, 16.12), "I"), ((0.0, np.inf), "I", 0),
                     ((0.0, 7.0), "I", 1), ((0, 23.253), "I", 2), ((16.118, 0.0), "I", 3),
                     ((-0.0, -16.118), "I", 4), ((-16.118, 0.0), "I", 5), ((1e-7, 1 - 1e-7), "I", 6),
                     (16.118, "I"), ((0.0, 1.0), "I", 6), ((0.0, 16.118, 0.0), "I")])
constants("ch5.q2", [("negative", "C"), ("Negative", "C"), ("zero", "I", 0), ("positive", "I", 1),
                     ("neg", "I"), ("-", "I"), (-1e-7, "I")])


@answer("ch5.q3", "np.maximum on the log", "C")
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return -np.maximum(np.log(correct_confidences), -100)


@answer("ch5.q3", "np.minimum on the loss", "C")
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return np.minimum(-np.log(correct_confidences), 100.0)


@answer("ch5.q3", "a loop with math, returns a list", "C")
def _(correct_confidences):
    return [100.0 if p == 0 else min(-math.log(p), 100.0) for p in correct_confidences]


@answer("ch5.q3", "np.clip of the loss", "C")
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return np.clip(-np.log(correct_confidences), None, 100)


@answer("ch5.q3", "clip the confidence at exp(-100) (the same rule)", "C")
def _(correct_confidences):
    return -np.log(np.maximum(correct_confidences, np.exp(-100.0)))


@answer("ch5.q3", "the chapter's clip", "I", 0)
def _(correct_confidences):
    return -np.log(np.clip(correct_confidences, 1e-7, 1 - 1e-7))


@answer("ch5.q3", "1e-7 added", "I", 1)
def _(correct_confidences):
    return -np.log(correct_confidences + 1e-7)


@answer("ch5.q3", "np.maximum on the loss", "I", 2)
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return np.maximum(-np.log(correct_confidences), 100)


@answer("ch5.q3", "the clamped log without the minus", "I", 3)
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return np.maximum(np.log(correct_confidences), -100)


@answer("ch5.q3", "log10", "I", 4)
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return -np.maximum(np.log10(correct_confidences), -100)


@answer("ch5.q3", "log2", "I", 5)
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return -np.maximum(np.log2(correct_confidences), -100)


@answer("ch5.q3", "the mean", "I", 6)
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return np.mean(np.minimum(-np.log(correct_confidences), 100))


@answer("ch5.q3", "replaces the zeros in the caller's array", "I")
def _(correct_confidences):
    correct_confidences[correct_confidences == 0] = np.exp(-100.0)
    return -np.log(np.maximum(correct_confidences, np.exp(-100.0)))


@answer("ch5.q3", "no cap at all", "I")
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return -np.log(correct_confidences)


@answer("ch5.q3", "only the zeros capped", "I")
def _(correct_confidences):
    with np.errstate(divide="ignore"):
        return np.where(np.asarray(correct_confidences) == 0, 100.0, -np.log(correct_confidences))


constants("ch5.q4", [((1.440, 0.385), "C"), ((1.44, 0.385), "C"), ([1.4400, 0.3851], "C"),
                     ((1.44, 0.289), "I", 0), ((1.44, 4.318), "I", 1), ((1.44, np.inf), "I", 2),
                     ((0.625, 0.167), "I", 3), ((2.077, 0.556), "I", 4), ((-1.44, -0.385), "I", 5),
                     ((0.385, 1.44), "I", 6), ((1.44, 1.44), "I"), ((1.44, 0.39), "I"), (0.385, "I"),
                     ((1.44, 0.385, "it fell"), "I")])

# --- chapter 6 --------------------------------------------------------------------------


@answer("ch6.q1", "-log(1/n)", "C")
def _(n_classes):
    return -math.log(1 / n_classes)


@answer("ch6.q1", "np.log(n)", "C")
def _(n_classes):
    return np.log(n_classes)


@answer("ch6.q1", "float32 log", "C")
def _(n_classes):
    return np.log(np.float32(n_classes))


@answer("ch6.q1", "the loss of a uniform row, computed", "C")
def _(n_classes):
    row = np.full(n_classes, 1 / n_classes)
    return -np.log(row[0])


@answer("ch6.q1", "the confidence 1/n", "I", 0)
def _(n_classes):
    return 1 / n_classes


@answer("ch6.q1", "log10", "I", 1)
def _(n_classes):
    return math.log10(n_classes)


@answer("ch6.q1", "log2", "I", 2)
def _(n_classes):
    return math.log2(n_classes)


@answer("ch6.q1", "log(1/n), no minus", "I", 3)
def _(n_classes):
    return math.log(1 / n_classes)


@answer("ch6.q1", "-log(n)", "I", 3)
def _(n_classes):
    return -math.log(n_classes)


@answer("ch6.q1", "hard-coded 1.0986", "I", 4)
def _(n_classes):
    return 1.0986


@answer("ch6.q1", "n log n", "I")
def _(n_classes):
    return n_classes * math.log(n_classes)


@answer("ch6.q1", "log(n - 1)", "I")
def _(n_classes):
    return math.log(n_classes - 1)


constants("ch6.q2", [("above", "C"), ("Above", "C"), ("about", "I", 0), ("below", "I", 1), ("higher", "I"),
                     ("above ln 3", "I"), (1.0986, "I")])


def _clip(y_pred):
    return np.clip(y_pred, 1e-7, 1 - 1e-7)


@answer("ch6.q3", "the chapter's two branches, full formula", "C")
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.sum(y_true * np.log(p), axis=1)


@answer("ch6.q3", "indices made one-hot first", "C")
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.sum(y_true * np.log(_clip(y_pred)), axis=1)


@answer("ch6.q3", "einsum", "C")
def _(y_pred, y_true):
    if len(y_true.shape) == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.einsum("ij,ij->i", y_true, np.log(_clip(y_pred)))


@answer("ch6.q3", "a loop over the rows, returns a list", "C")
def _(y_pred, y_true):
    losses = []
    for i, row in enumerate(np.clip(y_pred, 1e-7, 1 - 1e-7)):
        target = np.eye(len(row))[y_true[i]] if y_true.ndim == 1 else y_true[i]
        losses.append(-float(np.sum(target * np.log(row))))
    return losses


@answer("ch6.q3", "log outside the sum", "I", 0)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q3", "the mean", "I", 1)
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return np.mean(-np.sum(y_true * np.log(_clip(y_pred)), axis=1))


@answer("ch6.q3", "no clip", "I", 2)
def _(y_pred, y_true):
    if y_true.ndim == 1:
        return -np.log(y_pred[range(len(y_pred)), y_true])
    return -np.sum(y_true * np.log(y_pred), axis=1)


@answer("ch6.q3", "sum along axis 0", "I", 3)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.sum(y_true * np.log(p), axis=0)


@answer("ch6.q3", "no minus", "I", 4)
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return np.sum(y_true * np.log(_clip(y_pred)), axis=1)


@answer("ch6.q3", "log10", "I", 5)
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.sum(y_true * np.log10(_clip(y_pred)), axis=1)


@answer("ch6.q3", "log2", "I", 6)
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.sum(y_true * np.log2(_clip(y_pred)), axis=1)


@answer("ch6.q3", "clips the bottom end only (the top clip moves a loss by 1e-7 at most)", "C")
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.sum(y_true * np.log(np.maximum(y_pred, 1e-7)), axis=1)


@answer("ch6.q3", "clips the top end only", "I", 2)
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.sum(y_true * np.log(np.minimum(y_pred, 1 - 1e-7)), axis=1)


@answer("ch6.q3", "no branch for class indices", "I")
def _(y_pred, y_true):
    return -np.sum(y_true * np.log(_clip(y_pred)), axis=1)


@answer("ch6.q3", "mean over the classes instead of the sum", "I")
def _(y_pred, y_true):
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.mean(y_true * np.log(_clip(y_pred)), axis=1)


@answer("ch6.q3", "clips the caller's array in place", "I")
def _(y_pred, y_true):
    np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
    if y_true.ndim == 1:
        y_true = np.eye(y_pred.shape[1])[y_true]
    return -np.sum(y_true * np.log(y_pred), axis=1)


@answer("ch6.q3", "a branch left as raise NotImplementedError (says: not attempted)", "N")
def _(y_pred, y_true):
    if y_true.ndim == 1:
        raise NotImplementedError()
    return -np.sum(y_true * np.log(_clip(y_pred)), axis=1)


@answer("ch6.q4", "a column made 1-D with [:, 0]", "C")
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "ravel when the widths differ", "C")
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] != y_pred.shape[1]:
        y_true = y_true.ravel()
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    return -np.log(p[np.arange(len(p)), y_true])


@answer("ch6.q4", "take_along_axis with a column", "C")
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 1:
        y_true = y_true[:, None]
    if y_true.shape[1] == 1:
        return -np.log(np.take_along_axis(p, y_true, axis=1)[:, 0])
    return -np.sum(y_true * np.log(p), axis=1)


@answer("ch6.q4", "np.squeeze (a one-sample column becomes 0-D)", "I")
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = np.squeeze(y_true)
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "the given buggy code", "I", 0)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if len(y_true.shape) == 1:
        return -np.log(p[range(len(y_pred)), y_true])
    return -np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "indexes with the column as it is", "I", 1)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        return -np.log(p[range(len(p)), y_true])
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "the mean", "I", 2)
def _(y_pred, y_true):
    p = _clip(y_pred)
    y_true = y_true.reshape(-1) if y_true.shape[-1] == 1 else np.argmax(y_true, axis=1) if y_true.ndim == 2 \
        else y_true
    return np.mean(-np.log(p[range(len(p)), y_true]))


@answer("ch6.q4", "no clip", "I", 3)
def _(y_pred, y_true):
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_true.ndim == 1:
        return -np.log(y_pred[range(len(y_pred)), y_true])
    return -np.sum(y_true * np.log(y_pred), axis=1)


@answer("ch6.q4", "one-hot rows summed along axis 0", "I", 4)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.sum(y_true * np.log(p), axis=0)


@answer("ch6.q4", "no minus", "I", 5)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_true.ndim == 1:
        return np.log(p[range(len(p)), y_true])
    return np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "log10", "I", 6)
def _(y_pred, y_true):
    p = _clip(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]
    if y_true.ndim == 1:
        return -np.log10(p[range(len(p)), y_true])
    return -np.log10(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "reshapes the caller's array in place", "I")
def _(y_pred, y_true):
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        y_true.shape = (len(y_true),)
    p = _clip(y_pred)
    if y_true.ndim == 1:
        return -np.log(p[range(len(p)), y_true])
    return -np.log(np.sum(p * y_true, axis=1))


@answer("ch6.q4", "every 2-D y_true taken as a column", "I")
def _(y_pred, y_true):
    if y_true.ndim == 2:
        y_true = y_true[:, 0]
    return -np.log(_clip(y_pred)[range(len(y_pred)), y_true])


# --- chapter 7 --------------------------------------------------------------------------

constants("ch7.q1", [("D", "C"), ("d", "C"), ("C", "I", 0), ("same", "I", 1), ("the same", "I"),
                     ("batch D", "I"), (0.42, "I")])


@answer("ch7.q2", "argsort, last k columns", "C")
def _(softmax_outputs, class_targets, k):
    top = np.argsort(softmax_outputs, axis=1)[:, -k:]
    return np.mean(np.any(top == class_targets[:, None], axis=1))


@answer("ch7.q2", "argsort of minus, first k", "C")
def _(softmax_outputs, class_targets, k):
    top = np.argsort(-softmax_outputs, axis=1)[:, :k]
    return np.mean((top == class_targets[:, None]).any(axis=1))


@answer("ch7.q2", "rank: fewer than k classes beat the target", "C")
def _(softmax_outputs, class_targets, k):
    target = softmax_outputs[np.arange(len(class_targets)), class_targets]
    return np.mean(np.sum(softmax_outputs > target[:, None], axis=1) < k)


@answer("ch7.q2", "a loop with sorted", "C")
def _(softmax_outputs, class_targets, k):
    hits = 0
    for row, target in zip(softmax_outputs, class_targets):
        best = sorted(range(len(row)), key=lambda j: row[j], reverse=True)[:k]
        hits += target in best
    return hits / len(class_targets)


@answer("ch7.q2", "the k least confident", "I", 0)
def _(softmax_outputs, class_targets, k):
    top = np.argsort(softmax_outputs, axis=1)[:, :k]
    return np.mean(np.any(top == class_targets[:, None], axis=1))


@answer("ch7.q2", "the count of hits", "I", 1)
def _(softmax_outputs, class_targets, k):
    top = np.argsort(softmax_outputs, axis=1)[:, -k:]
    return np.sum(np.any(top == class_targets[:, None], axis=1))


@answer("ch7.q2", "the top-1 accuracy", "I", 2)
def _(softmax_outputs, class_targets, k):
    return np.mean(np.argmax(softmax_outputs, axis=1) == class_targets)


@answer("ch7.q2", "argsort along axis 0", "I")
def _(softmax_outputs, class_targets, k):
    top = np.argsort(softmax_outputs, axis=0)[-k:, :]
    return np.mean(np.any(top.T[:len(class_targets)] == class_targets[:, None], axis=1))


@answer("ch7.q2", "off by one: the top k + 1", "I")
def _(softmax_outputs, class_targets, k):
    top = np.argsort(softmax_outputs, axis=1)[:, -(k + 1):]
    return np.mean(np.any(top == class_targets[:, None], axis=1))


@answer("ch7.q2", "per-sample hits", "I")
def _(softmax_outputs, class_targets, k):
    top = np.argsort(softmax_outputs, axis=1)[:, -k:]
    return np.any(top == class_targets[:, None], axis=1)


@answer("ch7.q2", "sorts the caller's array in place", "I")
def _(softmax_outputs, class_targets, k):
    target = softmax_outputs[np.arange(len(class_targets)), class_targets].copy()
    softmax_outputs.sort(axis=1)
    return np.mean(np.any(softmax_outputs[:, -k:] == target[:, None], axis=1))


@answer("ch7.q3", "a loop over the classes that occur", "C")
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    if class_targets.ndim == 2:
        class_targets = np.argmax(class_targets, axis=1)
    return np.mean([np.mean(predictions[class_targets == k] == k) for k in np.unique(class_targets)])


@answer("ch7.q3", "scikit-learn's balanced_accuracy_score", "C")
def _(softmax_outputs, class_targets):
    from sklearn.metrics import balanced_accuracy_score

    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    return balanced_accuracy_score(targets, np.argmax(softmax_outputs, axis=1))


@answer("ch7.q3", "bincount and nanmean over every column", "C")
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    k = softmax_outputs.shape[1]
    hits = np.bincount(targets, weights=predictions == targets, minlength=k)
    counts = np.bincount(targets, minlength=k)
    with np.errstate(invalid="ignore"):
        return np.nanmean(hits / counts)


@answer("ch7.q3", "a dictionary of counts", "C")
def _(softmax_outputs, class_targets):
    targets = list(np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets)
    predictions = list(np.argmax(softmax_outputs, axis=1))
    right, total = Counter(), Counter(targets)
    for t, p in zip(targets, predictions):
        right[t] += t == p
    return sum(right[c] / total[c] for c in total) / len(total)


@answer("ch7.q3", "the plain accuracy", "I", 0)
def _(softmax_outputs, class_targets):
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    return np.mean(np.argmax(softmax_outputs, axis=1) == targets)


@answer("ch7.q3", "divided by how often each class is predicted", "I", 1)
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.mean([np.sum((predictions == targets) & (targets == k)) / np.sum(predictions == k)
                        for k in np.unique(targets)])


@answer("ch7.q3", "mean over every column, nan for an absent class", "I", 2)
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    with np.errstate(invalid="ignore"):
        return np.mean([np.mean(predictions[targets == k] == k) for k in range(softmax_outputs.shape[1])])


@answer("ch7.q3", "an absent class counted as 0", "I", 3)
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    per_class = [np.mean(predictions[targets == k] == k) if np.any(targets == k) else 0.0
                 for k in range(softmax_outputs.shape[1])]
    return np.mean(per_class)


@answer("ch7.q3", "the per-class accuracies", "I", 4)
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    return np.array([np.mean(predictions[targets == k] == k) for k in np.unique(targets)])


@answer("ch7.q3", "one-hot targets not handled", "I")
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    return np.mean([np.mean(predictions[class_targets == k] == k) for k in np.unique(class_targets)])


@answer("ch7.q3", "the classes that are predicted", "I")
def _(softmax_outputs, class_targets):
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = np.argmax(class_targets, axis=1) if class_targets.ndim == 2 else class_targets
    return np.mean([np.mean(predictions[targets == k] == k) for k in np.unique(predictions)
                    if np.any(targets == k)])


@answer("ch7.q4", "the solved formula", "C")
def _(softmax_outputs, class_targets):
    rows = np.arange(len(softmax_outputs))
    r = softmax_outputs[rows, class_targets]
    others = softmax_outputs.copy()
    others[rows, class_targets] = -1
    m = others.max(axis=1)
    return m / (1 - r + m)


@answer("ch7.q4", "a loop, m from a list", "C")
def _(softmax_outputs, class_targets):
    flips = []
    for row, t in zip(softmax_outputs, class_targets):
        m = max(p for j, p in enumerate(row) if j != t)
        flips.append(m / (m + 1 - row[t]))
    return flips


@answer("ch7.q4", "masked array", "C")
def _(softmax_outputs, class_targets):
    mask = np.eye(softmax_outputs.shape[1], dtype=bool)[class_targets]
    m = np.where(mask, -np.inf, softmax_outputs).max(axis=1)
    r = softmax_outputs[mask]
    return m / (1 - r + m)


@answer("ch7.q4", "the other classes found by value, not index (ties)", "I")
def _(softmax_outputs, class_targets):
    flips = []
    for row, t in zip(softmax_outputs, class_targets):
        m = row[row != row[t]].max()
        flips.append(m / (1 - row[t] + m))
    return np.array(flips)


@answer("ch7.q4", "the largest other confidence now", "I", 0)
def _(softmax_outputs, class_targets):
    mask = np.eye(softmax_outputs.shape[1], dtype=bool)[class_targets]
    return np.where(mask, -np.inf, softmax_outputs).max(axis=1)


@answer("ch7.q4", "the row's largest confidence, target included", "I", 1)
def _(softmax_outputs, class_targets):
    r = softmax_outputs[np.arange(len(class_targets)), class_targets]
    m = softmax_outputs.max(axis=1)
    return m / (1 - r + m)


@answer("ch7.q4", "always a half", "I", 2)
def _(softmax_outputs, class_targets):
    return np.full(len(class_targets), 0.5)


@answer("ch7.q4", "1 - p*", "I", 3)
def _(softmax_outputs, class_targets):
    mask = np.eye(softmax_outputs.shape[1], dtype=bool)[class_targets]
    m = np.where(mask, -np.inf, softmax_outputs).max(axis=1)
    r = softmax_outputs[mask]
    return (1 - r) / (1 - r + m)


@answer("ch7.q4", "overwrites the targets in the caller's array", "I")
def _(softmax_outputs, class_targets):
    rows = np.arange(len(softmax_outputs))
    r = softmax_outputs[rows, class_targets].copy()
    softmax_outputs[rows, class_targets] = -1
    m = softmax_outputs.max(axis=1)
    return m / (1 - r + m)


@answer("ch7.q4", "m / (1 + m)", "I")
def _(softmax_outputs, class_targets):
    mask = np.eye(softmax_outputs.shape[1], dtype=bool)[class_targets]
    m = np.where(mask, -np.inf, softmax_outputs).max(axis=1)
    return m / (1 + m)


@answer("ch7.q4", "m / (r + m)", "I")
def _(softmax_outputs, class_targets):
    mask = np.eye(softmax_outputs.shape[1], dtype=bool)[class_targets]
    m = np.where(mask, -np.inf, softmax_outputs).max(axis=1)
    r = softmax_outputs[mask]
    return m / (r + m)


@answer("ch7.q4", "the mean over the batch", "I")
def _(softmax_outputs, class_targets):
    mask = np.eye(softmax_outputs.shape[1], dtype=bool)[class_targets]
    m = np.where(mask, -np.inf, softmax_outputs).max(axis=1)
    r = softmax_outputs[mask]
    return np.mean(m / (1 - r + m))


# --- chapter 8 --------------------------------------------------------------------------

constants("ch8.q1", [("add", "C"), ("Add", "C"), ("clip", "I", 0), ("the same", "I", 1), ("adding", "I"),
                     ("same", "I"), (1e-7, "I")])


@answer("ch8.q2", "np.minimum of the sizes", "C")
def _(batch_losses, n_samples, batch_size):
    sizes = np.minimum(batch_size, n_samples - batch_size * np.arange(len(batch_losses)))
    return np.sum(np.asarray(batch_losses) * sizes) / n_samples


@answer("ch8.q2", "np.average with weights", "C")
def _(batch_losses, n_samples, batch_size):
    sizes = [batch_size] * (len(batch_losses) - 1) + [n_samples - batch_size * (len(batch_losses) - 1)]
    return np.average(batch_losses, weights=sizes)


@answer("ch8.q2", "a loop over the batches", "C")
def _(batch_losses, n_samples, batch_size):
    total, left = 0.0, n_samples
    for loss in batch_losses:
        size = min(batch_size, left)
        total += float(loss) * size
        left -= size
    return total / n_samples


@answer("ch8.q2", "the plain mean", "I", 0)
def _(batch_losses, n_samples, batch_size):
    return np.mean(batch_losses)


@answer("ch8.q2", "every batch weighted batch_size", "I", 1)
def _(batch_losses, n_samples, batch_size):
    return np.sum(batch_losses) * batch_size / n_samples


@answer("ch8.q2", "the weighted sum", "I", 2)
def _(batch_losses, n_samples, batch_size):
    sizes = np.minimum(batch_size, n_samples - batch_size * np.arange(len(batch_losses)))
    return np.sum(batch_losses * sizes)


@answer("ch8.q2", "last batch n % batch_size (0 when it divides)", "I")
def _(batch_losses, n_samples, batch_size):
    sizes = np.full(len(batch_losses), batch_size)
    sizes[-1] = n_samples % batch_size
    return np.sum(batch_losses * sizes) / np.sum(sizes)


@answer("ch8.q2", "every batch weighted batch_size, divided by their total (the plain mean)", "I", 0)
def _(batch_losses, n_samples, batch_size):
    return np.sum(batch_losses) * batch_size / (batch_size * len(batch_losses))


@answer("ch8.q2", "the last batch dropped", "I")
def _(batch_losses, n_samples, batch_size):
    return float(np.mean(batch_losses[:-1])) if len(batch_losses) > 1 else float(batch_losses[0])


def _pick(rows, targets):
    return rows[np.arange(len(rows)), targets]


@answer("ch8.q3", "rescale, clip, pick", "C")
def _(y_pred, class_targets):
    rows = np.clip(y_pred / y_pred.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    return np.mean(-np.log(_pick(rows, class_targets)))


@answer("ch8.q3", "pick, then divide by the row sums", "C")
def _(y_pred, class_targets):
    y_pred = np.asarray(y_pred, dtype=np.float64)
    picked = _pick(y_pred, class_targets) / y_pred.sum(axis=1)
    return -np.mean(np.log(np.clip(picked, 1e-7, 1 - 1e-7)))


@answer("ch8.q3", "Keras itself? no: a loop with math", "C")
def _(y_pred, class_targets):
    total = 0.0
    for row, t in zip(y_pred, class_targets):
        p = min(max(float(row[t]) / float(sum(row)), 1e-7), 1 - 1e-7)
        total -= math.log(p)
    return total / len(y_pred)


@answer("ch8.q3", "the given buggy code", "I", 0)
def _(y_pred, class_targets):
    return np.mean(-np.log(_pick(y_pred, class_targets) + 1e-7))


@answer("ch8.q3", "rescaled, still adds 1e-7", "I", 1)
def _(y_pred, class_targets):
    rows = y_pred / y_pred.sum(axis=1, keepdims=True)
    return np.mean(-np.log(_pick(rows, class_targets) + 1e-7))


@answer("ch8.q3", "clips, no rescale", "I", 2)
def _(y_pred, class_targets):
    return np.mean(-np.log(np.clip(_pick(y_pred, class_targets), 1e-7, 1 - 1e-7)))


@answer("ch8.q3", "clips, then rescales", "I", 3)
def _(y_pred, class_targets):
    rows = np.clip(y_pred, 1e-7, 1 - 1e-7)
    rows = rows / rows.sum(axis=1, keepdims=True)
    return np.mean(-np.log(_pick(rows, class_targets)))


@answer("ch8.q3", "column sums", "I", 4)
def _(y_pred, class_targets):
    rows = np.clip(y_pred / y_pred.sum(axis=0), 1e-7, 1 - 1e-7)
    return np.mean(-np.log(_pick(rows, class_targets)))


@answer("ch8.q3", "per-sample losses", "I", 5)
def _(y_pred, class_targets):
    rows = np.clip(y_pred / y_pred.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    return -np.log(_pick(rows, class_targets))


@answer("ch8.q3", "no minus", "I", 6)
def _(y_pred, class_targets):
    rows = np.clip(y_pred / y_pred.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    return np.mean(np.log(_pick(rows, class_targets)))


@answer("ch8.q3", "log10", "I", 7)
def _(y_pred, class_targets):
    rows = np.clip(y_pred / y_pred.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    return np.mean(-np.log10(_pick(rows, class_targets)))


@answer("ch8.q3", "rescales the caller's array in place", "I")
def _(y_pred, class_targets):
    y_pred /= y_pred.sum(axis=1, keepdims=True)
    return np.mean(-np.log(np.clip(_pick(y_pred, class_targets), 1e-7, 1 - 1e-7)))


@answer("ch8.q3", "softmax of the outputs", "I")
def _(y_pred, class_targets):
    e = np.exp(y_pred - y_pred.max(axis=1, keepdims=True))
    rows = np.clip(e / e.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    return np.mean(-np.log(_pick(rows, class_targets)))


# --- chapter 9 --------------------------------------------------------------------------

constants("ch9.q1", [("exactly 0", "C"), ("Exactly 0", "C"), ("about 1", "I", 0), ("about 0.5", "I", 1),
                     ("0", "I"), (0, "I"), ("exactly zero", "I")])
constants("ch9.q2", [("higher", "C"), ("Higher ", "C"), ("lower", "I", 0), ("the same", "I", 1),
                     ("up", "I"), (0.768, "I"), ("HIGHER", "C"),
                     ("higher than 0.357", "I")])
constants("ch9.q3", [("-log(p)", "C"), ("- log(p)", "C"), ("\u2212log(p)", "C"), ("-LOG(P)", "C"),
                     ("1 - p", "I", 0), ("1-p", "I", 0), ("(1 - p)**2", "I", 1), ("(1-p)^2", "I", 1),
                     ("log(p)", "I"), ("-log p", "I"), ("-ln(p)", "I")])


def _log_softmax(z):
    top = np.max(z, axis=1, keepdims=True)
    return z - top - np.log(np.sum(np.exp(z - top), axis=1, keepdims=True))


@answer("ch9.q4", "log-sum-exp", "C")
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return np.mean(-np.sum(smoothed * _log_softmax(logits), axis=1))


@answer("ch9.q4", "scipy's logsumexp", "C")
def _(logits, targets, alpha):
    from scipy.special import logsumexp

    smoothed = (1 - alpha) * targets + alpha / targets.shape[1]
    return -np.sum(smoothed * (logits - logsumexp(logits, axis=1, keepdims=True))) / len(logits)


@answer("ch9.q4", "a loop over the samples with math", "C")
def _(logits, targets, alpha):
    total = 0.0
    k = len(logits[0])
    for z, y in zip(logits, targets):
        top = max(z)
        lse = top + math.log(sum(math.exp(v - top) for v in z))
        total -= sum(((1 - alpha) * t + alpha / k) * (v - lse) for v, t in zip(z, y))
    return total / len(logits)


@answer("ch9.q4", "no smoothing", "I", 0)
def _(logits, targets, alpha):
    return np.mean(-np.sum(targets * _log_softmax(logits), axis=1))


@answer("ch9.q4", "alpha added to every class", "I", 1)
def _(logits, targets, alpha):
    return np.mean(-np.sum(((1 - alpha) * targets + alpha) * _log_softmax(logits), axis=1))


@answer("ch9.q4", "alpha over K - 1", "I", 2)
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / (logits.shape[1] - 1)
    return np.mean(-np.sum(smoothed * _log_softmax(logits), axis=1))


@answer("ch9.q4", "alpha over len(logits)", "I", 3)
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / len(logits)
    return np.mean(-np.sum(smoothed * _log_softmax(logits), axis=1))


@answer("ch9.q4", "softmax, then log", "I", 4)
def _(logits, targets, alpha):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return np.mean(-np.sum(smoothed * np.log(e / e.sum(axis=1, keepdims=True)), axis=1))


@answer("ch9.q4", "softmax, clip, log", "I", 5)
def _(logits, targets, alpha):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = np.clip(e / e.sum(axis=1, keepdims=True), 1e-7, 1 - 1e-7)
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return np.mean(-np.sum(smoothed * np.log(p), axis=1))


@answer("ch9.q4", "per-sample losses", "I", 6)
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return -np.sum(smoothed * _log_softmax(logits), axis=1)


@answer("ch9.q4", "sum over the batch", "I", 7)
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return -np.sum(smoothed * _log_softmax(logits))


@answer("ch9.q4", "no minus", "I", 8)
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return np.mean(np.sum(smoothed * _log_softmax(logits), axis=1))


@answer("ch9.q4", "log10 in the log-sum-exp", "I", 9)
def _(logits, targets, alpha):
    top = np.max(logits, axis=1, keepdims=True)
    log_probs = logits - top - np.log10(np.sum(np.exp(logits - top), axis=1, keepdims=True))
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return np.mean(-np.sum(smoothed * log_probs, axis=1))


@answer("ch9.q4", "mean over every entry", "I")
def _(logits, targets, alpha):
    smoothed = (1 - alpha) * targets + alpha / logits.shape[1]
    return np.mean(-smoothed * _log_softmax(logits))


@answer("ch9.q4", "smooths the caller's targets in place", "I")
def _(logits, targets, alpha):
    targets *= 1 - alpha
    targets += alpha / logits.shape[1]
    return np.mean(-np.sum(targets * _log_softmax(logits), axis=1))


def _softmax_rows(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


@answer("ch9.q5", "softmax(z / T) - y over n T", "C")
def _(logits, targets, temperature):
    return (_softmax_rows(logits / temperature) - targets) / (temperature * len(logits))


@answer("ch9.q5", "the same with PyTorch's autograd", "C")
def _(logits, targets, temperature):
    import torch

    z = torch.tensor(np.asarray(logits, dtype=np.float64), requires_grad=True)
    loss = torch.nn.functional.cross_entropy(z / temperature, torch.tensor(np.asarray(targets, dtype=np.float64)))
    loss.backward()
    return z.grad.numpy()


@answer("ch9.q5", "a loop over the samples", "C")
def _(logits, targets, temperature):
    grad = np.zeros(np.shape(logits))
    for i, (z, y) in enumerate(zip(logits, targets)):
        u = np.asarray(z, dtype=np.float64) / temperature
        p = np.exp(u - u.max()) / np.exp(u - u.max()).sum()
        grad[i] = (p - y) / temperature
    return grad / len(logits)


@answer("ch9.q5", "no 1 / T", "I", 0)
def _(logits, targets, temperature):
    return (_softmax_rows(logits / temperature) - targets) / len(logits)


@answer("ch9.q5", "times T", "I", 1)
def _(logits, targets, temperature):
    return (_softmax_rows(logits / temperature) - targets) * temperature / len(logits)


@answer("ch9.q5", "temperature left out", "I", 2)
def _(logits, targets, temperature):
    return (_softmax_rows(logits) - targets) / len(logits)


@answer("ch9.q5", "the sum's gradient", "I", 3)
def _(logits, targets, temperature):
    return (_softmax_rows(logits / temperature) - targets) / temperature


@answer("ch9.q5", "y - softmax", "I", 4)
def _(logits, targets, temperature):
    return (targets - _softmax_rows(logits / temperature)) / (temperature * len(logits))


@answer("ch9.q5", "divided by the number of classes", "I", 6)
def _(logits, targets, temperature):
    return (_softmax_rows(logits / temperature) - targets) / (temperature * logits.shape[1])


@answer("ch9.q5", "softmax without the shift", "I", 9)
def _(logits, targets, temperature):
    e = np.exp(logits / temperature)
    return (e / e.sum(axis=1, keepdims=True) - targets) / (temperature * len(logits))


@answer("ch9.q5", "divided by T squared", "I")
def _(logits, targets, temperature):
    return (_softmax_rows(logits / temperature) - targets) / (temperature ** 2 * len(logits))


@answer("ch9.q5", "softmax of z, then divided by T", "I")
def _(logits, targets, temperature):
    return (_softmax_rows(logits) - targets) / (temperature * len(logits))


# --- chapter 10 -------------------------------------------------------------------------

constants("ch10.q1", [(3.0, "C"), (3, "C"), (np.float32(3), "C"), (5.0, "I", 0), (-3.0, "I", 1), (7, "I", 2),
                      (2.5, "I", 3), ("3", "I"), (0.9526, "I"), (2.0, "I")])
constants("ch10.q2", [("nan", "C"), ("NaN", "C"), ("about 0", "I", 0), ("inf", "I", 1), (np.nan, "I"),
                      ("0", "I"), ("-inf", "I")])
constants("ch10.q3", [(1.386, "C"), (1.39, "C"), (2 * math.log(2), "C"), (math.log(4), "C"), (0.0, "I", 0),
                      (0.69, "I", 1), (0.6, "I", 2), (1.38, "I"), (1.0, "I"), (2.0, "I")])


@answer("ch10.q4", "the stable form", "C")
def _(logits, targets):
    return np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))), axis=1)


@answer("ch10.q4", "np.logaddexp", "C")
def _(logits, targets):
    return np.mean(np.logaddexp(0, logits) - logits * targets, axis=1)


@answer("ch10.q4", "a loop with math", "C")
def _(logits, targets):
    out = []
    for z_row, y_row in zip(logits, targets):
        terms = [max(z, 0) - z * y + math.log(1 + math.exp(-abs(z))) for z, y in zip(z_row, y_row)]
        out.append(sum(terms) / len(terms))
    return out


@answer("ch10.q4", "the textbook formula after a sigmoid", "I", 0)
def _(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    return -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p), axis=1)


@answer("ch10.q4", "log(1 + exp(-z)) without the abs", "I", 1)
def _(logits, targets):
    return np.mean(np.log(1 + np.exp(-logits)) + (1 - targets) * logits, axis=1)


@answer("ch10.q4", "mean along axis 0", "I", 2)
def _(logits, targets):
    return np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))), axis=0)


@answer("ch10.q4", "one loss per label", "I", 3)
def _(logits, targets):
    return np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))


@answer("ch10.q4", "the batch mean", "I", 4)
def _(logits, targets):
    return np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))))


@answer("ch10.q4", "no minus in front", "I", 5)
def _(logits, targets):
    return -np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))), axis=1)


@answer("ch10.q4", "the textbook formula with log10", "I", 6)
def _(logits, targets):
    p = 1 / (1 + np.exp(-logits))
    return -np.mean(targets * np.log10(p) + (1 - targets) * np.log10(1 - p), axis=1)


@answer("ch10.q4", "the sum over the labels", "I")
def _(logits, targets):
    return np.sum(np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))), axis=1)


@answer("ch10.q4", "the stable form with log10", "I")
def _(logits, targets):
    return np.mean(np.maximum(logits, 0) - logits * targets + np.log10(1 + np.exp(-np.abs(logits))), axis=1)


@answer("ch10.q4", "max(z, 0) forgotten", "I")
def _(logits, targets):
    return np.mean(-logits * targets + np.log1p(np.exp(-np.abs(logits))), axis=1)


@answer("ch10.q5", "the column taken apart", "C")
def _(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@answer("ch10.q5", "labels made a column", "C")
def _(probabilities, labels):
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    y = labels[:, None]
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


@answer("ch10.q5", "ravel and np.where", "C")
def _(probabilities, labels):
    p = np.clip(probabilities.ravel(), 1e-7, 1 - 1e-7)
    return -np.mean(np.where(labels == 1, np.log(p), np.log(1 - p)))


@answer("ch10.q5", "the given buggy code", "I", 0)
def _(probabilities, labels):
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@answer("ch10.q5", "labels as a row, probabilities as a column", "I", 0)
def _(probabilities, labels):
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    y = labels[None, :]
    return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


@answer("ch10.q5", "log10", "I", 1)
def _(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return np.mean(-(labels * np.log10(p) + (1 - labels) * np.log10(1 - p)))


@answer("ch10.q5", "no minus", "I", 2)
def _(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p))


@answer("ch10.q5", "per-sample losses", "I", 3)
def _(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return -(labels * np.log(p) + (1 - labels) * np.log(1 - p))


@answer("ch10.q5", "no clip", "I", 4)
def _(probabilities, labels):
    p = probabilities[:, 0]
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@answer("ch10.q5", "clips the top end only", "I", 4)
def _(probabilities, labels):
    p = np.minimum(probabilities[:, 0], 1 - 1e-7)
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@answer("ch10.q5", "clips the bottom end only", "I")
def _(probabilities, labels):
    p = np.maximum(probabilities[:, 0], 1e-7)
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@answer("ch10.q5", "np.where form, no clip", "I")
def _(probabilities, labels):
    p = probabilities[:, 0]
    return -np.mean(np.where(labels == 1, np.log(p), np.log(1 - p)))


@answer("ch10.q5", "the sum", "I")
def _(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return np.sum(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))


@answer("ch10.q5", "only the y = 1 term", "I")
def _(probabilities, labels):
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)
    return np.mean(-labels * np.log(p))


# --- chapter 11 -------------------------------------------------------------------------

_E11 = EXERCISES["ch11.q1"]
_ONE_CLASS = float(_E11.expected(_E11.cases[0]))
constants("ch11.q1", [(round(_ONE_CLASS, 4), "C", None, "the plain mean, four decimals"),
                      (round(_ONE_CLASS, 2), "C", None, "two decimals"),
                      (round(4 * _ONE_CLASS, 2), "I", 0, "times 4"), (round(12 * _ONE_CLASS, 2), "I", 1, "times 12"),
                      (round(_ONE_CLASS / 4, 2), "I", 2, "over 4"), (round(_ONE_CLASS / 3, 2), "I", None, "over 3"),
                      (round(_ONE_CLASS + 0.1, 2), "I", None, "a little more"), (0.0, "I")])
constants("ch11.q2", [("0.7", "C"), (" 0.7 ", "C"), ("0.9", "I", 0), ("0.99", "I", 1), ("0.5", "I", 2),
                      ("0.8", "I"), ("q = p", "I")])
constants("ch11.q3", [("the same", "C"), ("The same", "C"), ("higher", "I", 0), ("lower", "I", 1),
                      ("same", "I"), ("unchanged", "I"),
                      (" THE SAME", "C"), ("the same or higher", "I")])


def _lsm(z):
    z = np.asarray(z, dtype=np.float64)
    top = np.max(z, axis=-1, keepdims=True)
    return z - top - np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True))


@answer("ch11.q4", "np.where on the ignored labels", "C")
def _(logits, labels, weight):
    kept = labels != -100
    safe = np.where(kept, labels, 0)
    losses = -_lsm(logits)[np.arange(len(labels)), safe]
    w = np.where(kept, weight[safe], 0.0)
    return np.sum(w * losses) / np.sum(w)


@answer("ch11.q4", "boolean selection of the kept rows", "C")
def _(logits, labels, weight):
    kept = labels != -100
    z, y = logits[kept], labels[kept]
    losses = -_lsm(z)[np.arange(len(y)), y]
    return np.sum(weight[y] * losses) / np.sum(weight[y])


@answer("ch11.q4", "PyTorch itself", "C")
def _(logits, labels, weight):
    import torch

    return torch.nn.functional.cross_entropy(torch.tensor(np.asarray(logits, dtype=np.float64)),
                                             torch.tensor(labels), weight=torch.tensor(
                                                 np.asarray(weight, dtype=np.float64))).item()


@answer("ch11.q4", "a loop with math", "C")
def _(logits, labels, weight):
    top, bottom = 0.0, 0.0
    for z, y in zip(logits, labels):
        if y == -100:
            continue
        m = max(z)
        lse = m + math.log(sum(math.exp(v - m) for v in z))
        top += weight[y] * (lse - z[y])
        bottom += weight[y]
    return top / bottom


def _weighted_parts(logits, labels, weight):
    kept = labels != -100
    safe = np.where(kept, labels, 0)
    losses = -_lsm(logits)[np.arange(len(labels)), safe]
    w = np.where(kept, weight[safe], 0.0)
    return kept, safe, losses, w


@answer("ch11.q4", "divided by N", "I", 0)
def _(logits, labels, weight):
    kept, safe, losses, w = _weighted_parts(logits, labels, weight)
    return np.sum(w * losses) / len(labels)


@answer("ch11.q4", "divided by the number kept", "I", 1)
def _(logits, labels, weight):
    kept, safe, losses, w = _weighted_parts(logits, labels, weight)
    return np.sum(w * losses) / np.sum(kept)


@answer("ch11.q4", "no class weights", "I", 2)
def _(logits, labels, weight):
    kept, safe, losses, w = _weighted_parts(logits, labels, weight)
    return np.sum(np.where(kept, losses, 0)) / np.sum(kept)


@answer("ch11.q4", "ignored weights still in the divisor", "I", 3)
def _(logits, labels, weight):
    kept, safe, losses, w = _weighted_parts(logits, labels, weight)
    return np.sum(w * losses) / np.sum(weight[safe])


@answer("ch11.q4", "no minus", "I", 4)
def _(logits, labels, weight):
    kept, safe, losses, w = _weighted_parts(logits, labels, weight)
    return -np.sum(w * losses) / np.sum(w)


@answer("ch11.q4", "softmax, then log", "I", 7)
def _(logits, labels, weight):
    kept = labels != -100
    safe = np.where(kept, labels, 0)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    losses = -np.log(e / e.sum(axis=1, keepdims=True))[np.arange(len(labels)), safe]
    w = np.where(kept, weight[safe], 0.0)
    return np.sum(w * losses) / np.sum(w)


@answer("ch11.q4", "weighted losses per sample", "I", 8)
def _(logits, labels, weight):
    kept, safe, losses, w = _weighted_parts(logits, labels, weight)
    return w * losses


@answer("ch11.q4", "indexes with the ignored label", "I")
def _(logits, labels, weight):
    losses = -_lsm(logits)[np.arange(len(labels)), labels]
    w = np.where(labels != -100, weight[labels], 0.0)
    return np.sum(w * losses) / np.sum(w)


@answer("ch11.q4", "the weights of the wrong (predicted) class", "I")
def _(logits, labels, weight):
    kept, safe, losses, _ = _weighted_parts(logits, labels, weight)
    w = np.where(kept, weight[np.argmax(logits, axis=1)], 0.0)
    return np.sum(w * losses) / np.sum(w)


def _picked_losses(logits, labels):
    return -np.take_along_axis(_lsm(logits), labels[..., None], axis=-1)[..., 0]


@answer("ch11.q5", "take_along_axis and the mask", "C")
def _(logits, labels, mask):
    return np.sum(_picked_losses(logits, labels) * mask) / np.sum(mask)


@answer("ch11.q5", "flattened, boolean selection", "C")
def _(logits, labels, mask):
    k = logits.shape[-1]
    z, y = logits.reshape(-1, k)[mask.ravel()], labels.ravel()[mask.ravel()]
    return np.mean(-_lsm(z)[np.arange(len(y)), y])


@answer("ch11.q5", "PyTorch's ignore_index", "C")
def _(logits, labels, mask):
    import torch

    k = logits.shape[-1]
    y = np.where(mask, labels, -100).reshape(-1)
    return torch.nn.functional.cross_entropy(torch.tensor(np.asarray(logits, dtype=np.float64).reshape(-1, k)),
                                             torch.tensor(y)).item()


@answer("ch11.q5", "loops over sequences and positions", "C")
def _(logits, labels, mask):
    total, count = 0.0, 0
    for b in range(len(logits)):
        for t in range(len(logits[b])):
            if mask[b][t]:
                z = [float(v) for v in logits[b][t]]
                m = max(z)
                total += m + math.log(sum(math.exp(v - m) for v in z)) - z[labels[b][t]]
                count += 1
    return total / count


@answer("ch11.q5", "padding averaged in", "I", 0)
def _(logits, labels, mask):
    return np.mean(_picked_losses(logits, labels))


@answer("ch11.q5", "padding zeroed, divided by every position", "I", 1)
def _(logits, labels, mask):
    return np.sum(_picked_losses(logits, labels) * mask) / mask.size


@answer("ch11.q5", "the mean of the sequences' means", "I", 2)
def _(logits, labels, mask):
    losses = _picked_losses(logits, labels) * mask
    return np.mean(np.sum(losses, axis=1) / np.sum(mask, axis=1))


@answer("ch11.q5", "softmax over the time axis", "I", 3)
def _(logits, labels, mask):
    z = np.asarray(logits, dtype=np.float64)
    top = z.max(axis=1, keepdims=True)
    log_probs = z - top - np.log(np.sum(np.exp(z - top), axis=1, keepdims=True))
    picked = -np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    return np.sum(picked * mask) / np.sum(mask)


@answer("ch11.q5", "no minus", "I", 4)
def _(logits, labels, mask):
    return -np.sum(_picked_losses(logits, labels) * mask) / np.sum(mask)


@answer("ch11.q5", "log2", "I", 6)
def _(logits, labels, mask):
    return np.sum(_picked_losses(logits, labels) * mask) / np.sum(mask) / np.log(2)


@answer("ch11.q5", "the sum over the real positions", "I")
def _(logits, labels, mask):
    return np.sum(_picked_losses(logits, labels) * mask)


@answer("ch11.q5", "per-position losses", "I")
def _(logits, labels, mask):
    return _picked_losses(logits, labels) * mask


@answer("ch11.q6", "2 ** mean", "C")
def _(losses_in_bits):
    return 2 ** np.mean(losses_in_bits)


@answer("ch11.q6", "exp of the mean in nats", "C")
def _(losses_in_bits):
    return math.exp(sum(losses_in_bits) / len(losses_in_bits) * math.log(2))


@answer("ch11.q6", "np.exp2", "C")
def _(losses_in_bits):
    return np.exp2(np.mean(np.asarray(losses_in_bits)))


@answer("ch11.q6", "exp of the mean bits", "I", 0)
def _(losses_in_bits):
    return np.exp(np.mean(losses_in_bits))


@answer("ch11.q6", "10 ** mean", "I", 1)
def _(losses_in_bits):
    return 10 ** np.mean(losses_in_bits)


@answer("ch11.q6", "mean of 2 ** loss", "I", 2)
def _(losses_in_bits):
    return np.mean(2 ** np.asarray(losses_in_bits, dtype=np.float64))


@answer("ch11.q6", "2 ** -mean", "I", 3)
def _(losses_in_bits):
    return 2 ** -np.mean(losses_in_bits)


@answer("ch11.q6", "2 ** sum", "I", 4)
def _(losses_in_bits):
    return 2 ** np.sum(losses_in_bits)


@answer("ch11.q6", "the mean bits", "I")
def _(losses_in_bits):
    return np.mean(losses_in_bits)


@answer("ch11.q6", "2 ** median", "I")
def _(losses_in_bits):
    return 2 ** np.median(losses_in_bits)


@answer("ch11.q6", "array-only: .mean() on a list (the task says a list or a 1-D array)", "I")
def _(losses_in_bits):
    return 2 ** losses_in_bits.mean()


# --- every exercise: the stub and a hard-coded answer ----------------------------------------

def _key(args) -> str:
    return repr([(type(a).__name__, getattr(a, "dtype", None), np.asarray(a).tolist()) for a in args])


def _hard_coded(exercise):
    """Returns the right value for each visible case it was shown, and 0.5 for anything else."""
    table = {_key(case.args): exercise.expected(case) for case in exercise.cases}

    def hard_coded(*args):
        return table.get(_key(args), 0.5)
    return hard_coded


for _name, _exercise in EXERCISES.items():
    ANSWERS[_name].append(("stub", _stub, "N", None))
    if any(case.args for case in _exercise.cases):
        ANSWERS[_name].append(("hard-codes the visible answers", _hard_coded(_exercise), "H", None))

CASES = [(name, index) for name in EXERCISES for index in range(len(ANSWERS[name]))]


# --- the tests --------------------------------------------------------------------------------

def _named(exercise, result):
    """The words of the classic mistake ``result`` names, or None."""
    words = [mistake.words for mistake in exercise.mistakes]
    return result.mistake if result.mistake in words else None


def _verdict(exercise, function):
    visible = exercise.evaluate(function)
    if visible.status != _grading.CORRECT:
        return {_grading.INCORRECT: "I", _grading.NOT_ATTEMPTED: "N"}[visible.status], visible
    hidden = exercise.evaluate(function, hidden=True)
    return ("C" if hidden.status == _grading.CORRECT else "H"), hidden


def _cell(exercise) -> str:
    chapter = exercise.name.split(".")[0]
    [cell] = [c for c in _cells.exercise_cells(chapter) if c.get("id") == exercise.name.replace(".", "-") + "-test"]
    return cell.source


def _run_cell(source, name, function) -> tuple[bool, str]:
    namespace = {name: function}
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a wrong answer's log(0) warns, as it would in nbgrader
            exec(compile(source, "<test cell>", "exec"), namespace)
    except AssertionError as error:
        return False, str(error)
    return True, ""


def test_every_exercise_has_enough_answers():
    counts = {name: len(answers) for name, answers in ANSWERS.items()}
    assert min(counts.values()) >= 8, counts
    assert sum(counts.values()) >= 300


@pytest.mark.parametrize("name", list(EXERCISES))
def test_verdicts_and_diagnoses_are_true(name):
    exercise = EXERCISES[name]
    wrong = []
    for label, function, verdict, mistake in ANSWERS[name]:
        got, result = _verdict(exercise, function)
        named = _named(exercise, result)
        labelled = None if mistake is None else exercise.mistakes[mistake].words
        if (got, named) != (verdict, labelled):
            wrong.append(f"{label}: expected {verdict}/{mistake}, got {got}/{named}: {result.message}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_test_cell_agrees_with_check(name):
    exercise = EXERCISES[name]
    source = _cell(exercise)
    released = strip_region(source, BEGIN_HIDDEN, END_HIDDEN)
    for label, function, _, _ in ANSWERS[name]:
        got, _ = _verdict(exercise, function)
        passed, said = _run_cell(source, exercise.function_name, copy.copy(function))
        assert passed == (got == "C"), (label, said)
        if not passed:
            assert said == exercise.explain(function), label
        passed, _ = _run_cell(released, exercise.function_name, function)
        assert passed == (got in ("C", "H") or _cells.hidden_answer(exercise)), label


@pytest.mark.parametrize("name", list(EXERCISES))
def test_the_visible_cases_tell_every_mistake_apart(name):
    """A named mistake is decided by the visible cases: each mistake is wrong on one of
    them at least, and no two mistakes with different words agree on all of them (else
    an answer making the second would be told it made the first)."""
    exercise = EXERCISES[name]
    values = [[exercise.mistake_value(mistake, i, case) for i, case in enumerate(exercise.cases)]
              for mistake in exercise.mistakes]
    for index, mistake in enumerate(exercise.mistakes):
        assert not all(exercise.right(case, value) for case, value in zip(exercise.cases, values[index])), \
            (index, mistake.words)
        for other in range(index):
            if exercise.mistakes[other].words != mistake.words:
                assert not all(exercise.alike(a, b, case) for a, b, case
                               in zip(values[index], values[other], exercise.cases)), (other, index)
