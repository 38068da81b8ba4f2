"""Chapter 6 exercises: the Loss class."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, close, same_text

_loss = CategoricalCrossentropy()
_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_BATCH_LABEL = "y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]"
_ONE_HOT = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])


# --- 5.1: predict ln(n) before the chapter explains ln 3 ----------------------------

q1 = Exercise(
    "ch6.q1",
    title="Predict: the loss of a network with no preference",
    kind="predict",
    minutes=4,
    place_after="ch6-19",
    points=1,
    task="""\
Predict, then read on. The untrained network gave every class a confidence of
about $1/3$, and its loss came out as `1.0986104`. Before the next section explains
that number, write `untrained_loss(n_classes)`: the loss of a network that gives
each of `n_classes` classes exactly the same confidence, for any number of classes.
What would it be for 10 classes (the digits 0-9)? For 1000?""",
    code='''\
import math


def untrained_loss(n_classes):
    """Loss of a network that gives each of n_classes classes the same confidence."""
    ### BEGIN SOLUTION
    return -math.log(1 / n_classes)  # = log(n_classes)
    ### END SOLUTION''',
    cases=[Case((n,), f"n_classes={n}") for n in (3, 2, 10, 1000)],
    hidden_cases=[Case((n,), f"n_classes={n}") for n in (4, 7, 100, 21843)],
    reference=lambda n: float(_loss.calculate(np.full((1, n), 1 / n), [0])),
    compare=lambda actual, expected: close(actual, expected, rtol=1e-4, atol=1e-4),
    mistakes=[
        Mistake(lambda n: 1 / n, "That is the confidence in each class, not the loss: "
                "the loss is -log(1/n)."),
        Mistake(lambda n: float(np.log10(n)), "You used log base 10; cross-entropy uses the "
                "natural log."),
        Mistake(lambda n: float(np.log2(n)), "You used log base 2 (bits); cross-entropy here "
                "uses the natural log (nats)."),
    ],
    hint="No preference means every class gets confidence 1 / n_classes, the correct one "
         "included, for every sample. The mean of equal losses is that loss.",
    success="the next section explains the number.",
)


# --- 5.2: predict what 100x larger weights do to the starting loss ------------------

_BIG_WEIGHTS = "above"

q2 = Exercise(
    "ch6.q2",
    title="Predict: weights 100 times larger",
    kind="predict",
    minutes=5,
    place_after="ch6-big-ask",
    points=2,
    options=("about", "below", "above"),
    task="""\
Predict, then read on. Build the same network from the same random draws, but
start the weights at `1.0 * np.random.randn(...)` instead of `0.01 * np.random.randn(...)`.
Where will its starting loss be, compared with $\\ln 3 \\approx 1.0986$?

- `"about"`: about $\\ln 3$ again; the network has still learned nothing;
- `"below"`: below $\\ln 3$; larger weights make a stronger network;
- `"above"`: above $\\ln 3$.

Write `big_weights_loss()` returning one of the three words, and a sentence in a
comment saying why. The next cells build the network and show the answer.""",
    code='''\
def big_weights_loss():
    """Return "about", "below" or "above": where its loss sits, next to ln 3."""
    ### BEGIN SOLUTION
    # The scores grow 10 000 times, so the confidences stop being 1/3: the network
    # is confident, but at random. It is wrong on two samples in three, and -log
    # punishes a confidence pushed down more than it rewards one pushed up.
    return "above"
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _BIG_WEIGHTS,
    compare=same_text,
    mistakes=[
        Mistake(lambda: "about", "The scores are 10 000 times larger, not just shifted, so "
                "softmax no longer gives every class 1/3."),
        Mistake(lambda: "below", "Larger random weights make a network more confident, not "
                "more right: nothing has been learned yet."),
    ],
    hint="Each layer multiplies by its weights, and ReLU passes a positive factor through. "
         "What do larger scores do to softmax's confidences? Is the network right more "
         "often than before?",
    success="the next cells show why.",
)


# --- 5.3: the full formula, for soft targets -------------------------------------

_SOFT = np.array([[0.4, 0.1, 0.5], [0.0, 0.9, 0.1], [0.05, 0.9, 0.05]])
_SOFT_LABEL = "soft y_true=[[0.4, 0.1, 0.5], [0.0, 0.9, 0.1], [0.05, 0.9, 0.05]]"

_CASES = [
    Case((_BATCH, _SOFT), _BATCH_LABEL + ", " + _SOFT_LABEL),
    Case((_BATCH, np.array([0, 1, 1])), _BATCH_LABEL + ", y_true=[0, 1, 1]"),
    Case((_BATCH, _ONE_HOT), _BATCH_LABEL + ", one-hot y_true=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"),
    Case((np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([[0.0, 1.0], [0.3, 0.7]])),
         "y_pred=[[0.0, 1.0], [0.5, 0.5]] (confidence 0 where the target is 0), "
         "soft y_true=[[0.0, 1.0], [0.3, 0.7]]"),
    Case((np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])),
         "one sample y_pred=[[0.0, 1.0]] (confidence 0), soft y_true=[[0.5, 0.5]]"),
    Case((np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]], dtype=np.float32),
          np.array([[0.9, 0.05, 0.05], [0.0, 0.0, 1.0]], dtype=np.float32)),
         "float32 y_pred=[[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]] (confidence 1), "
         "soft y_true=[[0.9, 0.05, 0.05], [0.0, 0.0, 1.0]]"),
]
_HIDDEN = [
    Case((np.array([[0.25, 0.25, 0.25, 0.25]]), np.array([[0.1, 0.2, 0.3, 0.4]])),
         "y_pred=[[0.25, 0.25, 0.25, 0.25]], soft y_true=[[0.1, 0.2, 0.3, 0.4]]"),
    Case((np.array([[0.6, 0.4], [0.1, 0.9], [0.5, 0.5]]), np.array([1, 1, 0])),
         "y_pred=[[0.6, 0.4], [0.1, 0.9], [0.5, 0.5]], y_true=[1, 1, 0]"),
    Case((np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]), np.array([[0.95, 0.025, 0.025],
                                                               [0.025, 0.025, 0.95]])),
         "y_pred=[[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]], label-smoothed y_true"),
]


def _clipped(y_pred):
    return np.clip(y_pred, 1e-7, 1 - 1e-7)


def _log_outside(y_pred, y_true):
    p = _clipped(y_pred)
    picked = p[range(len(p)), y_true] if y_true.ndim == 1 else np.sum(p * y_true, axis=1)
    return -np.log(picked)


def _unclipped(y_pred, y_true):
    if y_true.ndim == 1:
        return -np.log(y_pred[range(len(y_pred)), y_true])
    return -np.sum(y_true * np.log(y_pred), axis=1)


def _sum_axis0(y_pred, y_true):
    if y_true.ndim == 1:
        return -np.log(_clipped(y_pred)[range(len(y_pred)), y_true])
    return -np.sum(y_true * np.log(_clipped(y_pred)), axis=0)


q3 = Exercise(
    "ch6.q3",
    title="Soft targets: the full formula",
    kind="practice",
    minutes=10,
    points=2,
    task="""\
The chapter's `forward` picks with a multiply-and-sum and takes the log after:
$-\\log \\sum_j y_{ij}\\,\\hat y_{ij}$. For a one-hot row that is the same as the
full formula $L_i = -\\sum_j y_{ij} \\log \\hat y_{ij}$, but for a **soft** target
such as `[0.4, 0.1, 0.5]` it is not (you saw the two numbers differ above).

Write `soft_forward(y_pred, y_true)` returning the per-sample losses of the full
formula (a 1-D array, one loss per row). Clip the confidences to
`[1e-7, 1 - 1e-7]` as the chapter does, accept class indices (1-D) as well as
one-hot or soft rows (2-D), and leave the caller's arrays unchanged.""",
    code='''\
import numpy as np


def soft_forward(y_pred, y_true):
    """Per-sample -sum_j y_ij log(yhat_ij); y_true: indices (n,) or rows (n, k)."""
    ### BEGIN SOLUTION
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        return -np.log(y_pred_clipped[range(len(y_pred_clipped)), y_true])
    return -np.sum(y_true * np.log(y_pred_clipped), axis=1)
    ### END SOLUTION''',
    cases=_CASES,
    hidden_cases=_HIDDEN,
    reference=_loss.forward,
    mistakes=[
        Mistake(_log_outside, "You summed first and took the log after: -log(sum y*p) is "
                "the one-hot shortcut. For soft targets the log goes inside the sum."),
        Mistake(lambda p, t: _loss.calculate(p, t), "You returned the mean: forward returns "
                "one loss per sample (Loss.calculate takes the mean)."),
        Mistake(_unclipped, "Your loss is inf or nan when a confidence is 0 (0 * log 0 is "
                "nan): clip to [1e-7, 1 - 1e-7] before the log."),
        Mistake(_sum_axis0, "You summed along axis 0 (down the samples); sum along axis 1, "
                "across each sample's classes."),
    ],
    hint="Take np.log of the whole clipped array first, multiply by y_true, then sum "
         "each row (axis=1). Class indices still work as in the chapter.",
    success="this is lb.CategoricalCrossentropy's forward for soft targets.",
)


# --- 5.4: debugging the axis --------------------------------------------------------

q4 = Exercise(
    "ch6.q4",
    title="Debug: one-hot targets give nonsense",
    kind="debugging",
    minutes=5,
    points=1,
    task="""\
Find the bug. `forward_buggy` below works for class indices but gives wrong
per-sample losses for one-hot targets. Run it on the chapter's batch in both target
forms, look at the shapes, then write the fixed version as
`forward_fixed(y_pred, y_true)`.""",
    setup='''\
import numpy as np


def forward_buggy(y_pred, y_true):
    """Per-sample categorical cross-entropy. (Buggy for one-hot targets!)"""
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        correct_confidences = y_pred_clipped[range(len(y_pred)), y_true]
    elif len(y_true.shape) == 2:
        correct_confidences = np.sum(y_pred_clipped * y_true, axis=0)
    return -np.log(correct_confidences)''',
    code='''\
import numpy as np


def forward_fixed(y_pred, y_true):
    """Per-sample categorical cross-entropy; y_true indices (n,) or one-hot (n, k)."""
    ### BEGIN SOLUTION
    clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        picked = clipped[range(len(y_pred)), y_true]
    elif len(y_true.shape) == 2:
        picked = np.sum(clipped * y_true, axis=1)  # axis=0 summed down the samples
    return -np.log(picked)
    ### END SOLUTION''',
    cases=[_CASES[2], _CASES[1],
           Case((_CASES[5].args[0], np.array([[1.0, 0, 0], [0, 0, 1.0]], dtype=np.float32)),
                "float32 y_pred=[[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]] (confidence 1), "
                "one-hot y_true=[[1, 0, 0], [0, 0, 1]]")],
    hidden_cases=[
        Case((np.array([[0.6, 0.4], [0.1, 0.9]]), np.array([[0, 1], [0, 1]])),
             "y_pred=[[0.6, 0.4], [0.1, 0.9]], one-hot y_true=[[0, 1], [0, 1]]"),
    ],
    reference=_loss.forward,
    mistakes=[
        Mistake(lambda p, t: _loss.calculate(p, t), "You returned the mean: forward returns "
                "one loss per sample (Loss.calculate takes the mean)."),
        Mistake(lambda p, t: _log_outside(p, t) if t.ndim == 1 else
                -np.log(np.sum(_clipped(p) * t, axis=0)),
                "For one-hot targets you summed along axis 0 (down the samples); sum along "
                "axis 1, across each sample's classes."),
    ],
    hint="Print np.sum(y_pred_clipped * y_true, axis=0) for the chapter's batch: is that one "
         "number per sample, or one per class?",
    success="axis=1 gives one number per sample.",
)

EXERCISES = [q1, q2, q3, q4]
