"""Chapter 8 exercises: what frameworks report."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()


def _sizes(batch_losses, n_samples, batch_size):
    starts = batch_size * np.arange(len(batch_losses))
    return np.minimum(batch_size, n_samples - starts)


def _reported(batch_losses, n_samples, batch_size):
    return np.average(batch_losses, weights=_sizes(batch_losses, n_samples, batch_size))


q2 = Exercise(
    "ch8.q2",
    title="The epoch loss Keras reports, short last batch included",
    kind="practice",
    minutes=10,
    points=2,
    task="""\
An epoch of `n_samples` samples is cut into batches of `batch_size`, in order; the
last batch holds whatever is left, so it can be smaller. You get the loss of every
batch, in order (`batch_losses`, one number per batch). Write
`reported_epoch_loss(batch_losses, n_samples, batch_size)`: the loss Keras prints for
the epoch, the mean of the batch losses weighted by the number of samples in each
batch. For example 60 samples in batches of 16 make batches of 16, 16, 16 and 12.""",
    code='''\
import numpy as np


def reported_epoch_loss(batch_losses, n_samples, batch_size):
    """Batch-size-weighted mean of the batch losses (the last batch may be smaller)."""
    ### BEGIN SOLUTION
    batch_losses = np.asarray(batch_losses, dtype=np.float64)
    starts = batch_size * np.arange(len(batch_losses))  # first sample of each batch
    sizes = np.minimum(batch_size, n_samples - starts)  # the last one may be short
    return np.sum(batch_losses * sizes) / np.sum(sizes)
    ### END SOLUTION''',
    cases=[
        Case((np.array([0.9, 0.7, 0.5, 0.4]), 60, 16), "batch_losses=[0.9, 0.7, 0.5, 0.4], n_samples=60, batch_size=16"),
        Case((np.array([1.2, 0.3]), 33, 32), "batch_losses=[1.2, 0.3], n_samples=33, batch_size=32 (a last batch of 1)"),
        Case((np.array([0.8]), 10, 32), "batch_losses=[0.8], n_samples=10, batch_size=32 (one sample batch of 10)"),
        Case((np.array([0.6, 0.2, 0.1], dtype=np.float32), 30, 10),
             "float32 batch_losses=[0.6, 0.2, 0.1], n_samples=30, batch_size=10 (equal batches)"),
    ],
    hidden_cases=[
        Case((np.array([2.0, 1.0, 0.5]), 21, 10), "batch_losses=[2.0, 1.0, 0.5], n_samples=21, batch_size=10"),
        Case((np.array([0.25, 0.75]), 100, 64), "batch_losses=[0.25, 0.75], n_samples=100, batch_size=64"),
    ],
    reference=_reported,
    mistakes=[
        Mistake(lambda losses, n, bs: np.mean(losses), "You took the plain mean of the batch losses: that "
                "counts the short last batch as much as a full one. Weight each batch by its size."),
        Mistake(lambda losses, n, bs: np.sum(losses) * bs / n, "You gave every batch, the last one too, the "
                "weight batch_size: the last batch holds only n_samples - (number of batches - 1) * batch_size."),
        Mistake(lambda losses, n, bs: np.sum(losses * _sizes(losses, n, bs)), "You returned the weighted sum: "
                "divide it by the number of samples."),
    ],
    hint="The batch sizes are np.minimum(batch_size, n_samples - batch_size * np.arange(number of batches)).",
    success="a short last batch counts less, as in Keras's loss tracker.",
)


def _keras_like(y_pred, class_targets):
    """What Keras reports for probabilities: rows rescaled to sum 1, clipped, -log, mean."""
    y_pred = np.asarray(y_pred, dtype=np.float64)
    return _loss.calculate(y_pred / y_pred.sum(axis=1, keepdims=True), class_targets)


def _picked(rows, class_targets):
    return rows[np.arange(len(rows)), class_targets]


def _rescaled(y_pred):
    return y_pred / np.sum(y_pred, axis=1, keepdims=True)


def _clipped(rows):
    return np.clip(rows, 1e-7, 1 - 1e-7)


_ROWS = np.array([[0.5, 0.3, 0.0],      # sums to 0.8
                  [1e-8, 0.3, 0.2],     # sums to 0.5; a confidence far below 1e-7
                  [0.2, 0.2, 0.6],
                  [0.33, 0.33, 0.33]])  # rounded: sums to 0.99
_ROWS_LABEL = "[[0.5, 0.3, 0.0], [1e-8, 0.3, 0.2], [0.2, 0.2, 0.6], [0.33, 0.33, 0.33]]"

q3 = Exercise(
    "ch8.q3",
    title="Debug: a NumPy loss that should match Keras",
    kind="debugging",
    minutes=8,
    points=2,
    task="""\
Find the bugs. A colleague checks a model's outputs against Keras with the function
below. It is meant to give what `keras.losses.SparseCategoricalCrossentropy()` gives
for probabilities, but it does not whenever a row does not sum to exactly 1 (the
outputs were rounded, say) or holds a confidence far below $10^{-7}$. It differs from
Keras in two ways, both shown in this chapter. Write the fixed version as
`keras_like_loss(y_pred, class_targets)`: the mean loss Keras reports, computed in
float64 (the check allows for Keras's float32).""",
    setup='''\
import numpy as np


def keras_like_loss_buggy(y_pred, class_targets):
    """The mean loss Keras reports for probabilities y_pred. (Buggy!)"""
    correct = y_pred[np.arange(len(y_pred)), class_targets]
    return np.mean(-np.log(correct + 1e-7))''',
    code='''\
import numpy as np


def keras_like_loss(y_pred, class_targets):
    """The mean loss Keras reports for probabilities y_pred, in float64."""
    ### BEGIN SOLUTION
    rows = y_pred / np.sum(y_pred, axis=1, keepdims=True)  # 1. each row sums to 1
    rows = np.clip(rows, 1e-7, 1 - 1e-7)  # 2. clip (instead of adding 1e-7)
    correct = rows[np.arange(len(rows)), class_targets]
    return np.mean(-np.log(correct))
    ### END SOLUTION''',
    cases=[
        Case((_ROWS, np.array([0, 0, 2, 1])), f"y_pred={_ROWS_LABEL}, class_targets=[0, 0, 2, 1]"),
        Case((np.array([[2.0, 1.0, 1.0, 0.0, 4.0], [0.0, 3.0, 1.0, 1.0, 5.0]]), np.array([4, 0])),
             "y_pred=[[2, 1, 1, 0, 4], [0, 3, 1, 1, 5]] (counts, not probabilities), class_targets=[4, 0]"),
        Case((np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]), np.array([1, 2])),
             "y_pred=[[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], class_targets=[1, 2] (this chapter's example)"),
        Case((np.array([[0.25, 0.25, 0.3], [1e-8, 0.45, 0.45], [0.6, 0.2, 0.2]], dtype=np.float32),
              np.array([2, 0, 0])),
             "float32 y_pred=[[0.25, 0.25, 0.3], [1e-8, 0.45, 0.45], [0.6, 0.2, 0.2]], class_targets=[2, 0, 0]"),
    ],
    hidden_cases=[
        Case((np.array([[3.0, 1.0], [1e-12, 2.0], [0.5, 0.5]]), np.array([1, 0, 0])),
             "y_pred=[[3, 1], [1e-12, 2], [0.5, 0.5]], class_targets=[1, 0, 0]"),
        Case((np.array([[0.2, 0.2, 0.2, 0.2], [0.0, 0.0, 0.9, 0.0]]), np.array([3, 2])),
             "y_pred=[[0.2, 0.2, 0.2, 0.2], [0, 0, 0.9, 0]], class_targets=[3, 2]"),
    ],
    reference=_keras_like,
    mistakes=[
        Mistake(lambda p, t: np.mean(-np.log(_picked(p, t) + 1e-7)), "That is the code as given. Keras "
                "rescales each row to sum to 1, and then clips to [1e-7, 1 - 1e-7] instead of adding 1e-7."),
        Mistake(lambda p, t: np.mean(-np.log(_picked(_rescaled(p), t) + 1e-7)), "You rescaled the rows, but "
                "still add 1e-7: Keras clips to [1e-7, 1 - 1e-7], so a confidence far below 1e-7 costs "
                "-log(1e-7) = 16.118."),
        Mistake(lambda p, t: np.mean(-np.log(_picked(_clipped(p), t))), "You clip now, but Keras first "
                "rescales each row to sum to 1 (it divides by the row's sum)."),
        Mistake(lambda p, t: np.mean(-np.log(_picked(_rescaled(_clipped(p)), t))), "You clipped before "
                "rescaling: Keras rescales each row first, then clips."),
        Mistake(lambda p, t: np.mean(-np.log(_picked(_clipped(p / np.sum(p, axis=0)), t))), "You divided by "
                "the column sums (axis 0, over the samples): each row is rescaled by its own sum, axis=1."),
        Mistake(lambda p, t: -np.log(_picked(_clipped(_rescaled(p)), t)), "You returned the per-sample "
                "losses: Keras reports their mean."),
        Mistake(lambda p, t: -_keras_like(p, t), "Your loss has the wrong sign: a minus sign is missing "
                "(the loss is -log of a confidence, never negative)."),
        Mistake(lambda p, t: _keras_like(p, t) / np.log(10), "You used log base 10; Keras uses the natural "
                "log (np.log)."),
        Mistake(lambda p, t: _keras_like(p, t) / np.log(2), "You used log base 2; Keras uses the natural "
                "log (np.log)."),
    ],
    hint="Chapter 5 printed Keras on a row that sums to 0.8, and this chapter on [1, 2, 1]: what does "
         "Keras do to a row before the log? And does it add 1e-7 or clip?",
    success="rows rescaled to sum 1, then clipped, as Keras does.",
)


def _smaller():
    y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
    correct = y_pred[[0, 1], [1, 2]]
    clip = np.mean(-np.log(np.clip(correct, 1e-7, 1 - 1e-7)))
    add = np.mean(-np.log(correct + 1e-7))
    return "add" if add < clip else "clip" if clip < add else "the same"


q1 = Exercise(
    "ch8.q1",
    title="Predict: clip or add, which loss is smaller?",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch8-clip-md",
    options=("clip", "add", "the same"),
    task="""\
Predict before you run the next cell. For `y_true = [1, 2]` and
`y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]`, which mean loss is smaller: clipping
the correct confidences to `[1e-7, 1 - 1e-7]`, or adding `1e-7` to them? Write
`smaller_loss()` returning `"clip"`, `"add"` or `"the same"`.""",
    code='''\
def smaller_loss():
    """Return "clip", "add" or "the same"."""
    ### BEGIN SOLUTION
    return "add"  # adding 1e-7 raises 0.95 and 0.1 a little; clipping leaves them alone
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_smaller,
    mistakes=[
        Mistake(lambda: "clip", "Clipping changes nothing here: 0.95 and 0.1 already lie inside "
                "[1e-7, 1 - 1e-7]. Adding 1e-7 raises both, and a larger p has a smaller -log(p)."),
        Mistake(lambda: "the same", "They differ in the 7th digit: adding 1e-7 raises every confidence, so "
                "every -log(p) shrinks by about 1e-7 / p, while clipping leaves 0.95 and 0.1 alone."),
    ],
    hint="Does clipping change 0.95 or 0.1 at all? Does adding 1e-7 change them?",
    success="adding epsilon moves every confidence; clipping only the extremes.",
)

EXERCISES = [q1, q2, q3]
