"""Chapter 2 exercises: one sample's categorical cross-entropy.

2.1 and 2.2 are predictions asked in the chapter, before the cells that answer
them; 2.3 and 2.4 stay with one sample (no batch, no mean, no logits).
"""
import math

import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()


def _sample_loss(softmax_output, target_output):
    """One sample's loss from the package: its one-hot row and prediction as a batch of one."""
    return float(_loss.forward(np.array([softmax_output], dtype=np.float64),
                               np.array([target_output]))[0])


def _correct_confidence(softmax_output, target_output):
    return softmax_output[list(target_output).index(1)]


q1 = Exercise(
    "ch2.q1",
    title="Predict: a loss of exactly 1",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch2-backwards",
    task="""\
Predict before you read on. A model's loss on one sample is exactly 1. What
confidence did it give the correct class? Write `confidence_at_loss_one()` returning
your answer as a number (two decimals are enough).""",
    code='''\
def confidence_at_loss_one():
    """Return the confidence in the correct class whose loss is 1."""
    ### BEGIN SOLUTION
    return 0.368  # -log(p) = 1 gives p = e**-1
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: math.exp(-1),  # checked against scikit-learn in tests/test_exercises.py
    # tolerance: rtol=0, atol=0.005 (0.37 is right, 0.36 and 0.38 are not)
    rtol=0,
    atol=0.005,
    mistakes=[
        Mistake(lambda: 0.1, "A confidence of 0.1 costs ln 10 ≈ 2.30, not 1. (0.1 = 10**-1 would undo a "
                "base-10 log; the loss uses the natural log.)"),
        Mistake(lambda: 0.5, "A confidence of 0.5 costs ln 2 ≈ 0.69, not 1. (0.5 = 2**-1 would undo a "
                "base-2 log; the loss uses the natural log.)"),
        Mistake(lambda: math.e, "A confidence is never above 1. -log(p) = 1 means log(p) = -1, with a minus "
                "sign: p = e**-1."),
    ],
    hint="-log(p) = 1 means log(p) = -1. Which number has a natural log of -1?",
    success="a loss of 1 means a confidence of e**-1 ≈ 0.37.",
)


def _costlier_halving():
    """Which halving raises the package's loss more (or "the same" within float rounding)."""
    steps = {"0.8 to 0.4": _sample_loss([0.4, 0.6], [1, 0]) - _sample_loss([0.8, 0.2], [1, 0]),
             "0.1 to 0.05": _sample_loss([0.05, 0.95], [1, 0]) - _sample_loss([0.1, 0.9], [1, 0])}
    if math.isclose(*steps.values(), rel_tol=1e-9):
        return "the same"
    return max(steps, key=steps.get)


q2 = Exercise(
    "ch2.q2",
    title="Predict: which halving costs more?",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch2-15",
    task="""\
Predict before you read on. For one sample, the model's confidence in the correct
class halves from 0.8 to 0.4. For another, it halves from 0.1 to 0.05. Which
raises the loss more? Write `costlier_halving()` returning `"0.8 to 0.4"`,
`"0.1 to 0.05"` or `"the same"`.""",
    code='''\
def costlier_halving():
    """Return "0.8 to 0.4", "0.1 to 0.05" or "the same"."""
    ### BEGIN SOLUTION
    return "the same"  # -log(p / 2) = -log(p) + log(2), whatever p is
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_costlier_halving,
    options=("0.8 to 0.4", "0.1 to 0.05", "the same"),
    mistakes=[
        Mistake(lambda: "0.8 to 0.4", "The confidence falls by more there (0.4 against 0.05), but the curve "
                "is flatter near 1. The two cancel exactly: -log(p / 2) = -log(p) + log(2)."),
        Mistake(lambda: "0.1 to 0.05", "The curve is steeper near 0, but the confidence falls by only 0.05 "
                "there, against 0.4. The two cancel exactly: -log(p / 2) = -log(p) + log(2)."),
    ],
    hint="Write -log(p / 2) with the rule log(a / b) = log(a) - log(b).",
    success="every halving adds the same ln 2 ≈ 0.693.",
)


def _confidence_ratio(loss_a, loss_b):
    return float(np.exp(np.float64(loss_b) - np.float64(loss_a)))


def _loss_of(p):
    return _sample_loss([p, 1 - p], [1, 0])


q3 = Exercise(
    "ch2.q3",
    title="How many times more confident?",
    kind="practice",
    minutes=8,
    points=2,
    task="""\
Two models see the same sample, and a training log shows only their losses on it,
`loss_a` and `loss_b`. Write `confidence_ratio(loss_a, loss_b)`: how many times
higher model A's confidence in the correct class is than model B's (a number below
1 when A is the less confident one).

Check your thinking on chapter 1's models. Their losses were about `0.511` (A) and
`1.022` (B), and their confidences 0.6 and 0.36, so the answer there is
0.6 / 0.36 ≈ 1.67. Your function must get there from the two losses alone.""",
    code='''\
import math


def confidence_ratio(loss_a, loss_b):
    """Return A's confidence in the correct class divided by B's, from their losses."""
    ### BEGIN SOLUTION
    return math.exp(loss_b - loss_a)  # e**-loss_a / e**-loss_b
    ### END SOLUTION''',
    cases=[
        Case((_loss_of(0.6), _loss_of(0.36)), f"loss_a={_loss_of(0.6)!r}, loss_b={_loss_of(0.36)!r} "
             "(chapter 1's models)"),
        Case((_loss_of(0.1), _loss_of(0.5)), f"loss_a={_loss_of(0.1)!r}, loss_b={_loss_of(0.5)!r}"),
        Case((_loss_of(0.99), _loss_of(0.01)), f"loss_a={_loss_of(0.99)!r}, loss_b={_loss_of(0.01)!r}"),
        Case((_loss_of(0.7), _loss_of(0.7)), f"loss_a={_loss_of(0.7)!r}, loss_b={_loss_of(0.7)!r} "
             "(the same loss)"),
        Case((np.float32(_loss_of(0.3)), np.float32(_loss_of(0.8))),
             f"float32 loss_a=np.float32({float(np.float32(_loss_of(0.3))):.8g}), "
             f"loss_b=np.float32({float(np.float32(_loss_of(0.8))):.8g})"),
    ],
    hidden_cases=[
        Case((_loss_of(0.25), _loss_of(0.125)), "a halving: loss_a = -log(0.25), loss_b = -log(0.125)"),
        Case((3.0, 0.5), "loss_a=3.0, loss_b=0.5"),
        Case((1.0, 1.0 + math.log(10)), "loss_b = loss_a + ln 10"),
    ],
    reference=_confidence_ratio,
    mistakes=[
        Mistake(lambda a, b: math.exp(a - b), "That is B's confidence divided by A's: a minus sign is missing "
                "or extra. With p = e**(-loss), A's over B's is e**(-loss_a) / e**(-loss_b) = "
                "e**(loss_b - loss_a)."),
        Mistake(lambda a, b: b / a, "A ratio of losses is not a ratio of confidences: B's loss being twice "
                "A's does not make A twice as sure. A difference of losses is the log of the ratio."),
        Mistake(lambda a, b: b - a, "That is the difference of the losses, which is the natural log of the "
                "ratio: take its exponential."),
        Mistake(lambda a, b: 10.0 ** (b - a), "That undoes a base-10 log; the loss uses the natural log, so "
                "undo it with math.exp."),
        Mistake(lambda a, b: 2.0 ** (b - a), "That undoes a base-2 log; the loss uses the natural log, so "
                "undo it with math.exp."),
    ],
    hint="A loss L belongs to the confidence p = e**(-L). Divide A's confidence by B's and use "
         "e**x / e**y = e**(x - y).",
    success="a loss lower by d means a confidence e**d times higher.",
)


q4 = Exercise(
    "ch2.q4",
    title="Debug: a loss that is right only when the model is",
    kind="debugging",
    minutes=6,
    points=2,
    task="""\
Find the bug. A classmate wrote `sample_loss_buggy` and tried it on this chapter's
sample, `[0.7, 0.1, 0.2]` with the one-hot target `[1, 0, 0]`. It printed
`0.35667494393873245`, the chapter's number, so they called it done. Find an output
and a one-hot target for which it gives the wrong loss: what does it compute
instead?

Then write `sample_loss(softmax_output, target_output)` that is right for every
sample. Both arguments are lists of the same length, like the chapter's, and
`target_output` is one-hot.""",
    setup='''\
import math


def sample_loss_buggy(softmax_output, target_output):
    """Categorical cross-entropy of one sample with a one-hot target. (Buggy!)"""
    confidence = max(softmax_output)  # the model's confidence
    return -math.log(confidence)''',
    code='''\
import math


def sample_loss(softmax_output, target_output):
    """Categorical cross-entropy of one sample with a one-hot target."""
    ### BEGIN SOLUTION
    correct_class = target_output.index(1)  # where the target's 1 is
    return -math.log(softmax_output[correct_class])
    ### END SOLUTION''',
    # No confidence is 0 (log(0) is chapter 5's subject), so the full sum works too.
    cases=[
        Case(([0.7, 0.1, 0.2], [1, 0, 0]), "softmax_output=[0.7, 0.1, 0.2], target_output=[1, 0, 0] "
             "(the chapter's sample)"),
        Case(([0.1, 0.6, 0.3], [0, 0, 1]), "softmax_output=[0.1, 0.6, 0.3], target_output=[0, 0, 1]"),
        Case(([0.7, 0.1, 0.2], [0, 0, 1]), "softmax_output=[0.7, 0.1, 0.2], target_output=[0, 0, 1]"),
        Case(([0.05, 0.15, 0.5, 0.3], [0, 1, 0, 0]),
             "softmax_output=[0.05, 0.15, 0.5, 0.3], target_output=[0, 1, 0, 0]"),
        Case(([0.25, 0.75], [0, 1]), "softmax_output=[0.25, 0.75], target_output=[0, 1]"),
    ],
    hidden_cases=[
        Case(([0.2, 0.2, 0.2, 0.2, 0.2], [0, 0, 0, 1, 0]), "five classes, all 0.2"),
        Case(([0.02, 0.9, 0.08], [1, 0, 0]), "softmax_output=[0.02, 0.9, 0.08], target_output=[1, 0, 0]"),
        Case(([0.4, 0.35, 0.25], [0, 0, 1]), "softmax_output=[0.4, 0.35, 0.25], target_output=[0, 0, 1]"),
    ],
    reference=_sample_loss,
    mistakes=[
        Mistake(lambda p, y: -math.log(max(p)), "You took the highest confidence, the class the model "
                "predicts. The loss uses the confidence in the correct class, the one where the target is "
                "1, whether or not the model ranks it first."),
        Mistake(lambda p, y: -math.log(p[0]), "You always took class 0's confidence, the correct class of the "
                "chapter's sample. Take the class where target_output has its 1."),
        Mistake(lambda p, y: -sum(math.log(v) for v in p), "You added -log of every class's confidence. In "
                "the full sum each log is multiplied by its target value, so only the correct class is left."),
        Mistake(lambda p, y: math.log(_correct_confidence(p, y)), "Your loss is negative: the formula has a "
                "minus sign in front, -log(p)."),
        Mistake(lambda p, y: -math.log10(_correct_confidence(p, y)), "You used log base 10; cross-entropy "
                "uses the natural log (math.log)."),
        Mistake(lambda p, y: -math.log2(_correct_confidence(p, y)), "You used log base 2; cross-entropy "
                "uses the natural log (math.log)."),
    ],
    hint="The target's 1 marks the correct class: find its index with target_output.index(1), or "
         "multiply each log by its target value and add them up, as the chapter's full sum does.",
    success="test a loss on a sample the model gets wrong, too.",
)

EXERCISES = [q1, q2, q3, q4]
