"""Chapter 6 exercises: accuracy."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ..metrics import accuracy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_OUT = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]])
_OUT_LABEL = "softmax_outputs=[[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]]"


def _sparse(t):
    return t if t.ndim == 1 else np.argmax(t, axis=1)


q1 = Exercise(
    "ch6.q1",
    title="Accuracy for sparse or one-hot targets",
    kind="practice",
    minutes=6,
    task="""\
Write `accuracy_any(softmax_outputs, targets)`: the fraction of samples whose
highest-confidence class is the target class, as a number between 0 and 1.
`targets` is either sparse (1-D class indices) or one-hot (2-D). For the chapter's
example it is `0.6666666666666666` in both forms.""",
    code='''\
import numpy as np


def accuracy_any(softmax_outputs, targets):
    """Fraction of samples whose argmax is the target; targets sparse or one-hot."""
    ### BEGIN SOLUTION
    predictions = np.argmax(softmax_outputs, axis=1)
    if len(targets.shape) == 2:
        targets = np.argmax(targets, axis=1)
    return np.mean(predictions == targets)
    ### END SOLUTION''',
    cases=[
        Case((_OUT, np.array([0, 1, 1])), _OUT_LABEL + ", targets=[0, 1, 1]"),
        Case((_OUT, np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])),
             _OUT_LABEL + ", one-hot targets=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"),
        Case((np.array([[0.3, 0.7]]), np.array([1])), "one sample [[0.3, 0.7]], targets=[1]"),
        Case((np.array([[0.6, 0.4], [0.2, 0.8], [0.9, 0.1], [0.45, 0.55]], dtype=np.float32), np.array([0, 0, 0, 1])),
             "float32 softmax_outputs=[[0.6, 0.4], [0.2, 0.8], [0.9, 0.1], [0.45, 0.55]], targets=[0, 0, 0, 1]"),
        Case((np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0, 1], [0, 1]])),
             "softmax_outputs=[[1.0, 0.0], [0.0, 1.0]], one-hot targets=[[0, 1], [0, 1]]"),
    ],
    reference=accuracy,
    mistakes=[
        Mistake(lambda p, t: np.argmax(p, axis=1) == _sparse(t), "You returned one True/False per sample; "
                "the accuracy is their mean: np.mean(predictions == targets)."),
        Mistake(lambda p, t: np.sum(np.argmax(p, axis=1) == _sparse(t)), "You counted the correct samples; "
                "divide by the number of samples (np.mean does both)."),
        Mistake(lambda p, t: np.mean(np.argmax(p, axis=0) == _sparse(t)), "You took argmax along axis 0 "
                "(down the samples); each sample's prediction is the argmax of its row: axis=1."),
        Mistake(lambda p, t: np.mean(np.argmax(p, axis=1) == t), "With one-hot targets, turn them into class "
                "indices first: np.argmax(targets, axis=1)."),
    ],
    hint="np.argmax(softmax_outputs, axis=1) gives each row's predicted class; one-hot targets become "
         "class indices the same way. Then np.mean of the comparison.",
    success="accuracy sees the argmax, not the confidence.",
)


_TARGETS = np.array([0, 1])


def _disagree(batches):
    try:
        batch_a, batch_b = batches
        batch_a = np.asarray(batch_a, dtype=np.float64)
        batch_b = np.asarray(batch_b, dtype=np.float64)
    except (TypeError, ValueError):
        return "Return two batches, e.g. `return batch_a, batch_b`, each a 2-D array of probabilities."
    for name, batch in (("batch_a", batch_a), ("batch_b", batch_b)):
        if batch.ndim != 2 or batch.shape[0] != 2 or batch.shape[1] < 2:
            return f"{name} must have 2 rows (one per sample) and at least 2 classes; its shape is {batch.shape}."
        if np.isnan(batch).any() or batch.min() < 0 or not np.allclose(batch.sum(axis=1), 1):
            return f"Each row of {name} must be a softmax output: non-negative numbers that sum to 1."
    acc_a, acc_b = accuracy(batch_a, _TARGETS), accuracy(batch_b, _TARGETS)
    loss_a, loss_b = _loss.calculate(batch_a, _TARGETS), _loss.calculate(batch_b, _TARGETS)
    if not acc_a > acc_b:
        return f"batch_a must have the higher accuracy; accuracies are a: {acc_a}, b: {acc_b}."
    if not loss_a > loss_b:
        return (f"batch_a must also have the higher loss; losses are a: {loss_a:.4f}, b: {loss_b:.4f}. "
                "Make batch_a right but unsure, and batch_b very confident where it is right.")
    return None


q2 = Exercise(
    "ch6.q2",
    title="Make loss and accuracy disagree",
    kind="predict",
    minutes=8,
    task="""\
Construct, then check. With targets `[0, 1]` (two samples), write
`disagreeing_batches()` returning two batches of softmax outputs, `batch_a, batch_b`
(each 2 rows, one per sample), such that **batch_a has the higher accuracy but also
the higher loss**. Predict the accuracies and losses of your batches before you run
the check.""",
    code='''\
import numpy as np


def disagreeing_batches():
    """Return (batch_a, batch_b): a is more accurate than b, yet has the higher loss."""
    ### BEGIN SOLUTION
    batch_a = np.array([[0.4, 0.3, 0.3],     # right, but unsure
                        [0.3, 0.4, 0.3]])    # right, but unsure: accuracy 1.0, loss 0.916
    batch_b = np.array([[0.98, 0.01, 0.01],  # right and sure
                        [0.5, 0.45, 0.05]])  # wrong, but close: accuracy 0.5, loss 0.41
    return batch_a, batch_b
    ### END SOLUTION''',
    cases=[Case(())],
    validate=_disagree,
    hint="Loss is paid on the confidence in the correct class, accuracy only on the argmax: an argmax that is "
         "barely right costs almost as much loss as one that is barely wrong.",
    success="more accurate, yet a higher loss.",
)

EXERCISES = [q1, q2]
