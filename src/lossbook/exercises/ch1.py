"""Chapter 1 exercises: why a loss, not accuracy."""
import itertools

import numpy as np

from ._grading import Case, Exercise, Mistake


_OUTPUTS = {"a": [0.1, 0.1, 0.8], "b": [0.01, 0.14, 0.85], "c": [0.45, 0.1, 0.45]}
_TARGET = 2


def _rank_from_losses():
    """The letters ordered by the loss -log(confidence in the correct class), lowest first."""
    losses = {name: -np.log(output[_TARGET]) for name, output in _OUTPUTS.items()}
    return "".join(sorted(losses, key=losses.get))


_ROWS = "\n".join(f"| {name} | " + " | ".join(str(v) for v in output) + " |"
                  for name, output in _OUTPUTS.items())

q1 = Exercise(
    "ch1.q1",
    title="Predict: which output is best?",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch1-before-preview",
    task=f"""\
Predict before you read on. The correct class is {_TARGET} for three different
softmax outputs:

| output | class 0 | class 1 | class 2 |
|---|---|---|---|
{_ROWS}

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
    reference=_rank_from_losses,
    options=tuple("".join(order) for order in itertools.permutations("abc")),
    mistakes=[
        Mistake(lambda: _rank_from_losses()[::-1], "You listed them from worst to best; start with the "
                "lowest loss."),
        Mistake(lambda: "abc", "Only the confidence in the correct class counts: how b spreads the rest "
                "(0.01 and 0.14) changes nothing, and its 0.85 beats a's 0.8."),
    ],
    hint="Look only at the column of class 2: the higher the confidence there, the lower the loss.",
    success="only the correct class counts: 0.85 > 0.8 > 0.45.",
)


def _margin(softmax_output, target):
    p = np.asarray(softmax_output, dtype=np.float64)
    return float(p[target] - np.delete(p, target).max())


q2 = Exercise(
    "ch1.q2",
    title="How far ahead is the correct class?",
    kind="practice",
    minutes=8,
    points=2,
    task="""\
Accuracy only asks whether the correct class has the highest confidence. A more
telling number is the **margin**: the confidence in the correct class minus the
highest confidence among the *other* classes. It is positive when the prediction is
right, negative when it is wrong, and its size says how close the answer is to
flipping.

Write `margin(softmax_output, target)` for one sample (a list or 1-D array of
confidences, and the index of the correct class). Model A of this chapter,
`[0.22, 0.6, 0.18]` with target `1`, has a margin of about `0.38`; model B's is
about `0.04`. Do not change the caller's list or array.""",
    code='''\
import numpy as np


def margin(softmax_output, target):
    """Return the correct class's confidence minus the best other one's."""
    ### BEGIN SOLUTION
    others = np.array(softmax_output, dtype=float)  # a copy
    others[target] = -np.inf  # leave the correct class out
    return softmax_output[target] - others.max()
    ### END SOLUTION''',
    # Right predictions first; then wrong ones with the correct class last and second
    # (there "the gap between the two highest" and an abs() margin give different values).
    cases=[
        Case(([0.22, 0.6, 0.18], 1), "softmax_output=[0.22, 0.6, 0.18], target=1"),
        Case(([0.32, 0.36, 0.32], 1), "softmax_output=[0.32, 0.36, 0.32], target=1"),
        Case(([0.6, 0.3, 0.1], 2), "softmax_output=[0.6, 0.3, 0.1], target=2 (a wrong prediction)"),
        Case(([0.7, 0.1, 0.2], 2), "softmax_output=[0.7, 0.1, 0.2], target=2 (a wrong prediction)"),
        Case((np.array([0.0, 1.0, 0.0]), 0),
             "softmax_output=np.array([0.0, 1.0, 0.0]), target=0 (confidence 0)"),
        Case((np.array([1.0, 0.0]), 0), "softmax_output=np.array([1.0, 0.0]), target=0 (confidence 1)"),
        Case((np.array([0.1, 0.3, 0.6], dtype=np.float32), 1),
             "softmax_output=np.array([0.1, 0.3, 0.6], dtype=np.float32), target=1"),
        # A tie: leaving the correct class out by its value, not its index, leaves both out.
        Case(([0.45, 0.1, 0.45], 2), "softmax_output=[0.45, 0.1, 0.45], target=2 (a tie)"),
    ],
    hidden_cases=[
        Case(([0.2, 0.4, 0.4], 1), "softmax_output=[0.2, 0.4, 0.4], target=1 (a tie)"),
        Case((np.array([0.05, 0.05, 0.1, 0.8]), 3), "four classes, target=3"),
        Case((np.array([0.3, 0.25, 0.2, 0.15, 0.1]), 4), "five classes, target=4"),
    ],
    reference=_margin,
    mistakes=[
        Mistake(lambda p, t: p[t] - max(p), "You subtracted the highest confidence of all classes, "
                "which includes the correct class itself: leave the correct class out."),
        Mistake(lambda p, t: float(np.diff(np.sort(p)[-2:])[0]), "You measured the gap between the two "
                "highest confidences; measure from the correct class, which is not always the highest."),
        # Before the flipped sign: on a wrong prediction the two give the same value.
        Mistake(lambda p, t: abs(_margin(p, t)), "Your margin is never negative: when the prediction is "
                "wrong, the correct class is behind, and the margin must be below 0 (no abs())."),
        Mistake(lambda p, t: -_margin(p, t), "Your sign is flipped: the margin is the correct class's "
                "confidence minus the best other one, positive when the prediction is right."),
    ],
    hint="Copy the output into a float array, set the correct class's entry to -np.inf, "
         "and take .max() of the copy: that is the best other class.",
    success="a small margin is a right answer that could flip.",
)

EXERCISES = [q1, q2]
