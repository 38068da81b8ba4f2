"""Chapter 2 exercises: one sample's categorical cross-entropy."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, close

_loss = CategoricalCrossentropy()


q1 = Exercise(
    "ch2.q1",
    title="Predict: halve the confidence",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch2-before-halving",
    task="""\
Predict before you read on. The model's confidence in the correct class halves,
from 0.8 to 0.4 (or from 0.5 to 0.25: does it matter?). By how much does the loss
go up? Write `loss_increase()` returning your predicted increase as a number (two
decimals are enough). Think first, compute after.""",
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

# The three candidate losses of "Why not 1 - p or squared error?", as functions of
# the correct-class confidence p.
EXERCISES = [q1]
