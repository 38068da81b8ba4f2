"""Chapter 5 exercises: log(0) and clipping.

4.1 and 4.2 are predictions asked in the middle of the chapter, each before the
cell that reveals its answer; 4.3 and 4.4 come at the end.
"""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, close, same_text

_loss = CategoricalCrossentropy()
EPS = 1e-7


q1 = Exercise(
    "ch5.q1",
    title="Predict: the range of the loss",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch5-10",
    task="""\
Predict, then check, before you read on. The fix below clips every confidence to
`[1e-7, 1 - 1e-7]` before taking the log. What is then the largest loss a single
sample can get, and the smallest? Write `loss_range()` returning both as a tuple
`(smallest, largest)` (three decimals are enough).""",
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
    success="with clipping every loss is finite and never negative.",
)


_SIGNS = ("positive", "zero", "negative")


def _sign(x: float) -> str:
    return "positive" if x > 0 else "negative" if x < 0 else "zero"


q2 = Exercise(
    "ch5.q2",
    title="Predict: add epsilon to a perfect prediction",
    kind="predict",
    minutes=2,
    points=1,
    place_after="ch5-13",
    options=_SIGNS,
    task="""\
Predict, then check, before you run the next cell. A perfect prediction has
confidence 1 in its correct class. Add `1e-7` to it instead of clipping: is its
loss, `-np.log(1 + 1e-7)`, positive, zero or negative? Write `sign_of_loss()`
returning one of `"positive"`, `"zero"` or `"negative"`.""",
    code='''\
def sign_of_loss():
    """Return "positive", "zero" or "negative": the sign of -np.log(1 + 1e-7)."""
    ### BEGIN SOLUTION
    return "negative"  # 1 + 1e-7 > 1, so its log is positive and minus that is negative
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _sign(-np.log(1 + EPS)),
    compare=same_text,
    mistakes=[
        Mistake(lambda: "zero", "1 + 1e-7 is not 1: float64 tells them apart (it resolves about 16 "
                "digits), so its log is not 0 either."),
        Mistake(lambda: "positive", "The log of a number above 1 is positive, so minus that log is "
                "negative: a loss below that of a perfect prediction."),
    ],
    hint="Is 1 + 1e-7 above or below 1? What sign does the log of a number above 1 have?",
    success="1 + 1e-7 is above 1; the next cell shows what that does.",
)


q3 = Exercise(
    "ch5.q3",
    title="A batch loss that survives confidence 0",
    kind="practice",
    minutes=8,
    points=2,
    task="""\
Chapter 3's batch loss breaks on a confidence of 0. Write
`safe_batch_loss(softmax_outputs, class_targets)`: the mean categorical
cross-entropy of a batch with sparse targets, clipping the confidences to
`[1e-7, 1 - 1e-7]` first, so that a confidence of exactly 0 gives a large finite
loss (`-np.log(1e-7)` ≈ 16.118) instead of `inf`. Do not change the caller's
array.""",
    code='''\
import numpy as np


def safe_batch_loss(softmax_outputs, class_targets):
    """Mean categorical cross-entropy, confidences clipped to [1e-7, 1 - 1e-7]."""
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
    hidden_cases=[
        Case((np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.2, 0.3, 0.5]]), np.array([0, 0, 2])),
             "two confidently wrong samples"),
        Case((np.array([[0.25, 0.75], [1.0, 0.0], [0.5, 0.5], [0.9, 0.1]]), np.array([1, 1, 0, 0])),
             "four samples, two classes, one confidence 0"),
    ],
    reference=_loss.calculate,
    # Tight enough to tell clipping from adding 1e-7 (they differ by ~1e-7 at confidence 1).
    compare=lambda actual, expected: close(actual, expected, rtol=1e-6, atol=1e-9)
    or (np.asarray(expected).dtype == np.float32 and close(actual, expected)),
    mistakes=[
        Mistake(lambda p, t: np.mean(-np.log(p[range(len(p)), t])), "Your loss is inf (or nan) when a confidence "
                "is 0: you forgot to clip. Clip to [1e-7, 1 - 1e-7] before the log."),
        Mistake(lambda p, t: _loss.forward(p, t), "You returned the per-sample losses (forgot the mean): "
                "return their average, np.mean(...)."),
        Mistake(lambda p, t: np.mean(-np.log(p[range(len(p)), t] + EPS)), "You added 1e-7 instead of "
                "clipping: close, but a confidence of 1 then gets a negative loss. Use np.clip."),
    ],
    match_atol=1e-9,
    hint="np.clip(softmax_outputs, 1e-7, 1 - 1e-7) first, then pick, -log and mean as in chapter 3.",
    success="one confidently wrong sample now costs about 16.1, not infinity.",
)


q4 = Exercise(
    "ch5.q4",
    title="Debug: clipping that changes the caller's array",
    kind="debugging",
    minutes=5,
    points=2,
    task="""\
Find the bug. `clip_predictions_buggy` below returns the right numbers, but
something else goes wrong for whoever calls it. Run it on an array and print the
array afterwards. Then write `clip_predictions(y_pred)` that returns `y_pred`
clipped to `[1e-7, 1 - 1e-7]` and leaves `y_pred` exactly as it was.
(Try `ch5.q4.check(clip_predictions_buggy)` to see what the check says.)""",
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
    hidden_cases=[
        Case((np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]),), "y_pred=[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]"),
        Case((np.array([[0.02, 0.9, 0.08]], dtype=np.float32),), "float32 y_pred=[[0.02, 0.9, 0.08]]"),
    ],
    reference=lambda y: np.clip(y, EPS, 1 - EPS),
    compare=lambda actual, expected: close(actual, expected, rtol=0, atol=1e-9)
    or (np.asarray(expected).dtype == np.float32 and close(actual, expected, rtol=0, atol=1e-7)),
    mistakes=[
        Mistake(lambda y: np.clip(y, EPS, None), "You clipped only the bottom: clip the top to 1 - 1e-7 "
                "as well, as the frameworks do. (For this loss the top clip changes a loss by at most "
                "about 1e-7, but binary cross-entropy's log(1 - p) needs it.)"),
        Mistake(lambda y: y + EPS, "You added 1e-7 instead of clipping: a confidence of 1 becomes 1 + 1e-7 "
                "and its loss turns negative. Use np.clip."),
    ],
    match_atol=1e-9,
    hint="np.clip(a, low, high) already returns a new array; it is the out= argument that writes into a.",
    success="np.clip without out= leaves the caller's array alone.",
)

EXERCISES = [q1, q2, q3, q4]
