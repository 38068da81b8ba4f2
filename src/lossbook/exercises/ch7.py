"""Chapter 7 exercises: what frameworks do."""
import numpy as np

from ..activations import Softmax
from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_logits_loss = CategoricalCrossentropy(from_logits=True)


def _softmax(z):
    return Softmax().forward(np.asarray(z, dtype=np.float64))


def _picked(p, t):
    return p[range(len(p)), t]


q1 = Exercise(
    "ch7.q1",
    title="Cross-entropy from logits, finite for huge logits",
    kind="practice",
    minutes=10,
    task="""\
Write `loss_from_logits(logits, class_targets)`: the mean categorical cross-entropy
computed directly from raw scores (logits, a 2-D array) and sparse targets, as
frameworks do: $\\log\\sum_j e^{z_j} - z_k$ per sample, with each row's maximum
subtracted first so that nothing overflows. It must stay exact for
`[[1000, 0, -1000]]`: `0.0` for target 0 and `2000.0` for target 2.""",
    code='''\
import numpy as np


def loss_from_logits(logits, class_targets):
    """Mean categorical cross-entropy from raw scores, computed stably (log-sum-exp)."""
    ### BEGIN SOLUTION
    top = np.max(logits, axis=1, keepdims=True)
    log_sum_exp = np.log(np.sum(np.exp(logits - top), axis=1)) + top[:, 0]
    correct_logits = logits[range(len(logits)), class_targets]
    return np.mean(log_sum_exp - correct_logits)
    ### END SOLUTION''',
    cases=[
        Case((np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]), np.array([2, 0])),
             "logits=[[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], class_targets=[2, 0]"),
        Case((np.array([[1000.0, 0.0, -1000.0]]), np.array([0])), "logits=[[1000.0, 0.0, -1000.0]], class_targets=[0]"),
        Case((np.array([[1000.0, 0.0, -1000.0]]), np.array([2])), "logits=[[1000.0, 0.0, -1000.0]], class_targets=[2]"),
        Case((np.array([[2.0, -1.0], [0.5, 0.25]], dtype=np.float32), np.array([1, 0])),
             "float32 logits=[[2.0, -1.0], [0.5, 0.25]], class_targets=[1, 0]"),
    ],
    reference=_logits_loss.calculate,
    mistakes=[
        Mistake(lambda z, t: np.mean(-np.log(_picked(_softmax(z), t))), "Softmax followed by log underflows: "
                "exp(-2000) is 0 and log(0) is -inf. Stay in log space: log-sum-exp minus the correct logit."),
        Mistake(lambda z, t: np.mean(-np.log(_picked(np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True), t))),
                "Your result is nan or inf: np.exp(1000) overflows. Subtract each row's maximum before np.exp, "
                "and stay in log space: log-sum-exp minus the correct logit."),
        Mistake(lambda z, t: _loss.calculate(_softmax(z), t), "You took softmax, clipped and then the log: "
                "the clip caps the loss at 16.12 where the true loss is 2000. Stay in log space: "
                "log-sum-exp minus the correct logit."),
        Mistake(lambda z, t: _logits_loss.calculate(_softmax(z), t), "You applied softmax twice: the "
                "log-sum-exp formula already contains the softmax, so pass it the raw logits."),
        Mistake(lambda z, t: _logits_loss.forward(z, t), "You returned the per-sample losses (forgot the mean): "
                "return their average, np.mean(...)."),
    ],
    hint="log(sum(exp(z))) = max(z) + log(sum(exp(z - max(z)))). Keep keepdims=True when subtracting the max.",
    success="log-sum-exp stays exact where softmax-then-log gives inf.",
)


def _binary(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return np.mean(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1))


_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])

q2 = Exercise(
    "ch7.q2",
    title="Debug: the binary formula in disguise",
    kind="debugging",
    minutes=6,
    task="""\
Find the bug. `categorical_loss_buggy` below is meant to be the mean categorical
cross-entropy for one-hot (or soft) targets, but it gives a larger number than
`lossbook.CategoricalCrossentropy().calculate` for the chapter's batch. Which loss
does it really compute? Write the fixed version as `categorical_loss(y_pred, y_true)`.""",
    setup='''\
import numpy as np


def categorical_loss_buggy(y_pred, y_true):
    """Mean categorical cross-entropy, one-hot targets. (Buggy!)"""
    y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
    terms = y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)
    return np.mean(-np.sum(terms, axis=1))''',
    code='''\
import numpy as np


def categorical_loss(y_pred, y_true):
    """Mean categorical cross-entropy for one-hot or soft targets."""
    ### BEGIN SOLUTION
    clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    per_sample = -np.sum(y_true * np.log(clipped), axis=1)  # no (1 - y) * log(1 - p) terms
    return np.mean(per_sample)
    ### END SOLUTION''',
    cases=[
        Case((_BATCH, np.array([[1.0, 0, 0], [0, 1.0, 0], [0, 1.0, 0]])),
             "y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], y_true=[[1, 0, 0], [0, 1, 0], [0, 1, 0]]"),
        Case((np.array([[0.7, 0.1, 0.2]]), np.array([[0.4, 0.1, 0.5]])), "y_pred=[[0.7, 0.1, 0.2]], soft y_true=[[0.4, 0.1, 0.5]]"),
        Case((np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[1.0, 0.0], [1.0, 0.0]])),
             "y_pred=[[0.0, 1.0], [1.0, 0.0]] (confidence 0 and 1), y_true=[[1, 0], [1, 0]]"),
        Case((_BATCH.astype(np.float32), np.array([[0, 0, 1.0], [1.0, 0, 0], [0, 1.0, 0]], dtype=np.float32)),
             "float32 y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]], y_true=[[0, 0, 1], [1, 0, 0], [0, 1, 0]]"),
    ],
    reference=_loss.calculate,
    mistakes=[
        Mistake(_binary, "You summed the binary cross-entropy formula y*log(p) + (1-y)*log(1-p) over the classes "
                "(that is multi-label loss); categorical cross-entropy keeps only -sum(y*log(p))."),
        Mistake(lambda p, y: np.mean(-np.sum(y * np.log(p), axis=1)), "Your loss is inf (or nan) when a "
                "confidence is 0: you forgot to clip. Clip to [1e-7, 1 - 1e-7] before the log."),
    ],
    hint="Categorical cross-entropy has one term per class: y * log(p). What is the second term doing there?",
    success="(1 - y) * log(1 - p) belongs to binary cross-entropy.",
)


q3 = Exercise(
    "ch7.q3",
    title="Predict: probabilities passed as logits",
    kind="predict",
    minutes=3,
    task="""\
Predict, then check. A model already outputs probabilities `[0.7, 0.1, 0.2]`
(target 0, true loss `0.357`), but they are passed to a loss that expects logits
(`from_logits=True`), so softmax is applied a second time. Is the reported loss
`"higher"`, `"lower"` or `"the same"`? Write `double_softmax_effect()` returning
one of those strings.""",
    code='''\
def double_softmax_effect():
    """Return "higher", "lower" or "the same"."""
    ### BEGIN SOLUTION
    return "higher"  # softmax([0.7, 0.1, 0.2]) = [0.46, 0.25, 0.30]: flatter, so the loss is 0.768
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: "higher" if _logits_loss.calculate([[0.7, 0.1, 0.2]], [0]) > _loss.calculate([[0.7, 0.1, 0.2]], [0]) else "lower",
    compare=lambda actual, expected: isinstance(actual, str) and actual.strip().lower() == expected,
    mistakes=[
        Mistake(lambda: "lower", "Softmax of numbers between 0 and 1 is much flatter: [0.46, 0.25, 0.30]. "
                "The correct class loses confidence, so the loss rises to 0.768."),
        Mistake(lambda: "the same", "Softmax changes the numbers: softmax([0.7, 0.1, 0.2]) = [0.46, 0.25, 0.30], "
                "flatter, so the loss rises to 0.768."),
    ],
    hint="Compute np.exp([0.7, 0.1, 0.2]) / np.exp([0.7, 0.1, 0.2]).sum() in your head: are the values close?",
    success="softmax twice flattens the output and inflates the loss.",
)

EXERCISES = [q1, q2, q3]
