"""Chapter 1 exercises: why a loss, not accuracy."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake


def _confidence(softmax_output, target):
    # exp(-loss) undoes -log; the package clips to [1e-7, 1 - 1e-7], well inside the tolerance.
    return float(np.exp(-CategoricalCrossentropy().forward([softmax_output], [target])[0]))


q1 = Exercise(
    "ch1.q1",
    title="Confidence in the correct class",
    kind="practice",
    minutes=5,
    task="""\
Write `confidence_in_correct(softmax_output, target)`: given one sample's softmax
output (a list or 1-D array, one confidence per class) and the index of the correct
class, return the confidence the model gave to the correct class, as a number.
For `[0.22, 0.6, 0.18]` and target `1` that is `0.6`.""",
    code='''\
def confidence_in_correct(softmax_output, target):
    """Return the confidence that softmax_output gives to class `target`."""
    ### BEGIN SOLUTION
    return softmax_output[target]
    ### END SOLUTION''',
    cases=[
        Case(([0.22, 0.6, 0.18], 1), "softmax_output=[0.22, 0.6, 0.18], target=1"),
        Case(([0.7, 0.1, 0.2], 2), "softmax_output=[0.7, 0.1, 0.2], target=2"),
        Case((np.array([0.32, 0.36, 0.32]), 0), "softmax_output=np.array([0.32, 0.36, 0.32]), target=0"),
        Case((np.array([0.0, 1.0, 0.0]), 0), "softmax_output=np.array([0.0, 1.0, 0.0]), target=0 (confidence 0)"),
        Case((np.array([1.0, 0.0]), 0), "softmax_output=np.array([1.0, 0.0]), target=0 (confidence 1)"),
        Case((np.array([0.1, 0.3, 0.6], dtype=np.float32), 1),
             "softmax_output=np.array([0.1, 0.3, 0.6], dtype=np.float32), target=1"),
    ],
    reference=_confidence,
    mistakes=[
        Mistake(lambda p, t: max(p), "You returned the highest confidence (the predicted class's), "
                "not the confidence in the correct class: index the output with the target."),
        Mistake(lambda p, t: int(np.argmax(p)), "You returned a class index, not a confidence: "
                "return softmax_output[target]."),
    ],
    hint="A softmax output is a list of confidences, one per class, and the target is a position in it.",
    success="the loss will look only at this one number per sample.",
)

_RANKING = "bac"

q2 = Exercise(
    "ch1.q2",
    title="Predict: which output is best?",
    kind="predict",
    minutes=3,
    task="""\
Predict, then check. The correct class is 2 for three different softmax outputs:

| output | class 0 | class 1 | class 2 |
|---|---|---|---|
| a | 0.1 | 0.1 | 0.8 |
| b | 0.0 | 0.15 | 0.85 |
| c | 0.45 | 0.1 | 0.45 |

A loss that rewards confidence in the correct class would rank them how? Write
`rank_by_loss()` returning the letters from best (lowest loss) to worst, as one
string such as `"abc"`.""",
    code='''\
def rank_by_loss():
    """Return the three outputs ordered from best to worst, e.g. "abc"."""
    ### BEGIN SOLUTION
    return "bac"  # correct-class confidences 0.85 > 0.8 > 0.45
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _RANKING,
    compare=lambda actual, expected: isinstance(actual, str) and actual.strip().lower() == expected,
    mistakes=[
        Mistake(lambda: "cab", "You listed them from worst to best; start with the lowest loss."),
        Mistake(lambda: "abc", "Only the confidence in the correct class counts: b's 0.0 on class 0 "
                "does not hurt it, and 0.85 beats 0.8."),
    ],
    hint="Look only at the column of class 2: the higher the confidence there, the lower the loss.",
    success="only the correct class counts: 0.85 > 0.8 > 0.45.",
)

EXERCISES = [q1, q2]
