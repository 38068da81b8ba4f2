"""Chapter 4 exercises: log(0) and clipping."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, close

_loss = CategoricalCrossentropy()
EPS = 1e-7

q1 = Exercise(
    "ch4.q1",
    title="Debug: clipping that changes the caller's array",
    kind="debugging",
    minutes=5,
    task="""\
Find the bug. `clip_predictions_buggy` below returns the right numbers, but
something else goes wrong for whoever calls it. Run it on an array and print the
array afterwards. Then write `clip_predictions(y_pred)` that returns `y_pred`
clipped to `[1e-7, 1 - 1e-7]` and leaves `y_pred` exactly as it was.
(Try `ch4.q1.check(clip_predictions_buggy)` to see what the check says.)""",
    setup='''\
import numpy as np


def clip_predictions_buggy(y_pred):
    """Clip confidences to [1e-7, 1 - 1e-7]. (Buggy!)"""
    np.clip(y_pred, 1e-7, 1 - 1e-7, out=y_pred)
    return y_pred''',
    code='''\
import numpy as np


def clip_predictions(y_pred):
    """Return y_pred clipped to [1e-7, 1 - 1e-7]; y_pred itself stays unchanged."""
    ### BEGIN SOLUTION
    return np.clip(y_pred, 1e-7, 1 - 1e-7)  # no out=: np.clip returns a new array
    ### END SOLUTION''',
    cases=[
        Case((np.array([[0.0, 1.0], [0.3, 0.7]]),), "y_pred=[[0.0, 1.0], [0.3, 0.7]]"),
        Case((np.array([[0.1, 0.2, 0.3, np.inf, -np.inf]]),), "y_pred=[[0.1, 0.2, 0.3, inf, -inf]]"),
        Case((np.array([[1.0, 0.0, 0.0]], dtype=np.float32),), "float32 y_pred=[[1.0, 0.0, 0.0]]"),
        Case((np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4]]),), "y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4]]"),
    ],
    reference=lambda y: np.clip(y, EPS, 1 - EPS),
    compare=lambda actual, expected: close(actual, expected, rtol=0, atol=1e-9)
    or (np.asarray(expected).dtype == np.float32 and close(actual, expected, rtol=0, atol=1e-7)),
    mistakes=[
        Mistake(lambda y: np.clip(y, EPS, None), "You clipped only the bottom: clip the top to 1 - 1e-7 as well, "
                "or the mean loss is biased towards confident predictions."),
        Mistake(lambda y: y + EPS, "You added 1e-7 instead of clipping: a confidence of 1 becomes 1 + 1e-7 "
                "and its loss turns negative. Use np.clip."),
    ],
    match_atol=1e-9,
    hint="np.clip(a, low, high) already returns a new array; it is the out= argument that writes into a.",
    success="np.clip without out= leaves the caller's array alone.",
)


q2 = Exercise(
    "ch4.q2",
    title="A batch loss that survives confidence 0",
    kind="practice",
    minutes=8,
    task="""\
Write `safe_batch_loss(softmax_outputs, class_targets)`: the mean categorical
cross-entropy with sparse targets, clipping the confidences to `[1e-7, 1 - 1e-7]`
first, so that a confidence of exactly 0 gives a large finite loss
(`-np.log(1e-7)` ≈ 16.118) instead of `inf`. Do not change the caller's array.""",
    code='''\
import numpy as np


def safe_batch_loss(softmax_outputs, class_targets):
    """Mean categorical cross-entropy with confidences clipped to [1e-7, 1 - 1e-7]."""
    ### BEGIN SOLUTION
    clipped = np.clip(softmax_outputs, 1e-7, 1 - 1e-7)
    correct_confidences = clipped[range(len(clipped)), class_targets]
    return np.mean(-np.log(correct_confidences))
    ### END SOLUTION''',
    cases=[
        Case((np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]), np.array([0, 1, 1])),
             "softmax_outputs=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], class_targets=[0, 1, 1]"),
        Case((np.array([[0.0, 1.0]]), np.array([0])), "one sample [[0.0, 1.0]] (confidence 0), class_targets=[0]"),
        Case((np.array([[0.0, 1.0], [0.5, 0.5]]), np.array([0, 1])),
             "softmax_outputs=[[0.0, 1.0], [0.5, 0.5]], class_targets=[0, 1]"),
        Case((np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), np.array([0, 2])),
             "softmax_outputs=[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]] (confidence 1), class_targets=[0, 2]"),
        Case((np.array([[0.0, 0.3, 0.7], [0.2, 0.8, 0.0]], dtype=np.float32), np.array([0, 1])),
             "float32 softmax_outputs=[[0.0, 0.3, 0.7], [0.2, 0.8, 0.0]], class_targets=[0, 1]"),
    ],
    reference=_loss.calculate,
    mistakes=[
        Mistake(lambda p, t: np.mean(-np.log(p[range(len(p)), t])), "Your loss is inf (or nan) when a confidence "
                "is 0: you forgot to clip. Clip to [1e-7, 1 - 1e-7] before the log."),
        Mistake(lambda p, t: _loss.forward(p, t), "You returned the per-sample losses (forgot the mean): "
                "return their average, np.mean(...)."),
    ],
    hint="np.clip(softmax_outputs, 1e-7, 1 - 1e-7) first, then pick, -log and mean as in chapter 3.",
    success="one confidently wrong sample now costs about 16.1, not infinity.",
)


q3 = Exercise(
    "ch4.q3",
    title="Predict: the range of the loss",
    kind="predict",
    minutes=3,
    task="""\
Predict, then check. With confidences clipped to `[1e-7, 1 - 1e-7]`, what is the
largest loss a single sample can get, and the smallest? Write `loss_range()`
returning both as a tuple `(smallest, largest)` (three decimals are enough).""",
    code='''\
def loss_range():
    """Return (smallest, largest) per-sample loss after clipping to [1e-7, 1 - 1e-7]."""
    ### BEGIN SOLUTION
    return (0.0, 16.118)  # -log(1 - 1e-7) ≈ 1e-7 and -log(1e-7) ≈ 16.118
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: tuple(float(x) for x in _loss.forward([[1.0, 0.0], [0.0, 1.0]], [0, 0])),
    compare=lambda actual, expected: close(actual, expected, rtol=0, atol=0.001),
    mistakes=[
        Mistake(lambda: (0.0, np.inf), "With clipping no loss is infinite: the smallest confidence is 1e-7, "
                "so the largest loss is -log(1e-7)."),
        Mistake(lambda: (0.0, 7.0), "That is -log10(1e-7); cross-entropy uses the natural log: -np.log(1e-7)."),
        Mistake(lambda: (16.118, 0.0), "Give the smallest first: (smallest, largest)."),
    ],
    hint="The loss is -log(p), and p now lies between 1e-7 and 1 - 1e-7.",
    success="clipping bounds every sample's loss between ≈ 0 and ≈ 16.118.",
)

EXERCISES = [q1, q2, q3]
