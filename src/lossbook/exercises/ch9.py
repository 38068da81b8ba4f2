"""Chapter 9 exercises: logits and pitfalls."""
import numpy as np

from ..activations import Softmax
from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_logits_loss = CategoricalCrossentropy(from_logits=True)


def _softmax(z):
    return Softmax().forward(np.asarray(z, dtype=np.float64))


def _smoothed(targets, alpha):
    targets = np.asarray(targets, dtype=np.float64)
    return (1 - alpha) * targets + alpha / targets.shape[1]


def _smoothed_loss(logits, targets, alpha):
    return _logits_loss.calculate(np.asarray(logits, dtype=np.float64), _smoothed(targets, alpha))


def _log_probs(z, log=np.log):
    """log softmax(z) row by row, log-sum-exp with the largest logit taken out (``log`` for slips)."""
    z = np.asarray(z, dtype=np.float64)
    top = z.max(axis=1, keepdims=True)
    return z - top - log(np.sum(np.exp(z - top), axis=1, keepdims=True))


def _smoothed_with(z, y, a, spread):
    """-mean sum(t * log softmax(z)) for targets t = (1 - a) * y + ``spread``."""
    return np.mean(-np.sum(((1 - a) * np.asarray(y, dtype=np.float64) + spread) * _log_probs(z), axis=1))


def _lse_with(log):
    return lambda z, y, a: np.mean(-np.sum(_smoothed(y, a) * _log_probs(z, log), axis=1))


q4 = Exercise(
    "ch9.q4",
    title="Soft targets and label smoothing, from logits",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
Write `smoothed_loss_from_logits(logits, targets, alpha)`: the mean categorical
cross-entropy computed from logits (shape `(n, K)`) against targets of the same
shape, one-hot or soft, after **label smoothing** the targets by `alpha`:
$(1 - \\alpha)\\,y + \\alpha / K$. Work in log space (log-sum-exp), so that logits like
`[[1000, 0, -1000]]` give a finite, exact loss: $\\log\\hat y_j = z_j - \\operatorname{logsumexp}(z)$.
Keras's `CategoricalCrossentropy(from_logits=True, label_smoothing=alpha)` computes
the same number.""",
    code='''\
import numpy as np


def smoothed_loss_from_logits(logits, targets, alpha):
    """Mean cross-entropy from logits, targets (one-hot or soft) label-smoothed."""
    ### BEGIN SOLUTION
    n_classes = logits.shape[1]
    smoothed = (1 - alpha) * targets + alpha / n_classes
    top = np.max(logits, axis=1, keepdims=True)
    log_sum_exp = top + np.log(np.sum(np.exp(logits - top), axis=1, keepdims=True))
    log_probs = logits - log_sum_exp                 # log softmax, never log(0)
    return np.mean(-np.sum(smoothed * log_probs, axis=1))
    ### END SOLUTION''',
    cases=[
        Case((np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0], [-1.0, 2.0, 0.0], [0.0, 0.0, 0.0]]),
              np.array([[1.0, 0, 0], [0, 0, 1.0], [1.0, 0, 0], [0, 1.0, 0]]), 0.1),
             "logits=[[2.0, 1.0, 0.1], [0.5, 0.5, 3.0], [-1.0, 2.0, 0.0], [0.0, 0.0, 0.0]], "
             "targets=[[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], alpha=0.1"),
        Case((np.array([[0.2, -0.3, 1.0, 0.0, 2.0], [3.0, 0.0, -1.0, 1.0, 0.5]]),
              np.array([[0.4, 0.1, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.25, 0.75]]), 0.2),
             "logits=[[0.2, -0.3, 1.0, 0.0, 2.0], [3.0, 0.0, -1.0, 1.0, 0.5]], "
             "soft targets=[[0.4, 0.1, 0.5, 0, 0], [0, 0, 0, 0.25, 0.75]], alpha=0.2"),
        Case((np.array([[1000.0, 0.0, -1000.0, 2.0], [-1000.0, 1000.0, 0.0, 500.0]]),
              np.array([[0, 1.0, 0, 0], [0, 0, 1.0, 0]]), 0.1),
             "logits=[[1000, 0, -1000, 2], [-1000, 1000, 0, 500]], targets=[[0, 1, 0, 0], [0, 0, 1, 0]], "
             "alpha=0.1"),
        Case((np.array([[0.2, -0.3, 1.0]]), np.array([[0.4, 0.1, 0.5]]), 0.0),
             "logits=[[0.2, -0.3, 1.0]] (one sample), soft targets=[[0.4, 0.1, 0.5]], alpha=0.0"),
        Case((np.array([[1.0, -1.0, 0.5], [0.0, 4.0, 1.0], [2.0, 2.0, -2.0], [0.5, 0.0, 0.0], [-3.0, 1.0, 3.0]],
                       dtype=np.float32),
              np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=np.float32), 0.2),
             "float32 logits=[[1, -1, 0.5], [0, 4, 1], [2, 2, -2], [0.5, 0, 0], [-3, 1, 3]], "
             "targets=[[1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], alpha=0.2"),
    ],
    hidden_cases=[
        Case((np.array([[3.0, 0.0, -3.0, 1.0, 0.0], [0.0, 1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0, 1.0]]),
              np.full((3, 5), 0.2), 0.3),
             "logits of shape (3, 5), uniform targets, alpha=0.3"),
        Case((np.array([[-1000.0, 1000.0, 0.0, 5.0], [2.0, -2.0, 0.0, 1.0], [0.0, 3.0, -3.0, 0.0]]),
              np.array([[1.0, 0, 0, 0], [0, 0, 0.5, 0.5], [0, 1.0, 0, 0]]), 0.05),
             "logits=[[-1000, 1000, 0, 5], [2, -2, 0, 1], [0, 3, -3, 0]], "
             "targets=[[1, 0, 0, 0], [0, 0, 0.5, 0.5], [0, 1, 0, 0]], alpha=0.05"),
    ],
    reference=_smoothed_loss,
    mistakes=[
        Mistake(lambda z, y, a: _logits_loss.calculate(z, y), "You forgot the label smoothing: mix the targets "
                "first, (1 - alpha) * targets + alpha / K."),
        Mistake(lambda z, y, a: _smoothed_with(z, y, a, a), "You added alpha to every class instead of "
                "alpha / K: the smoothed targets no longer sum to 1."),
        Mistake(lambda z, y, a: _smoothed_with(z, y, a, a / (np.shape(z)[1] - 1)),
                "You spread alpha over the K - 1 wrong classes; Keras (and this exercise) use alpha / K for "
                "every class, the correct one too."),
        Mistake(lambda z, y, a: _smoothed_with(z, y, a, a / np.shape(z)[0]), "You divided alpha by "
                "logits.shape[0], the number of samples; K, the number of classes, is logits.shape[1]."),
        Mistake(lambda z, y, a: np.mean(-np.sum(_smoothed(y, a) * np.log(_softmax(z)), axis=1)),
                "Your loss is not finite for huge logits: softmax underflowed to 0 before the log, or np.exp "
                "overflowed. Stay in log space, log_probs = logits - logsumexp(logits), with each row's "
                "largest logit taken out before np.exp."),
        Mistake(lambda z, y, a: _loss.calculate(_softmax(z), _smoothed(y, a)), "You took softmax, clipped and "
                "then the log: the clip caps the loss. Stay in log space: logits - logsumexp(logits)."),
        Mistake(lambda z, y, a: _logits_loss.forward(z, _smoothed(y, a)), "You returned the per-sample losses "
                "(forgot the mean): return their average."),
        Mistake(lambda z, y, a: np.sum(_logits_loss.forward(z, _smoothed(y, a))), "You summed the per-sample "
                "losses: the loss is their mean."),
        Mistake(lambda z, y, a: -_smoothed_loss(z, y, a), "Your loss has the wrong sign: it is "
                "-sum(y * log_probs), and a log-probability is never positive."),
        Mistake(_lse_with(np.log10), "You used np.log10 in the log-sum-exp: logits are natural-log "
                "scores, so log softmax(z) = z - logsumexp(z) needs np.log."),
        Mistake(_lse_with(np.log2), "You used np.log2 in the log-sum-exp: logits are natural-log "
                "scores, so log softmax(z) = z - logsumexp(z) needs np.log."),
    ],
    hint="log softmax(z) = z - (max(z) + log(sum(exp(z - max(z))))). Keep keepdims=True, then -sum(y * log_probs).",
    success="label smoothing, soft targets and huge logits, all exact.",
)


def _fd_gradient(logits, targets, temperature, h=1e-6):
    """Central finite differences of lossbook's mean loss of logits / T, one logit at a time."""
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    grad = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        step = np.zeros_like(logits)
        step[index] = h
        above = _logits_loss.calculate((logits + step) / temperature, targets)
        below = _logits_loss.calculate((logits - step) / temperature, targets)
        grad[index] = (above - below) / (2 * h)
    return grad


def _softmax_axis0(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _unshifted_softmax(z):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum(axis=1, keepdims=True)


def _largest_as_one_hot(y):
    y = np.asarray(y, dtype=np.float64)
    return np.eye(y.shape[1])[np.argmax(y, axis=1)]


def _cooled(z, t):
    """softmax(z / T): the probabilities the loss sees."""
    return _softmax(np.asarray(z, dtype=np.float64) / t)


q5 = Exercise(
    "ch9.q5",
    title="The gradient through a temperature, checked by finite differences",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
Some models divide their logits by a **temperature** $T > 0$ before softmax: the
loss is the cross-entropy of $\\operatorname{softmax}(z / T)$ against the targets
($T > 1$ flattens the probabilities, $T < 1$ sharpens them; chapter 11 tunes $T$).
Write `logit_gradient(logits, targets, temperature)`: the gradient of the **mean**
loss over the batch with respect to every original logit $z$, an array of the same
shape `(n, K)` as `logits`. The targets are rows of that shape, one-hot or soft (each
sums to 1). Start from this chapter's gradient and use the chain rule. The check
compares your array with a **finite-difference** gradient of `lossbook`'s loss: it
nudges one logit at a time by `h = 1e-6` up and down and measures the change of the
loss.""",
    code='''\
import numpy as np


def logit_gradient(logits, targets, temperature):
    """d(mean loss of softmax(logits / T))/d(logits) for target rows."""
    ### BEGIN SOLUTION
    scaled = logits / temperature
    shifted = np.exp(scaled - np.max(scaled, axis=1, keepdims=True))
    probabilities = shifted / np.sum(shifted, axis=1, keepdims=True)  # row by row
    # softmax(z / T) - y per sample; the chain rule adds 1 / T, the mean adds 1 / n
    return (probabilities - targets) / (temperature * len(logits))
    ### END SOLUTION''',
    cases=[
        Case((4 * np.log([[0.5, 0.25, 0.25], [0.2, 0.6, 0.2]]), np.array([[1.0, 0, 0], [0, 0, 1.0]]), 4.0),
             "logits=4 * np.log([[0.5, 0.25, 0.25], [0.2, 0.6, 0.2]]), targets=[[1, 0, 0], [0, 0, 1]], "
             "temperature=4.0"),
        Case((np.log([[0.25, 0.25, 0.25, 0.25]]), np.array([[0.4, 0.1, 0.5, 0.0]]), 1.0),
             "logits=np.log([[0.25, 0.25, 0.25, 0.25]]) (one sample), soft targets=[[0.4, 0.1, 0.5, 0]], "
             "temperature=1.0"),
        Case((np.array([[0.0, 30.0, 0.0]]), np.array([[1.0, 0.0, 0.0]]), 0.5),
             "logits=[[0.0, 30.0, 0.0]] (gap 30), targets=[[1, 0, 0]], temperature=0.5"),
        Case((np.array([[1.0, -1.0], [0.0, 2.0], [0.5, 0.5]], dtype=np.float32),
              np.array([[0.9, 0.1], [0.0, 1.0], [0.5, 0.5]], dtype=np.float32), 3.0),
             "float32 logits=[[1, -1], [0, 2], [0.5, 0.5]], targets=[[0.9, 0.1], [0, 1], [0.5, 0.5]], "
             "temperature=3.0"),
        Case((np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 0.0]]), np.array([[0, 1.0, 0], [0.1, 0.8, 0.1]]), 0.5),
             "logits=[[1000, 0, -1000], [0, 800, 0]], targets=[[0, 1, 0], [0.1, 0.8, 0.1]], temperature=0.5"),
    ],
    hidden_cases=[
        Case((np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 0.0]]), np.array([[0.9, 0.1], [0.0, 1.0], [0.5, 0.5]]), 1.5),
             "logits=[[1, 2], [3, -1], [0, 0]], targets=[[0.9, 0.1], [0, 1], [0.5, 0.5]], temperature=1.5"),
        Case((np.array([[-2.0, 0.0, 2.0, 5.0], [1.0, 1.0, 1.0, 1.0], [0.0, 9.0, 0.0, -9.0],
                        [3.0, 2.0, 1.0, 0.0], [0.3, 0.2, 0.1, 0.0]]),
              np.array([[0.1, 0.1, 0.1, 0.7], [0, 0, 1.0, 0], [0.2, 0.2, 0.3, 0.3], [1.0, 0, 0, 0],
                        [0.25, 0.25, 0.25, 0.25]]), 0.7),
             "logits of shape (5, 4), one-hot and soft targets, temperature=0.7"),
    ],
    reference=_fd_gradient,
    mistakes=[
        Mistake(lambda z, y, t: (_cooled(z, t) - y) / len(z), "You left out the chain rule's factor 1 / T: "
                "the loss sees z / T, and z / T moves by 1 / T when z moves by 1."),
        Mistake(lambda z, y, t: (_cooled(z, t) - y) * t / len(z), "You multiplied by T: the chain rule's "
                "factor is the slope of z / T in z, which is 1 / T."),
        Mistake(lambda z, y, t: (_softmax(z) - y) / len(z), "You left the temperature out: the loss sees "
                "softmax(z / T), and the chain rule adds a factor 1 / T."),
        Mistake(lambda z, y, t: (_cooled(z, t) - y) / t, "That is the gradient of the SUM of the losses: "
                "the mean divides it by n, the number of samples."),
        Mistake(lambda z, y, t: (y - _cooled(z, t)) / (t * len(z)), "Your sign is flipped: the gradient is "
                "softmax minus the target (raising the correct logit lowers the loss)."),
        Mistake(lambda z, y, t: _cooled(z, t) / (t * len(z)), "You forgot to subtract the targets from softmax."),
        Mistake(lambda z, y, t: (_cooled(z, t) - y) / (t * np.shape(z)[1]), "You divided by logits.shape[1], "
                "the number of classes: the mean is over the n = logits.shape[0] samples."),
        Mistake(lambda z, y, t: (_softmax_axis0(np.asarray(z, dtype=np.float64) / t) - y) / (t * len(z)),
                "Your softmax runs down the columns (axis 0, over the samples): each row is one sample's "
                "softmax, axis=1 with keepdims=True."),
        Mistake(lambda z, y, t: (_cooled(z, t) - _largest_as_one_hot(y)) / (t * len(z)), "You turned each "
                "target row into a one-hot row of its largest entry: subtract the whole target row."),
        Mistake(lambda z, y, t: (_unshifted_softmax(np.asarray(z, dtype=np.float64) / t) - y) / (t * len(z)),
                "np.exp of a large logit overflows to inf, and inf / inf is nan: subtract each row's "
                "largest value before np.exp."),
    ],
    hint="Per sample, the gradient with respect to u = z / T is softmax(u) - y. How much does u move "
         "when z moves by 1? Then divide by n for the mean.",
    success="softmax(z / T) minus target, over n T, as finite differences say.",
)


q1 = Exercise(
    "ch9.q1",
    title="Predict: the gradient of the clipped loss at a logit gap of 30",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch9-cap-md",
    options=("about 1", "about 0.5", "exactly 0"),
    task="""\
Predict before you run the next cells. Logits `[0, 30, 0]`, correct class 0: a
wrong class leads by 30. Softmax first, then the clipped loss of chapter 5. By how
much does that loss change per unit of the gap (its gradient with respect to the
gap)? Write `clipped_gradient_at_30()` returning `"about 1"`, `"about 0.5"` or
`"exactly 0"`.""",
    code='''\
def clipped_gradient_at_30():
    """Return "about 1", "about 0.5" or "exactly 0"."""
    ### BEGIN SOLUTION
    return "exactly 0"  # confidence ~1e-13 is clipped to 1e-7: the loss is flat
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: "exactly 0",
    mistakes=[
        Mistake(lambda: "about 1", "That is the gradient of the exact loss from logits. The clipped loss is "
                "stuck at -log(1e-7) = 16.12 once the gap passes about 16, so its gradient is 0."),
        Mistake(lambda: "about 0.5", "The correct confidence is about e^-30, far below 1e-7; clipping holds it "
                "at 1e-7, so the loss does not move at all."),
    ],
    hint="Softmax gives the correct class about e^-30 ≈ 1e-13. What does clipping to 1e-7 do to it?",
    success="past a gap of ~16 the clipped loss is flat: no gradient.",
)


q2 = Exercise(
    "ch9.q2",
    title="Predict: probabilities passed as logits",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch9-twice-md",
    options=("higher", "lower", "the same"),
    task="""\
Predict before you run the next cell. A model already outputs probabilities
`[0.7, 0.1, 0.2]` (target 0, true loss `0.357`), but they go into a loss that
expects logits (`from_logits=True`), so softmax is applied a second time. Is the
reported loss `"higher"`, `"lower"` or `"the same"`? Write `double_softmax_effect()`
returning one of those strings.""",
    code='''\
def double_softmax_effect():
    """Return "higher", "lower" or "the same"."""
    ### BEGIN SOLUTION
    return "higher"  # softmax([0.7, 0.1, 0.2]) = [0.46, 0.25, 0.28]: loss 0.768
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: "higher" if _logits_loss.calculate([[0.7, 0.1, 0.2]], [0])
    > _loss.calculate([[0.7, 0.1, 0.2]], [0]) else "lower",
    mistakes=[
        Mistake(lambda: "lower", "Softmax of numbers between 0 and 1 is much flatter: [0.46, 0.25, 0.28]. "
                "The correct class loses confidence, so the loss rises to 0.768."),
        Mistake(lambda: "the same", "Softmax changes the numbers: softmax([0.7, 0.1, 0.2]) = [0.46, 0.25, 0.28], "
                "flatter, so the loss rises to 0.768."),
    ],
    hint="Compute np.exp([0.7, 0.1, 0.2]) / np.exp([0.7, 0.1, 0.2]).sum() in your head: are the values close?",
    success="softmax twice flattens the output and inflates the loss.",
)

_CANDIDATES = {
    "1 - p": lambda p: 1 - p,
    "(1 - p)**2": lambda p: (1 - p) ** 2,
    "-log(p)": lambda p: -np.log(p),
}
_WRONG_P = 0.001  # a confidently wrong model


def _push(loss, p, h=1e-6):
    """How fast ``loss`` falls when the correct class's logit rises: -dL/dz by finite differences."""
    logits = np.log([p, (1 - p) / 2, (1 - p) / 2])  # softmax of these is [p, ...]

    def loss_at(z_correct):
        z = logits.copy()
        z[0] = z_correct
        probs = np.exp(z - z.max())
        return loss(probs[0] / probs.sum())

    return -(loss_at(logits[0] + h) - loss_at(logits[0] - h)) / (2 * h)


def _steepest():
    pushes = {name: _push(loss, _WRONG_P) for name, loss in _CANDIDATES.items()}
    return max(pushes, key=pushes.get)


q3 = Exercise(
    "ch9.q3",
    title="Predict: which loss pushes hardest when confidently wrong?",
    kind="predict",
    minutes=4,
    points=1,
    place_after="ch9-before-push",
    options=tuple(_CANDIDATES),
    task=f"""\
Predict before you run the next cell. A model gives the correct class a confidence
of only p = {_WRONG_P}. Training raises the correct class's logit a little. For which
of the three losses does that lower the loss fastest, that is, which one pushes the
model hardest toward the right answer?

Write `hardest_push()` returning one of the strings `"1 - p"`, `"(1 - p)**2"` or
`"-log(p)"`.""",
    code='''\
def hardest_push():
    """Return the loss that falls fastest for a confidently wrong model."""
    ### BEGIN SOLUTION
    return "-log(p)"  # its push tends to 1 as p -> 0; the others fade to 0
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_steepest,
    text_replace={" ": "", "\u2212": "-", "^": "**"},  # spaces, a typographic minus, ^ for **
    mistakes=[
        Mistake(lambda: "1 - p", "1 - p falls at the same rate everywhere in p, but the logit moves p only "
                "a little when p is tiny (softmax is flat there): its push at p = 0.001 is about 0.001, "
                "1000 times weaker than -log(p)'s 0.999."),
        Mistake(lambda: "(1 - p)**2", "(1 - p)**2 is steeper than 1 - p, but the logit moves p only a little "
                "when p is tiny (softmax is flat there): its push at p = 0.001 is about 0.002, 500 times "
                "weaker than -log(p)'s 0.999."),
    ],
    hint="A small change of the logit changes p by about p(1 - p) times that change: tiny when p is "
         "tiny. Which loss makes up for that by being steep near p = 0?",
    success="only -log(p) keeps pushing a confidently wrong model.",
)


EXERCISES = [q1, q2, q3, q4, q5]
