"""Chapter 4 exercises: why -log (likelihood, entropy and KL divergence)."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()


def _typical_confidence(losses):
    return float(np.exp(-np.mean(losses)))


q1 = Exercise(
    "ch4.q1",
    title="The confidence behind a mean loss",
    kind="practice",
    minutes=6,
    points=2,
    task="""\
A training log shows only losses. Given the per-sample losses of a batch (a list or
1-D array of $-\\log$ of each sample's correct-class confidence), write
`typical_confidence(losses)`: the single confidence $p$ which, given to every
sample, would produce the same **mean** loss. For one sample it is just the
confidence that sample had.

Check your thinking on chapter 3's batch: its losses are about `0.357`, `0.693`
and `0.105` (confidences 0.7, 0.5 and 0.9). Is the answer their average, 0.7?""",
    code='''\
import numpy as np


def typical_confidence(losses):
    """Return the p with -log(p) equal to the mean of `losses`."""
    ### BEGIN SOLUTION
    return np.exp(-np.mean(losses))  # the geometric mean of the confidences
    ### END SOLUTION''',
    cases=[
        Case(([0.35667494393873245],), "losses=[0.35667494393873245] (one sample)"),
        Case(([0.35667494393873245, 0.6931471805599453, 0.10536051565782628],),
             "losses=[0.3567, 0.6931, 0.1054] (chapter 3's batch)"),
        Case((np.array([0.0, 4.605170185988091]),), "losses=np.array([0.0, 4.6052]) (confidence 1 and 0.01)"),
        Case((np.array([1.0986123, 1.0986123, 1.0986123], dtype=np.float32),),
             "float32 losses of an untrained three-class net, each ln 3"),
    ],
    hidden_cases=[
        Case((np.array([2.302585092994046] * 400),), "400 losses of ln 10"),
        Case(([0.01, 0.02, 3.0, 0.5],), "losses=[0.01, 0.02, 3.0, 0.5]"),
    ],
    reference=_typical_confidence,
    mistakes=[
        Mistake(lambda losses: np.mean(np.exp(-np.asarray(losses))), "You averaged the confidences. The mean "
                "of -log p is -log of the geometric mean of p, not of the average: take exp of minus the "
                "mean loss."),
        Mistake(lambda losses: np.exp(np.mean(losses)), "Your value is above 1: -log(p) = L gives p = exp(-L), "
                "with a minus sign."),
        Mistake(lambda losses: 10.0 ** -np.mean(losses), "You undid a base-10 log; the loss uses the natural "
                "log, so undo it with np.exp."),
        Mistake(lambda losses: np.exp(-np.sum(losses)), "You used the sum of the losses: that gives the "
                "likelihood of the whole batch, not a confidence per sample. Use the mean."),
    ],
    hint="Solve -log(p) = mean loss for p. Which function undoes the natural log?",
    success="a mean loss is -log of the geometric-mean confidence.",
)


def _best_constant_loss(labels, n_classes):
    labels = np.asarray(labels)
    frequencies = np.bincount(labels, minlength=n_classes) / len(labels)
    constant = np.tile(frequencies, (len(labels), 1))
    return _loss.calculate(constant, labels)


def _frequencies(labels, n_classes):
    return np.bincount(np.asarray(labels), minlength=n_classes) / len(labels)


q2 = Exercise(
    "ch4.q2",
    title="The best loss without looking at the input",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
A lazy model ignores its input and predicts the same distribution $q$ for every
sample. Given the labels of a data set (class indices from `0` to `n_classes - 1`),
write `best_constant_loss(labels, n_classes)`: the lowest mean categorical
cross-entropy such a model can reach.

Use what this chapter showed: the mean loss of a constant $q$ is the cross-entropy
$H(f, q)$ between the label frequencies $f$ and $q$, and $H(f, q) = H(f) + D_{KL}(f
\\,\\|\\, q)$. A class that never occurs has frequency 0 and adds nothing (take
$0 \\log 0 = 0$). A trained model must beat this number to have learned anything
from its inputs.""",
    code='''\
import numpy as np


def best_constant_loss(labels, n_classes):
    """Return the lowest mean loss of one fixed prediction for all samples."""
    ### BEGIN SOLUTION
    counts = np.bincount(labels, minlength=n_classes)
    f = counts[counts > 0] / len(labels)  # frequencies; unseen classes add 0
    return -np.sum(f * np.log(f))  # entropy H(f): the best q is f (KL = 0)
    ### END SOLUTION''',
    cases=[
        Case(([0, 1, 2], 3), "labels=[0, 1, 2], n_classes=3 (balanced)"),
        Case(([0, 0, 0, 1], 2), "labels=[0, 0, 0, 1], n_classes=2"),
        Case(([0, 1, 1], 3), "labels=[0, 1, 1], n_classes=3 (class 2 never occurs)"),
        Case((np.array([2, 2, 2, 2]), 3), "labels=np.array([2, 2, 2, 2]), n_classes=3 (one class only)"),
    ],
    hidden_cases=[
        Case((np.arange(100) % 10, 10), "labels 0-9, ten of each"),
        Case((np.array([0] * 90 + [1] * 9 + [2]), 4), "90/9/1 labels, n_classes=4"),
    ],
    reference=_best_constant_loss,
    mistakes=[
        Mistake(lambda labels, n: np.log(n), "That is the loss of the uniform guess 1/n_classes. With "
                "unbalanced labels, predicting the label frequencies does better."),
        Mistake(lambda labels, n: -np.sum(_frequencies(labels, n) * np.log(_frequencies(labels, n))),
                "Your result is nan: a class that never occurs gives 0 * log(0) = 0 * -inf = nan in NumPy. "
                "Keep only the classes with a frequency above 0."),
        Mistake(lambda labels, n: -np.sum(_frequencies(labels, n)[_frequencies(labels, n) > 0]
                                          * np.log2(_frequencies(labels, n)[_frequencies(labels, n) > 0])),
                "You measured in bits (log2); the loss uses the natural log."),
    ],
    hint="The best q makes the KL term 0, so q = f. Count the labels with np.bincount(labels, "
         "minlength=n_classes), divide by the number of labels, and take the entropy of that.",
    success="predicting the label frequencies costs their entropy.",
)

EXERCISES = [q1, q2]
