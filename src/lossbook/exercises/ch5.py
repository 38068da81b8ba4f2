"""Chapter 5 exercises: the Loss class."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, close

_loss = CategoricalCrossentropy()
_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_BATCH_LABEL = "y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]"
_ONE_HOT = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])

_CASES = [
    Case((_BATCH, np.array([0, 1, 1])), _BATCH_LABEL + ", y_true=[0, 1, 1]"),
    Case((_BATCH, _ONE_HOT), _BATCH_LABEL + ", one-hot y_true=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"),
    Case((np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([[1, 0], [0, 1]])),
         "y_pred=[[0.0, 1.0], [0.5, 0.5]] (confidence 0), one-hot y_true=[[1, 0], [0, 1]]"),
    Case((np.array([[0.0, 1.0]]), np.array([0])), "one sample y_pred=[[0.0, 1.0]] (confidence 0), y_true=[0]"),
    Case((np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]], dtype=np.float32), np.array([[1.0, 0, 0], [0, 0, 1.0]], dtype=np.float32)),
         "float32 y_pred=[[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]] (confidence 1), one-hot y_true=[[1, 0, 0], [0, 0, 1]]"),
]


def _unclipped(p, t):
    return -np.log(p[range(len(p)), t]) if t.ndim == 1 else -np.log(np.sum(p * t, axis=1))


def _axis0(p, t):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.log(p[range(len(p)), t]) if t.ndim == 1 else -np.log(np.sum(p * t, axis=0))


_MISTAKES = [
    Mistake(_loss.calculate, "You returned the mean: forward returns one loss per sample "
            "(Loss.calculate takes the mean)."),
    Mistake(_unclipped, "Your loss is inf (or nan) when a confidence is 0: you forgot to clip. "
            "Clip to [1e-7, 1 - 1e-7] before the log."),
    Mistake(_axis0, "For one-hot targets you summed along axis 0 (down the samples); sum along axis 1, "
            "across each sample's classes."),
]

q1 = Exercise(
    "ch5.q1",
    title="forward, for both kinds of targets",
    kind="practice",
    minutes=10,
    task="""\
Write the heart of `CategoricalCrossentropy` as a plain function:
`categorical_forward(y_pred, y_true)` returns the **per-sample** losses (a 1-D
array, one loss per row), clips the confidences to `[1e-7, 1 - 1e-7]`, accepts
sparse targets (1-D) and one-hot targets (2-D), and does not change the caller's
arrays.""",
    code='''\
import numpy as np


def categorical_forward(y_pred, y_true):
    """Per-sample categorical cross-entropy; y_true sparse (n,) or one-hot (n, n_classes)."""
    ### BEGIN SOLUTION
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        correct_confidences = y_pred_clipped[range(len(y_pred_clipped)), y_true]
    else:
        correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
    return -np.log(correct_confidences)
    ### END SOLUTION''',
    cases=_CASES,
    reference=_loss.forward,
    mistakes=_MISTAKES,
    hint="Clip first (np.clip returns a new array). Then branch on len(y_true.shape): fancy indexing for "
         "1-D targets, multiply and np.sum(..., axis=1) for 2-D ones. No mean at the end.",
    success="this is CategoricalCrossentropy.forward; Loss.calculate adds the mean.",
)

q2 = Exercise(
    "ch5.q2",
    title="Debug: one-hot targets give nonsense",
    kind="debugging",
    minutes=5,
    task="""\
Find the bug. `forward_buggy` below works for sparse targets but gives wrong
per-sample losses for one-hot targets (try it on the chapter's batch with both
target forms). Write the fixed version as `forward_fixed(y_pred, y_true)`.""",
    setup='''\
import numpy as np


def forward_buggy(y_pred, y_true):
    """Per-sample categorical cross-entropy. (Buggy for one-hot targets!)"""
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        correct_confidences = y_pred_clipped[range(len(y_pred)), y_true]
    elif len(y_true.shape) == 2:
        correct_confidences = np.sum(y_pred_clipped * y_true, axis=0)
    return -np.log(correct_confidences)''',
    code='''\
import numpy as np


def forward_fixed(y_pred, y_true):
    """Per-sample categorical cross-entropy; y_true sparse (n,) or one-hot (n, n_classes)."""
    ### BEGIN SOLUTION
    clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        picked = clipped[range(len(y_pred)), y_true]
    elif len(y_true.shape) == 2:
        picked = np.sum(clipped * y_true, axis=1)  # the bug: axis=0 summed down the samples
    return -np.log(picked)
    ### END SOLUTION''',
    cases=[_CASES[1], _CASES[0], _CASES[4]],
    reference=_loss.forward,
    mistakes=[_MISTAKES[0], _MISTAKES[2]],
    hint="Print np.sum(y_pred_clipped * y_true, axis=0) for the chapter's batch: is that one number per "
         "sample, or one per class?",
    success="axis=1 gives one number per sample.",
)


q3 = Exercise(
    "ch5.q3",
    title="Predict: the loss of an untrained network",
    kind="predict",
    minutes=4,
    task="""\
Predict, then check. The untrained spiral network gave `loss: 1.0986104` with 3
classes, because it is equally unsure about every class. Write
`untrained_loss(n_classes)` returning the loss you would expect from such a
uniformly unsure network with `n_classes` classes (for 3 it should give ≈ 1.0986).""",
    code='''\
import math


def untrained_loss(n_classes):
    """Loss of a network that gives every one of n_classes classes the same confidence."""
    ### BEGIN SOLUTION
    return -math.log(1 / n_classes)  # = log(n_classes)
    ### END SOLUTION''',
    cases=[Case((n,), f"n_classes={n}") for n in (3, 2, 10, 1000)],
    reference=lambda n: float(_loss.calculate(np.full((1, n), 1 / n), [0])),
    compare=lambda actual, expected: close(actual, expected, rtol=1e-4, atol=1e-4),
    mistakes=[
        Mistake(lambda n: 1 / n, "That is the confidence in each class, not the loss: the loss is -log(1/n)."),
        Mistake(lambda n: float(np.log10(n)), "You used log base 10; cross-entropy uses the natural log."),
    ],
    hint="Uniformly unsure means every class gets confidence 1 / n_classes, the correct one included.",
    success="an untrained network starts near log(n_classes).",
)

EXERCISES = [q1, q2, q3]
