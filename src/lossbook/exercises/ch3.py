"""Chapter 3 exercises: the loss of a batch."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_BATCH_LABEL = "softmax_outputs=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]"


def _picked(p, t):
    p, t = np.asarray(p), np.asarray(t)
    return p[range(len(p)), t] if t.ndim == 1 else np.sum(p * t, axis=1)


q1 = Exercise(
    "ch3.q1",
    title="The batch loss, sparse targets",
    kind="practice",
    minutes=8,
    task="""\
Write `batch_loss(softmax_outputs, class_targets)`: `softmax_outputs` is a 2-D
array, one row per sample; `class_targets` a 1-D array of class indices (sparse
targets). Return the mean categorical cross-entropy over the batch, a single
number. For the chapter's batch and targets `[0, 1, 1]` it is `0.38506088005216804`.
(No confidence is 0 here.)""",
    code='''\
import numpy as np


def batch_loss(softmax_outputs, class_targets):
    """Mean categorical cross-entropy of a batch with sparse (class index) targets."""
    ### BEGIN SOLUTION
    correct_confidences = softmax_outputs[range(len(softmax_outputs)), class_targets]
    return np.mean(-np.log(correct_confidences))
    ### END SOLUTION''',
    cases=[
        Case((_BATCH, np.array([0, 1, 1])), _BATCH_LABEL + ", class_targets=[0, 1, 1]"),
        Case((np.array([[0.7, 0.1, 0.2]]), np.array([0])), "one sample [[0.7, 0.1, 0.2]], class_targets=[0]"),
        Case((np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([0, 1])),
             "softmax_outputs=[[1.0, 0.0], [0.5, 0.5]] (confidence 1), class_targets=[0, 1]"),
        Case((_BATCH.astype(np.float32), np.array([2, 0, 1])), "float32 " + _BATCH_LABEL + ", class_targets=[2, 0, 1]"),
        Case((np.array([[0.6, 0.4], [0.3, 0.7], [0.9, 0.1], [0.2, 0.8]]), np.array([0, 1, 1, 0])),
             "softmax_outputs=[[0.6, 0.4], [0.3, 0.7], [0.9, 0.1], [0.2, 0.8]], class_targets=[0, 1, 1, 0]"),
    ],
    reference=_loss.calculate,
    mistakes=[
        Mistake(lambda p, t: -np.log(_picked(p, t)), "You returned the per-sample losses (forgot the mean): "
                "the batch loss is their average, np.mean(...)."),
        Mistake(lambda p, t: np.sum(-np.log(_picked(p, t))), "You summed the per-sample losses; take the mean "
                "instead (np.mean)."),
        Mistake(lambda p, t: np.mean(-np.log(np.asarray(p)[:, t])), "You indexed with [:, class_targets], which "
                "takes whole columns; pair each row with its own target: "
                "softmax_outputs[range(len(softmax_outputs)), class_targets]."),
        Mistake(lambda p, t: np.mean(np.log(_picked(p, t))), "Your loss is negative: you forgot the minus sign."),
    ],
    hint="softmax_outputs[range(len(softmax_outputs)), class_targets] picks each row's correct confidence; "
         "then -np.log, then np.mean.",
    success="pick, -log, mean: the batch loss.",
)


q2 = Exercise(
    "ch3.q2",
    title="Sparse or one-hot targets",
    kind="practice",
    minutes=10,
    task="""\
Extend your batch loss: write `batch_loss_any(softmax_outputs, targets)` that
accepts either sparse targets (1-D class indices) or one-hot targets (a 2-D array
of the same shape as `softmax_outputs`) and returns the mean loss. Both forms of
the chapter's targets must give `0.38506088005216804`. Check `targets.ndim`
(or `len(targets.shape)`) to tell them apart.""",
    code='''\
import numpy as np


def batch_loss_any(softmax_outputs, targets):
    """Mean categorical cross-entropy; targets sparse (n,) or one-hot (n, n_classes)."""
    ### BEGIN SOLUTION
    if targets.ndim == 1:
        correct_confidences = softmax_outputs[range(len(softmax_outputs)), targets]
    else:
        correct_confidences = np.sum(softmax_outputs * targets, axis=1)
    return np.mean(-np.log(correct_confidences))
    ### END SOLUTION''',
    cases=[
        Case((_BATCH, np.array([0, 1, 1])), _BATCH_LABEL + ", targets=[0, 1, 1]"),
        Case((_BATCH, np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])),
             _BATCH_LABEL + ", one-hot targets=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"),
        Case((np.array([[0.7, 0.1, 0.2]]), np.array([[1, 0, 0]])), "one sample [[0.7, 0.1, 0.2]], one-hot targets=[[1, 0, 0]]"),
        Case((np.array([[0.6, 0.4], [0.2, 0.8]], dtype=np.float32), np.array([[0.0, 1.0], [0.0, 1.0]], dtype=np.float32)),
             "float32 softmax_outputs=[[0.6, 0.4], [0.2, 0.8]], one-hot targets=[[0, 1], [0, 1]]"),
        Case((np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([0, 1])),
             "softmax_outputs=[[1.0, 0.0], [0.5, 0.5]] (confidence 1), targets=[0, 1]"),
    ],
    reference=_loss.calculate,
    mistakes=[
        Mistake(lambda p, t: -np.log(_picked(p, t)), "You returned the per-sample losses (forgot the mean): "
                "the batch loss is their average, np.mean(...)."),
        Mistake(lambda p, t: np.mean(-np.log(np.sum(p * t, axis=0))), "You summed along axis 0 (down the "
                "samples, one sum per class); sum along axis 1, across each sample's classes."),
    ],
    hint="For one-hot targets, softmax_outputs * targets keeps only each row's correct confidence; "
         "np.sum(..., axis=1) collapses each row to that one number.",
    success="both target forms pick the same confidences.",
)

EXERCISES = [q1, q2]
