"""Chapter 4 exercises: why -log (likelihood, entropy and KL divergence).

4.1 and 4.2 are predictions asked in the chapter, before the cells that answer
them; 4.3 and 4.4 take its ideas somewhere it has not gone.
"""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()


def _product_of_400():
    """What float64 makes of the likelihood of 400 labels, each with confidence 0.1."""
    return "zero" if float(np.prod(np.full(400, 0.1))) == 0.0 else "a tiny number"


q1 = Exercise(
    "ch4.q1",
    title="Predict: the likelihood of 400 labels",
    kind="predict",
    minutes=2,
    points=1,
    place_after="ch4-product",
    task="""\
Predict before you run the next cell. What does NumPy give for the product of 400
confidences of 0.1, `np.prod(np.full(400, 0.1))`? Write `product_of_400()`
returning `"a tiny number"`, `"zero"` or `"an error"`.""",
    code='''\
def product_of_400():
    """Return "a tiny number", "zero" or "an error"."""
    ### BEGIN SOLUTION
    return "zero"  # 1e-400 is below the smallest float64: it underflows to 0.0
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_product_of_400,
    options=("a tiny number", "zero", "an error"),
    mistakes=[
        Mistake(lambda: "a tiny number", "float64 cannot hold a number that small: its smallest positive "
                "value is about 5e-324, and 1e-400 rounds to 0.0."),
        Mistake(lambda: "an error", "NumPy does not raise when a result is too small for float64: by default "
                "it ignores underflow and quietly returns 0.0."),
    ],
    hint="How small can a float64 be? np.finfo(np.float64) knows.",
    success="the product underflows to 0.0, silently.",
)


_BOLD_BATCH = {"X": np.array([0.25, 0.25]), "Y": np.array([1.0, 0.001])}


def _preferred_by_one_minus_p():
    """The model with the lower mean 1 - p ("a tie" if equal)."""
    means = {name: float(np.mean(1 - p)) for name, p in _BOLD_BATCH.items()}
    if means["X"] == means["Y"]:
        return "a tie"
    return min(means, key=means.get)


q2 = Exercise(
    "ch4.q2",
    title="Predict: which model does 1 − p prefer?",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch4-penalty-why",
    task="""\
Predict before you run the next cell. Two models see the same two samples. Model X
is hesitant: it gives the correct class 0.25 on both. Model Y is bold: it gives the
correct class 1.0 on the first sample and 0.001 on the second. With $1 - p$ as the
loss of each sample, and the mean over the two samples as the batch loss, which
model has the lower batch loss? Write `preferred_model()` returning `"X"`, `"Y"` or
`"a tie"`.""",
    code='''\
def preferred_model():
    """Return "X", "Y" or "a tie": the lower mean of 1 - p."""
    ### BEGIN SOLUTION
    return "Y"  # X: 0.75; Y: (0 + 0.999) / 2 = 0.4995
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_preferred_by_one_minus_p,
    options=("X", "Y", "a tie"),
    mistakes=[
        Mistake(lambda: "X", "With -log p, yes, but 1 - p never charges more than 1: Y pays 0 for its sure "
                "sample and 0.999 for its mistake, a mean of 0.4995, against X's 0.75."),
        Mistake(lambda: "a tie", "X's mean is 1 - 0.25 = 0.75; Y's is (0 + 0.999) / 2 = 0.4995."),
    ],
    hint="Work out 1 - p for each of the four confidences, then the two means.",
    success="a capped loss lets a sure mistake hide behind a sure success.",
)


def _losses_of(confidences):
    """The per-sample losses of samples with these correct-class confidences (a list)."""
    return [float(-np.log(p)) for p in confidences]


def _typical_confidence(losses):
    return float(np.exp(-np.mean(losses)))


q3 = Exercise(
    "ch4.q3",
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
        Case((_losses_of([0.9, 0.6, 0.2, 0.1]),), "losses of the confidences 0.9, 0.6, 0.2 and 0.1"),
        Case(([0.35667494393873245, 0.6931471805599453, 0.10536051565782628],),
             "losses=[0.3567, 0.6931, 0.1054] (chapter 3's batch)"),
        Case((np.array([0.0, 4.605170185988091]),), "losses=np.array([0.0, 4.6052]) (confidence 1 and 0.01)"),
        Case((np.array([1.0986123, 1.0986123, 1.0986123], dtype=np.float32),),
             "float32 losses of an untrained three-class net, each ln 3"),
        Case((np.full(500, 2.0),), "500 losses of 2.0 (their confidences multiply to exp(-1000))"),
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
        Mistake(lambda losses: 2.0 ** -np.mean(losses), "You undid a base-2 log; the loss uses the natural "
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


q4 = Exercise(
    "ch4.q4",
    title="The best loss without looking at the input",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
A lazy model ignores its input and predicts the same distribution $q$ for every
sample. Given the labels of a data set (class indices from `0` to `n_classes - 1`,
in a list or a 1-D array), write `best_constant_loss(labels, n_classes)`: the lowest mean categorical
cross-entropy such a model can reach, whichever $q$ it picks. A trained model must
beat this number to have learned anything from its inputs.

No calculus is needed: write the mean loss of a constant $q$ as one of this
chapter's quantities. A class that never occurs adds nothing (as in the chapter,
take $0 \\log 0 = 0$).""",
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
        Case(([0, 0, 0, 1], 3), "labels=[0, 0, 0, 1], n_classes=3 (class 2 never occurs)"),
        Case(([0, 1, 2], 3), "labels=[0, 1, 2], n_classes=3 (balanced)"),
        Case(([0, 0, 0, 1], 2), "labels=[0, 0, 0, 1], n_classes=2"),
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
        Mistake(lambda labels, n: _best_constant_loss(labels, n) / np.log(10),
                "You used log base 10; the loss uses the natural log."),
        Mistake(lambda labels, n: -_best_constant_loss(labels, n), "Your value is negative: the entropy "
                "has a minus sign in front, -sum f log f, and is never below 0."),
    ],
    hint="The mean loss of a constant q over the data set is the cross-entropy H(f, q) between the "
         "label frequencies f and q, and H(f, q) = H(f) + KL(f || q). Which q makes the KL term 0? "
         "np.bincount(labels, minlength=n_classes) counts the labels.",
    success="predicting the label frequencies costs their entropy.",
)

EXERCISES = [q1, q2, q3, q4]
