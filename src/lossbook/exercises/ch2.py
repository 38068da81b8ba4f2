"""Chapter 2 exercises: one sample's categorical cross-entropy."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, close

_loss = CategoricalCrossentropy()


q1 = Exercise(
    "ch2.q1",
    title="The loss of one sample",
    kind="practice",
    minutes=5,
    task="""\
Write `one_sample_loss(softmax_output, target)`: the categorical cross-entropy of
one sample whose target is the class index `target` (a one-hot target), using the
shortcut $-\\log(\\hat{y}_k)$. For `[0.7, 0.1, 0.2]` and target `0` it is
`0.35667494393873245`. (No confidence here is 0; chapter 4 deals with that.)""",
    code='''\
import math


def one_sample_loss(softmax_output, target):
    """Return -log of the confidence in class `target`."""
    ### BEGIN SOLUTION
    return -math.log(softmax_output[target])
    ### END SOLUTION''',
    cases=[
        Case(([0.7, 0.1, 0.2], 0), "softmax_output=[0.7, 0.1, 0.2], target=0"),
        Case(([0.22, 0.6, 0.18], 1), "softmax_output=[0.22, 0.6, 0.18], target=1"),
        Case(([0.32, 0.36, 0.32], 2), "softmax_output=[0.32, 0.36, 0.32], target=2"),
        Case((np.array([1.0, 0.0, 0.0]), 0), "softmax_output=np.array([1.0, 0.0, 0.0]), target=0 (confidence 1)"),
        Case((np.array([0.05, 0.95], dtype=np.float32), 0),
             "softmax_output=np.array([0.05, 0.95], dtype=np.float32), target=0"),
    ],
    reference=lambda p, t: _loss.forward([p], [t])[0],
    mistakes=[
        Mistake(lambda p, t: np.log(p[t]), "Your loss is negative: you forgot the minus sign; the loss is -log(p)."),
        Mistake(lambda p, t: -np.log10(p[t]), "You used log base 10; cross-entropy uses the natural log "
                "(np.log or math.log)."),
        Mistake(lambda p, t: -np.log2(p[t]), "You used log base 2; cross-entropy uses the natural log "
                "(np.log or math.log)."),
        Mistake(lambda p, t: -np.log(max(p)), "You took the highest confidence, not the correct class's: "
                "use softmax_output[target]."),
    ],
    hint="Pick the confidence at position `target`, then take minus its natural log (math.log or np.log).",
    success="a confident right answer costs little, an unsure one costs more.",
)


def _binary_sum(p, y):
    p, y = np.asarray(p, dtype=float), np.asarray(y, dtype=float)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


q2 = Exercise(
    "ch2.q2",
    title="The full formula, soft targets too",
    kind="practice",
    minutes=8,
    task="""\
Write `cross_entropy(softmax_output, target_distribution)` with the full formula
$L = -\\sum_j y_j \\log(\\hat{y}_j)$, for any target distribution: one-hot like
`[1, 0, 0]` or soft like `[0.4, 0.1, 0.5]`. Both arguments are lists or 1-D arrays
of the same length; no confidence is 0.""",
    code='''\
import numpy as np


def cross_entropy(softmax_output, target_distribution):
    """Return -sum_j y_j * log(yhat_j) for one sample."""
    ### BEGIN SOLUTION
    y_hat = np.asarray(softmax_output)
    y = np.asarray(target_distribution)
    return -np.sum(y * np.log(y_hat))
    ### END SOLUTION''',
    cases=[
        Case(([0.7, 0.1, 0.2], [1, 0, 0]), "softmax_output=[0.7, 0.1, 0.2], target_distribution=[1, 0, 0]"),
        Case(([0.7, 0.1, 0.2], [0.4, 0.1, 0.5]), "softmax_output=[0.7, 0.1, 0.2], target_distribution=[0.4, 0.1, 0.5]"),
        Case(([0.6, 0.4], [0, 1]), "softmax_output=[0.6, 0.4], target_distribution=[0, 1]"),
        Case((np.array([0.25, 0.25, 0.5], dtype=np.float32), np.array([0.0, 0.0, 1.0], dtype=np.float32)),
             "float32 softmax_output=[0.25, 0.25, 0.5], target_distribution=[0, 0, 1]"),
    ],
    reference=lambda p, y: _loss.forward([p], [y])[0],
    mistakes=[
        Mistake(_binary_sum, "You summed the binary cross-entropy formula y*log(p) + (1-y)*log(1-p) over the "
                "classes; categorical cross-entropy has only the -sum of y*log(p) terms."),
        Mistake(lambda p, y: np.sum(np.asarray(y) * np.log(p)), "Your loss is negative: you forgot the minus sign."),
        Mistake(lambda p, y: -np.asarray(y) * np.log(p), "You returned one term per class; add them up with np.sum."),
        Mistake(lambda p, y: -np.log(p[int(np.argmax(y))]), "You used the one-hot shortcut -log(p[k]); with "
                "soft targets every class counts: use the full sum."),
    ],
    hint="Turn both into NumPy arrays, multiply them element-wise, take np.sum and put a minus in front.",
    success="with soft targets every class's term counts.",
)

q3 = Exercise(
    "ch2.q3",
    title="Predict: halve the confidence",
    kind="predict",
    minutes=3,
    task="""\
Predict, then check. The model's confidence in the correct class halves, from 0.8
to 0.4 (or from 0.5 to 0.25: does it matter?). By how much does the loss go up?
Write `loss_increase()` returning your predicted increase as a number (two decimals
are enough). Think first, compute after.""",
    code='''\
def loss_increase():
    """Return the predicted increase of -log(p) when p halves."""
    ### BEGIN SOLUTION
    return 0.693  # -log(p/2) - (-log(p)) = log(2), whatever p is
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _loss.forward([[0.4, 0.6]], [0])[0] - _loss.forward([[0.8, 0.2]], [0])[0],
    compare=lambda actual, expected: close(actual, expected, rtol=0, atol=0.01),
    mistakes=[
        Mistake(lambda: 2.0, "The loss does not double: log turns a ratio of confidences into a difference of "
                "losses, so halving adds log(2) whatever the starting confidence."),
        Mistake(lambda: 0.5, "The loss does not halve: log turns a ratio of confidences into a difference of "
                "losses, so halving adds log(2) whatever the starting confidence."),
        Mistake(lambda: float(np.log10(2)), "That is log base 10 of 2; cross-entropy uses the natural log."),
    ],
    hint="-log(p / 2) = -log(p) + log(2).",
    success="halving the confidence always adds log(2) ≈ 0.693.",
)

EXERCISES = [q1, q2, q3]
