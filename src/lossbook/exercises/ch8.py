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


def _binary(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.mean(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))


def _nnfs_shortcut(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(np.sum(y * p, axis=1)))


_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])

q3 = Exercise(
    "ch8.q3",
    title="Debug: the binary formula in disguise",
    kind="debugging",
    minutes=6,
    points=2,
    task="""\
Find the bug. `categorical_loss_buggy` below is meant to be the mean categorical
cross-entropy for one-hot (or soft) targets, the loss Keras's
`CategoricalCrossentropy` computes, but it gives a larger number than
`lossbook.CategoricalCrossentropy().calculate` for chapter 3's batch. Which loss
does it really compute? Write the fixed version as `categorical_loss(y_pred, y_true)`;
it must also be right for a soft target such as `[0.4, 0.1, 0.5]`.""",
    setup='''\
import numpy as np


def categorical_loss_buggy(y_pred, y_true):
    """Mean categorical cross-entropy, one-hot targets. (Buggy!)"""
    y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
    terms = y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)
    return np.mean(-np.sum(terms, axis=1))''',
    code='''\
import numpy as np


def categorical_loss(y_pred, y_true):
    """Mean categorical cross-entropy for one-hot or soft targets."""
    ### BEGIN SOLUTION
    clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    per_sample = -np.sum(y_true * np.log(clipped), axis=1)  # no (1 - y) * log(1 - p)
    return np.mean(per_sample)
    ### END SOLUTION''',
    cases=[
        Case((_BATCH, np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 1.0, 0]])),
             "y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], y_true=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"),
        Case((np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 0.0], [1.0, 0.0]])),
             "y_pred=[[0.0, 1.0], [1.0, 0.0]] (confidence 0 and 1), y_true=[[1, 0], [1, 0]]"),
        Case((np.array([[0.3, 0.2, 0.5]]), np.array([[0.4, 0.1, 0.5]])), "y_pred=[[0.3, 0.2, 0.5]], soft y_true=[[0.4, 0.1, 0.5]]"),
        Case((_BATCH.astype(np.float32), np.array([[0, 0, 1.0], [1.0, 0, 0], [0, 1.0, 0]], dtype=np.float32)),
             "float32 y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], y_true=[[0, 0, 1], [1, 0, 0], [0, 1, 0]]"),
    ],
    hidden_cases=[
        Case((np.array([[0.25, 0.25, 0.5], [0.6, 0.3, 0.1]]), np.array([[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]])),
             "y_pred=[[0.25, 0.25, 0.5], [0.6, 0.3, 0.1]], y_true=[[0, 0.5, 0.5], [1, 0, 0]]"),
    ],
    reference=_loss.calculate,
    mistakes=[
        Mistake(_binary, "You summed the binary cross-entropy formula y*log(p) + (1-y)*log(1-p) over the classes "
                "(that is multi-label loss); categorical cross-entropy keeps only -sum(y*log(p))."),
        Mistake(_nnfs_shortcut, "You wrote the nnfs shortcut -log(sum(y * p)): right for one-hot targets, but "
                "for a soft target the log of a sum is not the sum of the logs. Use -sum(y * log(p))."),
        Mistake(lambda p, y: np.mean(-np.sum(y * np.log(p), axis=1)), "Your loss is inf (or nan) when a "
                "confidence is 0: you forgot to clip. Clip to [1e-7, 1 - 1e-7] before the log."),
    ],
    hint="Categorical cross-entropy has one term per class: y * log(p). What is the second term doing there?",
    success="(1 - y) * log(1 - p) belongs to binary cross-entropy.",
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
