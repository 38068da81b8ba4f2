"""Chapter 10 exercises: binary and multi-label cross-entropy.

10.1-10.3 are predictions asked in the chapter, each before the cell that reveals
it; 10.4 writes the stable loss from logits for multi-label batches; 10.5 finds a
shape bug that NumPy's broadcasting hides.
"""
import numpy as np

from ..losses import BinaryCrossentropy
from ._grading import Case, Exercise, Mistake

_from_logits = BinaryCrossentropy(from_logits=True)
_loss = BinaryCrossentropy()


q1 = Exercise(
    "ch10.q1",
    title="Predict: two logits, one sigmoid",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch10-two-class-md",
    task="""\
Predict before you run the next cell. A two-class model outputs the logits
`[2.0, 5.0]` (class 0, then class 1). Softmax gives class 1 a probability that is
the sigmoid of one number, $\\sigma(z)$. Which number $z$? Write `equivalent_logit()`
returning it.""",
    code='''\
def equivalent_logit():
    """Return z such that softmax([2.0, 5.0])[1] equals sigmoid(z)."""
    ### BEGIN SOLUTION
    return 3.0  # subtract 2 from both logits: softmax([0, 3]) = [1 - σ(3), σ(3)]
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: 3.0,
    mistakes=[
        Mistake(lambda: 5.0, "5 is class 1's own logit, but softmax compares it with class 0's. Subtract "
                "the same number from both logits (softmax does not change) until class 0's is 0."),
        Mistake(lambda: -3.0, "Right size, wrong sign: σ(-3) = 0.047 is class 0's probability. Class 1 "
                "gets σ(z1 - z0)."),
        Mistake(lambda: 7.0, "Softmax depends on the difference of the logits, not their sum: adding the "
                "same number to both changes nothing."),
        Mistake(lambda: 2.5, "A ratio of logits never appears in softmax: adding the same number to both "
                "logits changes nothing, so only their difference can matter."),
    ],
    hint="Softmax does not change when you subtract the same number from every logit. Make class 0's "
         "logit 0: the logits become [0, z].",
    success="only the difference of the two logits counts: σ(5 − 2).",
)


q2 = Exercise(
    "ch10.q2",
    title="Predict: the textbook formula on a confident, right answer",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch10-naive-md",
    options=("about 0", "inf", "nan"),
    task="""\
Predict before you run the next cell. The model's logit is $z = 40$ and the label
is $y = 1$: the model is right, and very sure. In float64, `1 / (1 + np.exp(-40.0))`
rounds to exactly `1.0`. What does the textbook formula
`-(y * np.log(p) + (1 - y) * np.log(1 - p))` return for this sample? Write
`textbook_loss_at_40()` returning `"about 0"`, `"inf"` or `"nan"`.""",
    code='''\
def textbook_loss_at_40():
    """Return "about 0", "inf" or "nan"."""
    ### BEGIN SOLUTION
    return "nan"  # p = 1.0: the unused term is 0 * log(0) = 0 * -inf = nan
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: "nan",
    mistakes=[
        Mistake(lambda: "about 0", "That is the true loss, 4e-18. But the term for y = 0 is still computed: "
                "(1 - y) * log(1 - p) = 0 * log(0) = 0 * -inf, and 0 * -inf is nan, not 0."),
        Mistake(lambda: "inf", "inf is what the label y = 0 would get. Here -log(p) = -log(1.0) = 0, and the "
                "other term is 0 * log(0) = 0 * -inf, which is nan."),
    ],
    hint="p is exactly 1.0, so 1 - p is 0. What is np.log(0.0)? And what is 0 * -np.inf?",
    success="a term multiplied by 0 still poisons the sum: 0 * -inf is nan.",
)


q3 = Exercise(
    "ch10.q3",
    title="Predict: the best softmax can do for two labels",
    kind="predict",
    minutes=4,
    points=1,
    place_after="ch10-softmax-multi-md",
    task="""\
Predict before you run the next cell. A photo shows a dog and a human: the target
over (dog, cat, human) is `[1, 0, 1]`. Suppose the model ends in a softmax and is
trained with $-\\sum_j y_j \\log \\hat y_j$ against that target. What is the smallest
loss any softmax output can reach on this sample? Write `best_softmax_loss()`
returning it, to two decimals.""",
    code='''\
def best_softmax_loss():
    """Return the smallest -(log p_dog + log p_human) a softmax output can reach."""
    ### BEGIN SOLUTION
    return 1.386  # p_dog = p_human = 0.5 at best: -2 * log(0.5) = 2 log 2
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: 2 * float(np.log(2.0)),
    # tolerance: rtol=0, atol=0.005 (1.39 is right, 1.38 and 1.40 are not); a mistake,
    # typed to two decimals too, is named at the same tolerance
    rtol=0,
    atol=0.005,
    mistakes=[
        Mistake(lambda: 0.0, "Softmax outputs sum to 1, so the two labels cannot both get 1. The best it "
                "can do is 0.5 each: -(log 0.5 + log 0.5) = 1.386."),
        Mistake(lambda: float(np.log(2.0)), "That is -log 0.5 for one label; the target has two 1s, and both "
                "terms count: -(log 0.5 + log 0.5) = 1.386."),
        Mistake(lambda: float(np.log10(2.0)) * 2, "That is 2 log10(2); cross-entropy uses the natural log: "
                "2 ln 2 = 1.386."),
    ],
    hint="The two confidences p_dog and p_human add up to at most 1. Which split of 1 between them "
         "makes -(log p_dog + log p_human) smallest?",
    success="softmax must split 1 between the labels: 2 ln 2, never 0.",
)


def _naive(logits, targets, log=np.log):
    """The textbook formula after a plain sigmoid, per sample (nan and inf where it breaks)."""
    with np.errstate(all="ignore"):
        p = 1 / (1 + np.exp(-logits))
        return -np.mean(targets * log(p) + (1 - targets) * log(1 - p), axis=1)


def _no_abs(logits, targets):
    """softplus written as log(1 + exp(-z)): exp overflows for large negative z."""
    with np.errstate(all="ignore"):
        return np.mean(np.log(1 + np.exp(-logits)) + (1 - targets) * logits, axis=1)


_BATCH = np.array([[2.0, -1.0, 0.5], [-1.5, 3.0, -2.0], [0.0, 0.0, 4.0], [1.0, 2.0, -3.0]])
_TAGS = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
_HUGE = np.array([[1000.0, -1000.0, 3.0], [-1000.0, 1000.0, -3.0]])
_HUGE_TAGS = np.array([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]])

q4 = Exercise(
    "ch10.q4",
    title="Multi-label binary cross-entropy from logits",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
Write `multi_label_loss(logits, targets)`: the binary cross-entropy of a multi-label
batch computed from logits, one loss per sample. `logits` and `targets` have shape
`(n_samples, n_labels)`; targets are 0/1 (or soft, between 0 and 1). Average the
per-label losses over each sample's labels and return an array of shape
`(n_samples,)`. Use the stable form $\\max(z, 0) - z\\,y + \\log(1 + e^{-|z|})$, so
that logits like ±1000 give their exact loss: the textbook formula after a sigmoid
gives `inf` or `nan` there. `lb.BinaryCrossentropy(from_logits=True).forward`
returns the same numbers.""",
    code='''\
import numpy as np


def multi_label_loss(logits, targets):
    """Binary cross-entropy from logits, one loss per sample: shape (n,)."""
    ### BEGIN SOLUTION
    tail = np.log1p(np.exp(-np.abs(logits)))  # exp never sees a positive number
    per_label = np.maximum(logits, 0) - logits * targets + tail
    return per_label.mean(axis=1)  # the mean over each sample's labels
    ### END SOLUTION''',
    cases=[
        Case((_BATCH, _TAGS), "the chapter's four photos (logits and targets of shape (4, 3))"),
        Case((_HUGE, _HUGE_TAGS), "logits=[[1000.0, -1000.0, 3.0], [-1000.0, 1000.0, -3.0]], "
             "targets=[[1, 1, 0], [0, 1, 1]]"),
        Case((np.array([[0.5], [-2.0]]), np.array([[1.0], [0.0]])),
             "one label per sample, logits=[[0.5], [-2.0]], targets=[[1], [0]]"),
        Case((np.array([[3.0, -1.0], [0.0, 2.0]]), np.array([[0.9, 0.2], [0.5, 0.7]])),
             "soft targets=[[0.9, 0.2], [0.5, 0.7]], logits=[[3.0, -1.0], [0.0, 2.0]]"),
        Case((np.array([[4.0, -4.0, 0.0, 1.5]], dtype=np.float32), np.array([[1.0, 0.0, 0.0, 1.0]],
                                                                            dtype=np.float32)),
             "one sample, float32 logits=[[4.0, -4.0, 0.0, 1.5]], targets=[[1, 0, 0, 1]]"),
    ],
    hidden_cases=[
        Case((np.array([[-30.0, 30.0, 0.2, -0.2, 1.0], [5.0, -5.0, 2.0, -2.0, 0.0], [0.1, 0.2, 0.3, 0.4, 0.5]]),
              np.array([[0.0, 1.0, 1.0, 0.0, 1.0], [1.0, 1.0, 0.0, 0.0, 0.0], [1.0, 0.0, 1.0, 0.0, 1.0]])),
             "three samples, five labels"),
        Case((np.array([[-800.0, 800.0]]), np.array([[1.0, 0.0]])), "logits=[[-800.0, 800.0]], targets=[[1, 0]]"),
    ],
    reference=_from_logits.forward,
    mistakes=[
        Mistake(lambda z, y: _naive(z, y), "At logits like ±1000 the sigmoid rounds to exactly 0 or 1, and "
                "the textbook formula meets log(0): you get nan or inf. Use the stable form "
                "max(z, 0) - z*y + log(1 + exp(-|z|))."),
        Mistake(_no_abs, "exp(-z) overflows to inf when z is -1000. Write log(1 + exp(-z)) as "
                "max(z, 0) - z + log(1 + exp(-|z|)): then exp only sees -|z|."),
        Mistake(lambda z, y: _per_label(z, y).mean(axis=0),
                "That is one number per label (the mean over axis 0, down the samples); average over each "
                "sample's labels instead, axis=1."),
        Mistake(lambda z, y: _per_label(z, y), "You returned one loss per label; average each sample's labels "
                "(axis=1)."),
        Mistake(lambda z, y: _from_logits.calculate(z, y), "You returned the mean over the whole batch; "
                "return one loss per sample (average over axis=1 only)."),
        Mistake(lambda z, y: -_from_logits.forward(z, y), "Your losses are negative: the minus sign got lost. "
                "Binary cross-entropy is -[y log p + (1 - y) log(1 - p)], never below 0."),
        Mistake(lambda z, y: _naive(z, y, np.log10), "You used log10; cross-entropy uses the natural log, "
                "np.log (or np.log1p)."),
        Mistake(lambda z, y: _naive(z, y, np.log2), "You used log2 (bits); cross-entropy in this book uses "
                "the natural log, np.log (or np.log1p)."),
    ],
    hint="Per label: np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits))). "
         "Then the mean over axis=1.",
    success="exact from logits, even at ±1000, one loss per sample.",
)


def _per_label(logits, targets):
    z = np.asarray(logits, dtype=np.float64)
    return np.maximum(z, 0) - z * targets + np.log1p(np.exp(-np.abs(z)))


def _clipped(probabilities):
    return np.clip(probabilities, 1e-7, 1 - 1e-7)


def _broadcast(probabilities, labels, log=np.log):
    p = _clipped(probabilities)
    return np.mean(-(labels * log(p) + (1 - labels) * log(1 - p)))


def _column(probabilities):
    return np.asarray(probabilities)[:, 0]


q5 = Exercise(
    "ch10.q5",
    title="Debug: a column of probabilities and a row of labels",
    kind="debugging",
    minutes=8,
    points=2,
    task="""\
Find the bug. In chapter 6 the labels arrived as a column; here it is the model's
output: a model with one sigmoid output returns its probabilities as a column, shape
`(n, 1)`, and the labels come as a flat array, shape `(n,)`. A classmate's
`binary_loss_buggy` raises no error, yet its loss for four samples is `0.9035` where
Keras says `0.6122`. Print the shape of the array inside the `np.mean` to see what
it averages.

Then write `binary_loss(probabilities, labels)` that returns the mean binary
cross-entropy of those `n` samples, with the probabilities clipped to
$[10^{-7}, 1 - 10^{-7}]$.""",
    setup='''\
import numpy as np


def binary_loss_buggy(probabilities, labels):
    """Mean binary cross-entropy: probabilities (n, 1), labels (n,). (Buggy!)"""
    p = np.clip(probabilities, 1e-7, 1 - 1e-7)
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))''',
    code='''\
import numpy as np


def binary_loss(probabilities, labels):
    """Mean binary cross-entropy: probabilities (n, 1), labels (n,)."""
    ### BEGIN SOLUTION
    p = np.clip(probabilities[:, 0], 1e-7, 1 - 1e-7)  # (n, 1) -> (n,): one per label
    return np.mean(-(labels * np.log(p) + (1 - labels) * np.log(1 - p)))
    ### END SOLUTION''',
    cases=[
        Case((np.array([[0.9], [0.2], [0.7], [0.4]]), np.array([1.0, 0.0, 0.0, 1.0])),
             "probabilities=[[0.9], [0.2], [0.7], [0.4]], labels=[1, 0, 0, 1]"),
        Case((np.array([[1.0], [0.0], [0.5]]), np.array([1.0, 0.0, 1.0])),
             "probabilities=[[1.0], [0.0], [0.5]] (confidence 1), labels=[1, 0, 1]"),
        Case((np.array([[0.3]]), np.array([0.0])), "one sample, probabilities=[[0.3]], labels=[0]"),
        Case((np.array([[0.0], [0.8], [0.4]]), np.array([1.0, 0.0, 1.0])),
             "probabilities=[[0.0], [0.8], [0.4]] (confidence 0 where the label is 1), labels=[1, 0, 1]"),
        Case((np.array([[0.6], [0.8], [0.1], [0.95], [0.5]], dtype=np.float32),
              np.array([1, 1, 0, 1, 0], dtype=np.int64)),
             "float32 probabilities=[[0.6], [0.8], [0.1], [0.95], [0.5]], integer labels=[1, 1, 0, 1, 0]"),
    ],
    hidden_cases=[
        Case((np.array([[0.05], [0.99], [0.5], [0.75], [0.25], [0.6]]), np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])),
             "six samples"),
        Case((np.array([[0.0], [1.0]]), np.array([1.0, 0.0])), "probabilities=[[0.0], [1.0]], labels=[1, 0]"),
    ],
    reference=lambda p, y: _loss.calculate(_column(p).astype(np.float64), y),
    mistakes=[
        Mistake(_broadcast, "(n, 1) and (n,) broadcast to an (n, n) table: every sample's probability meets "
                "every label, and np.mean averages n * n numbers. Make the shapes match first: "
                "probabilities[:, 0] (or labels[:, None])."),
        Mistake(lambda p, y: _broadcast(_column(p), y, np.log10), "You used log10; cross-entropy uses the "
                "natural log, np.log."),
        Mistake(lambda p, y: -_broadcast(_column(p), y), "Your loss is negative: the minus sign in front of "
                "the sum got lost."),
        Mistake(lambda p, y: _loss.forward(_column(p).astype(np.float64), y), "You returned the per-sample "
                "losses (forgot the mean): return their average."),
        Mistake(lambda p, y: _unclipped(_column(p), y), "Without the clip a probability of exactly 0 or 1 "
                "meets log(0): log(p) at 0, log(1 - p) at 1. That gives inf, or nan where a label multiplies "
                "it by 0 (0 * -inf). Clip to [1e-7, 1 - 1e-7] first."),
    ],
    hint="Print (labels * np.log(p)).shape inside the buggy function. Then take the column apart: "
         "probabilities[:, 0] has shape (n,), like the labels.",
    success="one probability per label, n numbers in the mean.",
)


def _unclipped(p, y):
    with np.errstate(all="ignore"):
        return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


EXERCISES = [q1, q2, q3, q4, q5]
