"""Chapter 7 exercises: accuracy.

7.1 is a prediction asked in the middle of the chapter, before the cell that
reveals it. The three at the end use accuracy where the chapter has not: 7.2
loosens it to top-k, 7.3 makes it fair to rare classes (balanced accuracy), 7.4
finds, for each sample, the confidence at which its prediction flips. Their
batches have more samples than classes (or fewer), so that an axis mix-up gives a
wrong shape, not just wrong numbers.
"""
import numpy as np

from ..losses import CategoricalCrossentropy
from ..metrics import accuracy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_OUT = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]])
_OUT_LABEL = "softmax_outputs=[[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]]"


# --- 7.1: predict which batch has the lower loss, before the chapter prints it -------

_TARGETS = np.array([0, 1, 1])
_BATCH_C = np.array([[0.36, 0.32, 0.32], [0.32, 0.36, 0.32], [0.32, 0.36, 0.32]])
_BATCH_D = np.array([[0.98, 0.01, 0.01], [0.6, 0.3, 0.1], [0.01, 0.98, 0.01]])


def _lower_loss(batch_c, batch_d):
    c, d = (_loss.calculate(batch, _TARGETS) for batch in (batch_c, batch_d))
    return "C" if c < d else "D" if d < c else "same"


q1 = Exercise(
    "ch7.q1",
    title="Predict: hesitant and right, or sure and once wrong?",
    kind="predict",
    minutes=3,
    place_after="ch7-17",
    points=1,
    options=("C", "D", "same"),
    task="""\
Predict, then read on. The targets are `[0, 1, 1]`. Batch C gives the correct class
0.36 in every row (right three times, but hesitant). Batch D gives the correct class
0.98, 0.3 and 0.98 (very sure; sample 1 is wrong, its dog gets 0.6). Which batch has
the lower loss? Write `lower_loss_batch()` returning `"C"`, `"D"` or `"same"`.""",
    code='''\
def lower_loss_batch():
    """Which batch has the lower mean loss: "C", "D" or "same"?"""
    ### BEGIN SOLUTION
    # C: -log(0.36) = 1.02 for every sample. D: 0.02 + 1.20 + 0.02 over 3 = 0.42.
    return "D"
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _lower_loss(_BATCH_C, _BATCH_D),
    mistakes=[
        Mistake(lambda: "C", "C is more accurate, but each of its samples costs -log(0.36) = "
                "1.02; D's one mistake costs -log(0.3) = 1.20, and its two sure answers "
                "almost nothing."),
        Mistake(lambda: "same", "The two losses are far apart: C's samples each cost -log(0.36) = "
                "1.02, D's cost 0.02, 1.20 and 0.02. Average each batch's three."),
    ],
    hint="The loss only looks at the confidence in the correct class: C's are 0.36, 0.36, "
         "0.36; D's are 0.98, 0.3, 0.98. Average -log of each.",
    success="the next cell prints both losses.",
)


# --- 7.2: top-k accuracy -------------------------------------------------------------

def _top_k(softmax_outputs, class_targets, k):
    """Reference: is the target among the k largest? Ties go to the lower class index."""
    p = np.asarray(softmax_outputs)
    t = np.asarray(class_targets)
    top = np.argsort(-p, axis=1, kind="stable")[:, :k]
    return float(np.mean(np.any(top == t[:, None], axis=1)))


# Four samples, three classes: np.argsort along axis 0 (down the samples) gives an
# answer of the right shape but wrong, and no listed mistake's value.
_TALL = np.array([[0.5, 0.3, 0.2],
                  [0.1, 0.35, 0.55],
                  [0.25, 0.45, 0.3],
                  [0.6, 0.15, 0.25]])
_TALL_LABEL = ("softmax_outputs=[[0.5, 0.3, 0.2], [0.1, 0.35, 0.55], [0.25, 0.45, 0.3], "
               "[0.6, 0.15, 0.25]], class_targets=[1, 0, 2, 1]")
_FIVE = np.array([[0.1, 0.6, 0.3, 0.0],
                  [0.5, 0.2, 0.25, 0.05],
                  [0.05, 0.15, 0.32, 0.48],
                  [0.4, 0.35, 0.15, 0.1],
                  [0.2, 0.1, 0.3, 0.4]])
_FIVE_LABEL = ("softmax_outputs=[[0.1, 0.6, 0.3, 0.0], [0.5, 0.2, 0.25, 0.05], "
               "[0.05, 0.15, 0.32, 0.48], [0.4, 0.35, 0.15, 0.1], [0.2, 0.1, 0.3, 0.4]], "
               "class_targets=[2, 1, 3, 3, 0]")
_FIVE_TARGETS = np.array([2, 1, 3, 3, 0])

q2 = Exercise(
    "ch7.q2",
    title="Top-k accuracy",
    kind="practice",
    minutes=10,
    points=2,
    task="""\
Image benchmarks with many classes often report **top-5 accuracy**: a sample counts
as right when its target is among the 5 classes with the highest confidence. Write
`top_k_accuracy(softmax_outputs, class_targets, k)`: the fraction of samples whose
target class is among their `k` most confident classes (`class_targets` holds class
indices). With `k=1` it must equal the chapter's accuracy. For the chapter's batch
and `k=2` it is `0.6666666666666666`: sample 1's cat (0.1) is still last. (The
checks have no ties between confidences.) `np.argsort` sorts each row's class
indices by confidence.""",
    code='''\
import numpy as np


def top_k_accuracy(softmax_outputs, class_targets, k):
    """Fraction of samples whose target is among their k most confident classes."""
    ### BEGIN SOLUTION
    top_k = np.argsort(softmax_outputs, axis=1)[:, -k:]  # the k largest, per row
    hits = np.any(top_k == class_targets[:, np.newaxis], axis=1)
    return np.mean(hits)
    ### END SOLUTION''',
    cases=[
        Case((_TALL, np.array([1, 0, 2, 1]), 2), _TALL_LABEL + ", k=2"),
        Case((_OUT, np.array([0, 1, 1]), 2), _OUT_LABEL + ", class_targets=[0, 1, 1], k=2"),
        Case((_OUT, np.array([0, 1, 1]), 1), _OUT_LABEL + ", class_targets=[0, 1, 1], k=1"),
        Case((_FIVE, _FIVE_TARGETS, 2), _FIVE_LABEL + ", k=2"),
        Case((_FIVE, _FIVE_TARGETS, 3), _FIVE_LABEL + ", k=3"),
        Case((np.array([[0.3, 0.7]]), np.array([0]), 2), "one sample [[0.3, 0.7]], class_targets=[0], k=2"),
        Case((_FIVE.astype(np.float32), np.array([0, 0, 0, 0, 0]), 2),
             "the same five rows as float32, class_targets=[0, 0, 0, 0, 0], k=2"),
    ],
    hidden_cases=[
        Case((_FIVE, np.array([0, 2, 1, 2, 3]), 2), "five samples, class_targets=[0, 2, 1, 2, 3], k=2"),
        Case((_FIVE, np.array([3, 3, 0, 2, 1]), 4), "five samples, k=4 (every class)"),
        Case((np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), np.array([1, 1, 1]), 1),
             "three samples, two classes, k=1"),
    ],
    reference=_top_k,
    mistakes=[
        Mistake(lambda p, t, k: _top_k(-np.asarray(p), t, k), "You took the k *least* "
                "confident classes: np.argsort sorts from small to large, so the k largest "
                "are the last k columns, [:, -k:]."),
        Mistake(lambda p, t, k: _top_k(p, t, k) * len(t), "You counted the hits; the "
                "accuracy is their fraction (np.mean of the True/False values)."),
        Mistake(lambda p, t, k: _top_k(p, t, 1), "You returned the ordinary (top-1) accuracy; "
                "a sample counts when its target is anywhere among the top k."),
    ],
    hint="np.argsort(softmax_outputs, axis=1) gives each row's class indices from least to "
         "most confident; keep the last k columns. Compare them with "
         "class_targets[:, np.newaxis] and ask np.any along axis 1.",
    success="top-1 is accuracy; top-k forgives near misses.",
)


# --- 7.3: balanced accuracy ----------------------------------------------------------

def _indices(class_targets):
    t = np.asarray(class_targets)
    return np.argmax(t, axis=1) if t.ndim == 2 else t


def _per_class(softmax_outputs, class_targets, divide_by="targets"):
    """Accuracy within each class that occurs in the targets (recall), in class order.

    ``divide_by="predictions"`` divides by how often each class is predicted instead
    (precision): the mistake of dividing by the wrong count.
    """
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = _indices(class_targets)
    hits = predictions == targets
    present = np.unique(targets)
    counts = np.array([np.sum((targets if divide_by == "targets" else predictions) == k)
                       for k in present], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.array([np.sum(hits & (targets == k)) for k in present]) / counts


def _balanced(softmax_outputs, class_targets):
    return float(np.mean(_per_class(softmax_outputs, class_targets)))


def _over_every_column(softmax_outputs, class_targets, absent):
    """Per-class accuracy averaged over all n_classes columns; ``absent`` for an unseen class."""
    predictions = np.argmax(softmax_outputs, axis=1)
    targets = _indices(class_targets)
    n_classes = np.shape(softmax_outputs)[1]
    hits = np.bincount(targets, weights=predictions == targets, minlength=n_classes)
    counts = np.bincount(targets, minlength=n_classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_class = np.where(counts > 0, hits / np.maximum(counts, 1), absent)
    return float(np.mean(per_class))


_SKEWED = np.array([[0.6, 0.3, 0.1],
                    [0.5, 0.2, 0.3],
                    [0.2, 0.7, 0.1],
                    [0.8, 0.1, 0.1],
                    [0.4, 0.35, 0.25],
                    [0.3, 0.3, 0.4]])
_SKEWED_LABEL = ("softmax_outputs=[[0.6, 0.3, 0.1], [0.5, 0.2, 0.3], [0.2, 0.7, 0.1], "
                 "[0.8, 0.1, 0.1], [0.4, 0.35, 0.25], [0.3, 0.3, 0.4]]")
_MAJORITY = np.tile([0.8, 0.2], (10, 1))

q3 = Exercise(
    "ch7.q3",
    title="Balanced accuracy: fair to the rare classes",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
When one class is common and another rare, accuracy flatters a lazy model: if 9
samples in 10 are class 0, a model that always answers 0 is 90 % accurate and has
learned nothing about class 1. **Balanced accuracy** gives every class the same say:
take the accuracy *within each class* (of the samples whose target is that class,
the fraction predicted right), then average those per-class accuracies over the
classes that occur in the targets.

Write `balanced_accuracy(softmax_outputs, class_targets)`, with the targets as class
indices (1-D) or one-hot rows (2-D), like the chapter's `accuracy`. For the lazy
model above it must give `0.5`. When every class has the same number of samples,
how does it compare with plain accuracy?""",
    code='''\
import numpy as np


def balanced_accuracy(softmax_outputs, class_targets):
    """The mean over the classes that occur in the targets of each class's accuracy."""
    ### BEGIN SOLUTION
    predictions = np.argmax(softmax_outputs, axis=1)
    if len(class_targets.shape) == 2:  # one-hot rows -> class indices
        class_targets = np.argmax(class_targets, axis=1)
    per_class = [np.mean(predictions[class_targets == k] == k)
                 for k in np.unique(class_targets)]
    # With equal class counts, this is the plain accuracy again.
    return np.mean(per_class)
    ### END SOLUTION''',
    cases=[
        Case((_SKEWED, np.array([0, 0, 0, 0, 1, 2])), _SKEWED_LABEL + ", class_targets=[0, 0, 0, 0, 1, 2]"),
        Case((_MAJORITY, np.array([0] * 9 + [1])),
             "ten samples all predicted [0.8, 0.2], class_targets: nine 0s and one 1"),
        Case((_SKEWED[:4], np.eye(3, dtype=int)[[0, 0, 1, 1]]),
             "the first four rows, one-hot class_targets=[[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 1, 0]] "
             "(class 2 never occurs)"),
        Case((np.array([[0.2, 0.5, 0.3]]), np.array([2])), "one sample [[0.2, 0.5, 0.3]], class_targets=[2]"),
        Case((_SKEWED.astype(np.float32), np.array([1, 0, 2, 0, 1, 0])),
             "the same six rows as float32, class_targets=[1, 0, 2, 0, 1, 0]"),
    ],
    hidden_cases=[
        Case((np.tile([0.1, 0.2, 0.3, 0.4], (8, 1)), np.array([3, 3, 3, 3, 3, 0, 1, 2])),
             "eight samples always predicted class 3, class_targets=[3, 3, 3, 3, 3, 0, 1, 2]"),
        Case((_SKEWED, np.array([0, 1, 1, 0, 0, 2])), "six samples, class_targets=[0, 1, 1, 0, 0, 2]"),
        Case((_SKEWED, np.eye(3, dtype=int)[[2, 2, 1, 0, 2, 2]]), "six samples, one-hot targets"),
    ],
    reference=_balanced,
    mistakes=[
        Mistake(lambda p, t: accuracy(p, _indices(t)), "That is the plain accuracy, where the common "
                "class decides. Average the accuracies within each class instead."),
        Mistake(lambda p, t: float(np.mean(_per_class(p, t, "predictions"))), "You divided by how often "
                "each class was *predicted*; divide by how often it *occurs* in the targets."),
        Mistake(lambda p, t: _over_every_column(p, t, np.nan), "Your result is nan: a class that never "
                "occurs in the targets gives 0/0. Average over the classes that occur."),
        Mistake(lambda p, t: _over_every_column(p, t, 0.0), "You counted a class that never occurs "
                "in the targets as accuracy 0; average only over the classes that occur."),
        Mistake(lambda p, t: _per_class(p, t), "You returned the per-class accuracies; balanced "
                "accuracy is their mean."),
    ],
    hint="predictions[class_targets == k] are the predictions for the samples of class k; "
         "np.mean(predictions[class_targets == k] == k) is that class's accuracy. "
         "np.unique(class_targets) lists the classes that occur.",
    success="every class counts the same, however rare it is.",
)


# --- 7.4: where the prediction flips --------------------------------------------------

def _largest_other(softmax_outputs, class_targets, include_target=False):
    p = np.array(softmax_outputs, dtype=np.float64)  # a copy: we overwrite the targets
    if not include_target:
        p[np.arange(len(p)), class_targets] = -1.0
    return p.max(axis=1)


def _flip(softmax_outputs, class_targets, include_target=False):
    """p* = m / (1 - r + m): r the target's confidence, m the largest other one."""
    p = np.asarray(softmax_outputs, dtype=np.float64)
    r = p[np.arange(len(p)), class_targets]
    m = _largest_other(p, class_targets, include_target)
    return m / (1 - r + m)


_WIDE = np.array([[0.1, 0.2, 0.3, 0.25, 0.15],
                  [0.05, 0.05, 0.1, 0.2, 0.6],
                  [0.3, 0.3, 0.1, 0.2, 0.1]])
_WIDE_LABEL = ("softmax_outputs=[[0.1, 0.2, 0.3, 0.25, 0.15], [0.05, 0.05, 0.1, 0.2, 0.6], "
               "[0.3, 0.3, 0.1, 0.2, 0.1]], class_targets=[0, 4, 2]")
_CHAPTER_PLUS = np.array([[0.7, 0.2, 0.1],
                          [0.5, 0.1, 0.4],
                          [0.02, 0.9, 0.08],
                          [0.3, 0.3, 0.4]])
_CHAPTER_PLUS_LABEL = ("the chapter's batch and a fourth row [0.3, 0.3, 0.4], "
                       "class_targets=[0, 1, 1, 0]")

q4 = Exercise(
    "ch7.q4",
    title="Where the prediction flips",
    kind="practice",
    minutes=10,
    points=2,
    task="""\
The slider above moved sample 1's cat confidence $p$ while the dog and the human
shared the rest, $1 - p$, in their old 5 : 4 ratio; the prediction flipped to
"cat" at $p = 5/14 \\approx 0.357$. Do that for every sample of a batch. Write
`flip_points(softmax_outputs, class_targets)`: for each sample, the confidence
$p^*$ in its target class at which its prediction changes, when the other classes
share $1 - p$ in the proportions they have now (above $p^*$ the target wins, below
it loses). One number per sample; `class_targets` holds class indices, and every
row has some other class with a confidence above 0.

Then look at the numbers: how far must a confidently wrong sample's confidence
move before accuracy notices anything?""",
    code='''\
import numpy as np


def flip_points(softmax_outputs, class_targets):
    """Per sample: the target confidence p* at which the argmax changes."""
    ### BEGIN SOLUTION
    rows = np.arange(len(softmax_outputs))
    r = softmax_outputs[rows, class_targets]  # the target's confidence now
    others = softmax_outputs.copy()           # a copy: we overwrite the targets
    others[rows, class_targets] = -1.0
    m = others.max(axis=1)                    # the largest other confidence now
    # At confidence p the others are scaled by (1 - p) / (1 - r), so the largest
    # is m (1 - p) / (1 - r). It equals p where p (1 - r) = m (1 - p):
    return m / (1 - r + m)
    ### END SOLUTION''',
    cases=[
        Case((_CHAPTER_PLUS, np.array([0, 1, 1, 0])), _CHAPTER_PLUS_LABEL),
        Case((_WIDE, np.array([0, 4, 2])), _WIDE_LABEL),
        Case((np.array([[0.9, 0.1]]), np.array([1])), "one sample [[0.9, 0.1]], class_targets=[1]"),
        # The target ties with another class: leaving it out by its value leaves both out.
        Case((np.array([[0.45, 0.45, 0.1], [0.2, 0.5, 0.3]]), np.array([0, 2])),
             "softmax_outputs=[[0.45, 0.45, 0.1], [0.2, 0.5, 0.3]], class_targets=[0, 2] "
             "(a tie with the target)"),
        Case((_CHAPTER_PLUS.astype(np.float32), np.array([2, 0, 0, 1])),
             "the same four rows as float32, class_targets=[2, 0, 0, 1]"),
    ],
    hidden_cases=[
        Case((_WIDE, np.array([4, 0, 1])), "three samples, five classes, class_targets=[4, 0, 1]"),
        Case((np.array([[0.25, 0.25, 0.5], [1 / 3, 1 / 3, 1 / 3]]), np.array([2, 0])),
             "a tie between two other classes, and a uniform row"),
    ],
    reference=_flip,
    mistakes=[
        Mistake(lambda p, t: _largest_other(p, t), "That is the largest other confidence m as it is "
                "now, but the others shrink as p grows (they share 1 - p): solve "
                "p = m (1 - p) / (1 - r) for p."),
        Mistake(lambda p, t: _flip(p, t, include_target=True), "You took the largest confidence of the "
                "whole row, the target's own included; take the largest of the *other* classes."),
        Mistake(lambda p, t: np.full(len(p), 0.5), "The target does not need more than half: it only "
                "has to beat the largest other class, not all of them together."),
        Mistake(lambda p, t: 1 - _flip(p, t), "That is 1 - p*, the share left to the other classes "
                "at the flip; return the target's own confidence p*."),
    ],
    hint="Find m, the largest confidence among the other classes (copy the row and set the "
         "target's entry to -1 first). At confidence p the others are multiplied by "
         "(1 - p) / (1 - r), where r is the target's confidence now. Solve "
         "p = m (1 - p) / (1 - r) for p.",
    success="accuracy moves only at p*; the loss moves everywhere.",
)

EXERCISES = [q1, q2, q3, q4]
