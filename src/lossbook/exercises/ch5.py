"""Chapter 5 exercises: log(0) and clipping.

5.1 and 5.2 are predictions asked in the middle of the chapter, each before the
cell that reveals its answer. 5.3 and 5.4 come at the end and take the chapter
somewhere it has not gone: 5.3 caps the loss the way PyTorch's ``BCELoss`` does
(clamp the log, not the confidence), 5.4 judges another way of avoiding ``inf``
(leave the infinite losses out of the mean).
"""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
EPS = 1e-7
LOST_MINUS = ("Your values have the right size but the wrong sign: the loss is "
              "-log(p), with a minus in front.")


# --- 5.1: the range of the clipped loss ------------------------------------------------

def _loss_range(log=np.log):
    """(smallest, largest) per-sample loss after clipping, with ``log`` for the logarithm."""
    return (float(-log(1 - EPS)), float(-log(EPS)))


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
    rtol=0,
    atol=0.001,  # three decimals
    mistakes=[
        Mistake(lambda: (0.0, np.inf), "With clipping no loss is infinite: the smallest confidence is 1e-7, "
                "so the largest loss is -log(1e-7)."),
        Mistake(lambda: _loss_range(np.log10), "That is -log10(1e-7); cross-entropy uses the natural log: "
                "-np.log(1e-7)."),
        Mistake(lambda: _loss_range(np.log2), "That is -log2(1e-7), in bits; cross-entropy uses the natural "
                "log: -np.log(1e-7)."),
        Mistake(lambda: (16.118, 0.0), "Give the smallest first: (smallest, largest)."),
        Mistake(lambda: tuple(-x for x in _loss_range()), LOST_MINUS),
        Mistake(lambda: tuple(sorted(-x for x in _loss_range())), LOST_MINUS),
        Mistake(lambda: (EPS, 1 - EPS), "That is the range of the clipped confidences; the loss is "
                "-log of a confidence."),
    ],
    hint="The loss is -log(p), and p now lies between 1e-7 and 1 - 1e-7.",
    success="the cells below print both ends of the range.",
)


# --- 5.2: add epsilon to a perfect prediction ----------------------------------------

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
    mistakes=[
        Mistake(lambda: "zero", "1 + 1e-7 is not 1: float64 tells them apart (it resolves about 16 "
                "digits), so its log is not 0 either."),
        Mistake(lambda: "positive", "The log of a number above 1 is positive, so minus that log is "
                "negative: a loss below that of a perfect prediction."),
    ],
    hint="Is 1 + 1e-7 above or below 1? What sign does the log of a number above 1 have?",
    success="1 + 1e-7 is above 1; the next cell shows what that does.",
)


# --- 5.3: PyTorch's cap: clamp the log, not the confidence ---------------------------

CAP = 100.0  # PyTorch's BCELoss keeps every log at -100 or above


def _capped(p, log=np.log):
    """-max(log p, -100) per sample: PyTorch's BCELoss rule for a target of 1."""
    with np.errstate(divide="ignore"):
        return -np.maximum(log(np.asarray(p)), -CAP)


def _clipped_instead(p):
    return -np.log(np.clip(p, EPS, 1 - EPS))


def _larger_of(p):
    with np.errstate(divide="ignore"):
        return np.maximum(-np.log(p), CAP)


q3 = Exercise(
    "ch5.q3",
    title="PyTorch's cap: clamp the log, not the confidence",
    kind="practice",
    minutes=8,
    points=2,
    task="""\
PyTorch's `BCELoss` takes probabilities but never clips them: it clamps each log
at $-100$ instead, so no loss is larger than 100 (you saw `BCELoss(0, 1)` print
`100.0`). Give categorical cross-entropy the same rule. Write
`capped_losses(correct_confidences)`: given each sample's confidence in its correct
class (a 1-D array), return each sample's loss $-\\log p$, kept at 100 or below,
without clipping the confidences. A confidence of 0 must give `100.0`, not `inf`.
Do not change the caller's array.

Then compare your losses with the chapter's clipped ones: for which confidences do
the two rules disagree, and by how much at most?""",
    code='''\
import numpy as np


def capped_losses(correct_confidences):
    """Per-sample -log(p), with the log clamped at -100 as PyTorch's BCELoss does."""
    ### BEGIN SOLUTION
    with np.errstate(divide="ignore"):  # log(0) is -inf; we know, and clamp it
        logs = np.log(correct_confidences)
    # The two rules disagree below 1e-7: clipping stops at 16.118, this cap at 100.
    return -np.maximum(logs, -100)
    ### END SOLUTION''',
    cases=[
        Case((np.array([1e-50, 1e-30, 1e-7, 1.0]),),
             "correct_confidences=[1e-50, 1e-30, 1e-7, 1.0] (confidence 1)"),
        Case((np.array([0.7, 0.5, 0.9, 0.0]),),
             "correct_confidences=[0.7, 0.5, 0.9, 0.0] (confidence 0)"),
        Case((np.array([1e-40]),), "one sample, correct_confidences=[1e-40]"),
        Case((np.array([0.0, 0.25, 1.0], dtype=np.float32),),
             "float32 correct_confidences=[0.0, 0.25, 1.0]"),
    ],
    hidden_cases=[
        Case((np.array([2 * np.exp(-CAP), 0.5 * np.exp(-CAP), 0.001, 1e-300]),),
             "confidences just above and just below exp(-100)"),
        Case((np.array([0.0, 0.0, 0.5]),), "two confidences of 0 and one of 0.5"),
    ],
    reference=_capped,
    mistakes=[
        Mistake(_clipped_instead, "Your losses stop at -log(1e-7) = 16.118, the chapter's clip. PyTorch's "
                "cap is 100: leave the confidences alone and keep each log at -100 or above."),
        Mistake(lambda p: -np.log(np.asarray(p) + EPS), "You added 1e-7 to the confidences: no loss goes "
                "above 16.118, and a confidence of 1 gets a negative loss. Keep each log at -100 or above "
                "instead."),
        Mistake(_larger_of, "You kept the larger of the loss and 100, so every loss is now at least 100. "
                "A cap keeps the smaller: np.maximum on the log (at -100), or np.minimum on the loss "
                "(at 100)."),
        Mistake(lambda p: -_capped(p), "Those are the clamped logs, which are never positive; the loss "
                "is minus the log."),
        Mistake(lambda p: _capped(p, np.log10), "You used log base 10; cross-entropy uses the natural "
                "log (np.log)."),
        Mistake(lambda p: _capped(p, np.log2), "You used log base 2 (bits); cross-entropy uses the "
                "natural log (np.log)."),
        Mistake(lambda p: np.mean(_capped(p)), "You returned the mean; return one loss per sample."),
    ],
    hint="np.log(0) is -inf (np.errstate(divide=\"ignore\") silences its warning), and "
         "np.maximum(logs, -100) keeps every log at -100 or above. The loss is minus that.",
    success="a cap on the log: no inf, and no loss above 100.",
)


# --- 5.4: leave the infinite losses out? --------------------------------------------

_BEFORE = np.array([0.7, 0.5, 0.9, 0.01])   # sample 3 is badly wrong
_AFTER = np.array([0.7, 0.5, 0.9, 0.0])     # ... and then worse


def _filtered(confidences, log=np.log):
    """The classmate's loss: the mean of the finite per-sample losses."""
    with np.errstate(divide="ignore"):
        losses = -log(confidences)
    return float(np.mean(losses[np.isfinite(losses)]))


def _filtered_pair(log=np.log):
    return (_filtered(_BEFORE, log), _filtered(_AFTER, log))


q4 = Exercise(
    "ch5.q4",
    title="Predict: leave the infinite losses out?",
    kind="predict",
    minutes=5,
    points=1,
    task="""\
A classmate avoids `inf` another way: compute the per-sample losses without
clipping, then average only the finite ones,
`np.mean(losses[np.isfinite(losses)])`. Take a batch whose correct-class
confidences are `[0.7, 0.5, 0.9, 0.01]`. Then the model gets worse on sample 3:
its confidence drops to `0.0`. What does the classmate's loss report before and
after? Work it out first, then write `filtered_losses()` returning
`(before, after)` (three decimals are enough), and a comment saying what the
reported loss did when the model got worse, and why the chapter's clipping
cannot do that.""",
    code='''\
def filtered_losses():
    """Return (before, after): the mean of the finite losses, before and after."""
    ### BEGIN SOLUTION
    # before: (0.357 + 0.693 + 0.105 + 4.605) / 4 = 1.440
    # after: sample 3's loss is inf and is dropped: (0.357 + 0.693 + 0.105) / 3 = 0.385
    # The model got worse and the reported loss fell: the worst sample vanished.
    # Clipping keeps every sample, and its loss can only grow as p falls.
    return (1.440, 0.385)
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_filtered_pair,
    rtol=0,
    atol=0.001,  # three decimals
    mistakes=[
        Mistake(lambda: (_filtered(_BEFORE), float(np.sum(-np.log(_AFTER[:3])) / 4)),
                "You divided by 4 after: the filter keeps 3 losses, so np.mean divides by 3."),
        Mistake(lambda: (_filtered(_BEFORE), float(np.mean(-np.log(np.clip(_AFTER, EPS, 1 - EPS))))),
                "That is the chapter's clipped loss. The classmate does not clip: the inf is left out, "
                "and sample 3 with it."),
        Mistake(lambda: (_filtered(_BEFORE), np.inf), "np.isfinite keeps only the finite losses: the inf is "
                "left out, so the mean is finite."),
        Mistake(lambda: _filtered_pair(np.log10), "You used log base 10; cross-entropy uses the natural "
                "log (np.log)."),
        Mistake(lambda: _filtered_pair(np.log2), "You used log base 2 (bits); cross-entropy uses the "
                "natural log (np.log)."),
        Mistake(lambda: tuple(-x for x in _filtered_pair()), LOST_MINUS),
        Mistake(lambda: _filtered_pair()[::-1], "Give (before, after): before is the batch with 0.01."),
    ],
    hint="Before, every loss is finite: average all four. After, -log(0) is inf and the filter "
         "drops it: average the three that are left. Which batch do those three remind you of?",
    success="which way did the loss move, and why? Say it in your comment.",
)

EXERCISES = [q1, q2, q3, q4]
