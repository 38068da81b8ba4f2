"""Chapter 3 exercises: the loss of a batch.

3.1 and 3.2 are predictions asked in the middle of the chapter, before the cells
that reveal them; 3.3 and 3.4 take the chapter's ideas somewhere it has not gone.
Where an axis can be confused, the first case is a batch that is not square.
"""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_ONE_HOT = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])
_BATCH_LABEL = "softmax_outputs=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]"
_ONE_HOT_LABEL = "one_hot_targets=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"
# A batch that is not square (4 samples x 3 classes): an axis mistake changes the shape.
_TALL = np.array([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
_TALL_ONE_HOT = np.array([[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]])
_TALL_LABEL = ("[[0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]], "
               "one_hot_targets=[[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]")


q1 = Exercise(
    "ch3.q1",
    title="Predict: summing along the wrong axis",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch3-18",
    task="""\
Predict, then check, before you run the next cell. Look at `product` printed
above. What will `np.sum(product, axis=0)` give? Write `axis0_sums()` returning
your prediction as a list of numbers (one decimal is enough).""",
    code='''\
def axis0_sums():
    """Return your prediction of np.sum(product, axis=0), as a list of numbers."""
    ### BEGIN SOLUTION
    return [0.7, 1.4, 0.0]  # one total per class (column): dog, cat, human
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: np.sum(_BATCH * _ONE_HOT, axis=0),
    mistakes=[
        Mistake(lambda: np.sum(_BATCH * _ONE_HOT, axis=1), "That is axis 1, one total per sample. "
                "Axis 0 runs down the rows: one total per column (class)."),
        Mistake(lambda: np.sum(_BATCH * _ONE_HOT), "That is the sum of the whole array (no axis). "
                "Axis 0 keeps the columns apart: one total per class."),
        Mistake(lambda: np.sum(_ONE_HOT, axis=0), "That counts the samples of each class (the one-hot "
                "columns); the product holds the confidences themselves."),
    ],
    hint="Add up each column of `product`: the dog column, the cat column, the human column.",
    success="axis 0 gives one total per class, mixing the samples.",
)


_CHAPTER_CONFIDENCES = np.array([0.7, 0.5, 0.9])  # chapter 3's correct confidences


def _batch_loss_with(sample, p):
    confidences = _CHAPTER_CONFIDENCES.copy()
    confidences[sample] = p
    return float(np.mean(-np.log(confidences)))


q2 = Exercise(
    "ch3.q2",
    title="Predict: make one sample certain",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch3-22",
    task="""\
Predict before you touch the slider. The batch's correct confidences are
`[0.7, 0.5, 0.9]`, and its loss is 0.385. Suppose sample 1 became certain: its
confidence in the correct class rises from 0.5 to 1.0, and samples 0 and 2 stay as
they are. What is the batch loss now? Write `certain_sample_loss()` returning your
prediction, to two decimals. Then drag sample 1 to the top of the slider below (it
stops at 0.92) and watch the mean close in on your answer.""",
    code='''\
def certain_sample_loss():
    """Return the batch loss once sample 1's confidence is 1.0."""
    ### BEGIN SOLUTION
    return 0.154  # (-log 0.7 + 0 - log 0.9) / 3: adds 0, still counts
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _batch_loss_with(1, 1.0),
    # tolerance: rtol=0, atol=0.005 (two decimals)
    rtol=0,
    atol=0.005,
    mistakes=[
        Mistake(lambda: float(np.mean(-np.log([0.7, 0.9]))),
                "A certain sample's loss is 0, but it is still one of the three samples: "
                "divide the sum by 3, not 2."),
        Mistake(lambda: _batch_loss_with(1, 1.0) * 3,
                "That is the sum of the three losses; the batch loss is their mean."),
        Mistake(lambda: 0.0, "Only sample 1 became certain; samples 0 and 2 still have losses."),
        Mistake(lambda: -_batch_loss_with(1, 1.0), "A loss is never negative: each sample's loss is "
                "-log of its confidence, with the minus sign."),
        Mistake(lambda: _batch_loss_with(1, 1.0) / np.log(10), "That is the batch loss with log base 10 "
                "(a calculator's log key); cross-entropy uses the natural log, ln."),
        Mistake(lambda: _batch_loss_with(1, 1.0) / np.log(2), "That is the batch loss with log base 2; "
                "cross-entropy uses the natural log, ln."),
    ],
    hint="A confidence of 1.0 gives -log(1.0) = 0. The batch loss is still the mean over "
         "all three samples.",
    success="a certain sample adds 0 to the sum, but still counts in the mean.",
)

q3 = Exercise(
    "ch3.q3",
    title="One-hot targets from class indices",
    kind="practice",
    minutes=8,
    points=2,
    task="""\
The chapter typed `class_targets_onehot` by hand. A real data set has thousands
of labels, so build it from the class indices instead: write
`one_hot(class_targets, n_classes)` returning a 2-D array of shape
`(len(class_targets), n_classes)`, with a 1 in each row at that sample's target
column and 0 elsewhere.

`np.eye(n_classes)` is the identity matrix: its row `k` is the one-hot row of
class `k`. Which of its rows do you need, and how do you take them all at once?

Then check that both forms agree: `batch_loss(softmax_outputs, class_targets)`
and `batch_loss(softmax_outputs, one_hot(class_targets, 3))` must print the same
number.""",
    code='''\
import numpy as np


def one_hot(class_targets, n_classes):
    """One-hot rows, shape (len(class_targets), n_classes), from class indices."""
    ### BEGIN SOLUTION
    return np.eye(n_classes)[class_targets]  # row k of the identity is class k
    ### END SOLUTION''',
    cases=[
        Case((np.array([2, 0, 1, 1, 0]), 3), "class_targets=[2, 0, 1, 1, 0], n_classes=3"),
        Case((np.array([0, 1, 1]), 3), "class_targets=[0, 1, 1], n_classes=3 (no sample of class 2)"),
        Case((np.array([1]), 2), "one sample, class_targets=[1], n_classes=2"),
        Case((np.array([0, 3, 1, 3, 2]), 4), "class_targets=[0, 3, 1, 3, 2], n_classes=4"),
        Case((np.array([1, 0]), 4), "class_targets=[1, 0], n_classes=4"),
    ],
    hidden_cases=[
        Case((np.array([4, 4, 0]), 5), "class_targets=[4, 4, 0], n_classes=5"),
        Case((np.array([1, 0, 1, 0, 1, 1]), 2), "class_targets=[1, 0, 1, 0, 1, 1], n_classes=2"),
        Case((np.array([2, 1, 0]), 3), "class_targets=[2, 1, 0], n_classes=3"),
    ],
    reference=lambda t, n: np.eye(n)[t],
    mistakes=[
        Mistake(lambda t, n: np.eye(len(t))[t], "Your rows have one entry per sample; a one-hot row has "
                "one entry per class: start from np.eye(n_classes)."),
        Mistake(lambda t, n: np.eye(n)[:, t], "Your array has one column per sample, shape (n_classes, "
                "n_samples): the transpose. Take rows of the identity: np.eye(n_classes)[class_targets]."),
        Mistake(lambda t, n: np.eye(np.max(t) + 1)[t], "You counted the classes from the largest label, "
                "but a class may have no sample in the batch: use n_classes."),
        Mistake(lambda t, n: np.eye(n), "You returned the whole identity matrix; pick one row of it "
                "per sample, the row of that sample's class."),
    ],
    hint="np.eye(n_classes)[[2, 0]] takes rows 2 and 0 of the identity: the one-hot rows of "
         "class 2 and class 0. Index with class_targets the same way.",
    success="row k of np.eye(n_classes) is the one-hot row of class k.",
)


q4 = Exercise(
    "ch3.q4",
    title="Debug: a one-hot loss that comes out negative",
    kind="debugging",
    minutes=6,
    points=2,
    task="""\
Find the bug. A classmate wrote `one_hot_loss_buggy` for one-hot targets. It
gives the right loss for a batch of one sample, but for the chapter's batch
(`softmax_outputs`, `class_targets_onehot`) it returns a *negative* number, and a
loss is never negative. Run it, then print `correct_confidences` inside it: how
many numbers are there, and where does the negative value come from?

Then write `one_hot_loss(softmax_outputs, one_hot_targets)` that returns the
chapter's `0.38506088005216804` for that batch.""",
    setup='''\
import numpy as np


def one_hot_loss_buggy(softmax_outputs, one_hot_targets):
    """Mean categorical cross-entropy with one-hot targets. (Buggy!)"""
    correct_confidences = np.sum(softmax_outputs * one_hot_targets)
    return np.mean(-np.log(correct_confidences))''',
    code='''\
import numpy as np


def one_hot_loss(softmax_outputs, one_hot_targets):
    """Mean categorical cross-entropy with one-hot targets."""
    ### BEGIN SOLUTION
    correct_confidences = np.sum(softmax_outputs * one_hot_targets, axis=1)
    return np.mean(-np.log(correct_confidences))
    ### END SOLUTION''',
    cases=[
        Case((_BATCH, _ONE_HOT), _BATCH_LABEL + ", " + _ONE_HOT_LABEL),
        Case((_TALL, _TALL_ONE_HOT), "four samples, three classes: softmax_outputs=" + _TALL_LABEL),
        Case((np.array([[0.7, 0.1, 0.2]]), np.array([[1, 0, 0]])),
             "one sample [[0.7, 0.1, 0.2]], one_hot_targets=[[1, 0, 0]]"),
        Case((np.array([[0.6, 0.4], [0.2, 0.8]], dtype=np.float32), np.array([[0.0, 1.0], [0.0, 1.0]])),
             "float32 softmax_outputs=[[0.6, 0.4], [0.2, 0.8]], one_hot_targets=[[0, 1], [0, 1]]"),
        Case((np.array([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]]), np.array([[0, 0, 1, 0], [1, 0, 0, 0]])),
             "two samples, four classes: softmax_outputs=[[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]], "
             "one_hot_targets=[[0, 0, 1, 0], [1, 0, 0, 0]]"),
    ],
    hidden_cases=[
        Case((np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5], [0.8, 0.2], [0.35, 0.65]]),
              np.array([[1, 0], [1, 0], [0, 1], [0, 1], [0, 1]])),
             "five samples, two classes"),
        Case((np.array([[0.9, 0.05, 0.05]]), np.array([[0, 0, 1]])),
             "one sample [[0.9, 0.05, 0.05]], one_hot_targets=[[0, 0, 1]]"),
    ],
    reference=_loss.calculate,
    mistakes=[
        Mistake(lambda p, t: np.mean(-np.log(np.sum(p * t))), "np.sum without an axis adds up the whole "
                "array: one number for the batch (0.7 + 0.5 + 0.9 = 2.1 for the chapter's batch, and "
                "-log(2.1) is negative). Sum along axis=1: one confidence per sample."),
        Mistake(lambda p, t: np.mean(-np.log(np.sum(p * t, axis=0))), "You summed along axis 0 (down "
                "the samples, one total per class); sum along axis 1, across each sample's classes."),
        Mistake(lambda p, t: -np.log(np.sum(p * t, axis=1)), "You returned the per-sample losses "
                "(forgot the mean): the batch loss is their average, np.mean(...)."),
        Mistake(lambda p, t: -np.mean(t * np.log(p)), "np.mean over the whole array divides by the number of "
                "entries, samples times classes. Sum each row first (axis=1), then average over the samples."),
        Mistake(lambda p, t: np.sum(-np.log(np.sum(p * t, axis=1))), "That is the sum of the per-sample "
                "losses; the batch loss is their mean."),
        Mistake(lambda p, t: np.mean(np.log(np.sum(p * t, axis=1))), "Your loss is negative because the "
                "minus sign is missing: each sample's loss is -log of its correct confidence."),
        Mistake(lambda p, t: np.mean(-np.log10(np.sum(p * t, axis=1))), "You used log base 10; "
                "cross-entropy uses the natural log (np.log)."),
        Mistake(lambda p, t: np.mean(-np.log2(np.sum(p * t, axis=1))), "You used log base 2; "
                "cross-entropy uses the natural log (np.log)."),
    ],
    hint="The product has one row per sample. np.sum(..., axis=1) gives one number per row; "
         "np.sum(...) with no axis gives one number for everything.",
    success="one confidence per sample, and the loss is positive again.",
)

EXERCISES = [q1, q2, q3, q4]
