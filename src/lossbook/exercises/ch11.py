"""Chapter 11 exercises: weights, masks and calibration."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake, log2_for_ln, log10_for_ln, lost_minus

IGNORE = -100  # PyTorch's default ignore_index


def _log_softmax(logits, axis=-1):
    logits = np.asarray(logits, dtype=np.float64)
    top = np.max(logits, axis=axis, keepdims=True)
    return logits - top - np.log(np.sum(np.exp(logits - top), axis=axis, keepdims=True))


def _naive_log_softmax(logits):
    """Softmax first, then the log: -inf where softmax underflows."""
    logits = np.asarray(logits, dtype=np.float64)
    exps = np.exp(logits - np.max(logits, axis=-1, keepdims=True))
    with np.errstate(divide="ignore"):
        return np.log(exps / np.sum(exps, axis=-1, keepdims=True))


# --- 11.1: a batch of one class --------------------------------------------------------

_LOGITS = np.array([[2.0, 0.5, -1.0], [0.3, 1.2, 0.1], [1.5, 0.2, 0.4], [-0.5, 0.3, 1.1]])
_HUMANS, _ALL_HUMAN, _WEIGHT = _LOGITS[1:], np.array([2, 2, 2]), np.array([1.0, 1.0, 4.0])
_PLAIN = CategoricalCrossentropy(from_logits=True).calculate(_HUMANS, _ALL_HUMAN)
_BY_WEIGHTS = CategoricalCrossentropy(from_logits=True, weight=_WEIGHT).calculate(_HUMANS, _ALL_HUMAN)

q1 = Exercise(
    "ch11.q1",
    title="Predict: the weighted mean of a batch of one class",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch11-one-class-md",
    task=f"""\
Predict before you run the next cell. The last three rows of `logits` are three
samples all labelled human (class 2, weight 4). Their plain, unweighted mean loss
is {_PLAIN:.4f}. What does PyTorch's `cross_entropy(..., weight=torch_weight)` report
for these three samples, with its default `reduction="mean"`? Write
`one_class_weighted_mean()` returning your prediction (two decimals are enough).""",
    code=f'''\
def one_class_weighted_mean():
    """Return PyTorch's weighted mean loss of three samples of one class."""
    ### BEGIN SOLUTION
    return {_BY_WEIGHTS:.4f}  # (4 L1 + 4 L2 + 4 L3) / (4 + 4 + 4): the weights cancel
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _BY_WEIGHTS,
    rtol=0, atol=0.005,  # two decimals are enough; a mistake typed to two decimals is named too
    mistakes=[
        Mistake(lambda: 4 * _PLAIN, "That divides by N = 3, Keras's sum over the batch size. PyTorch "
                "divides by the sum of the weights, 4 + 4 + 4, so the 4s cancel."),
        Mistake(lambda: 12 * _PLAIN, "That is the sum of the weighted losses; PyTorch's mean divides it "
                "by the sum of the weights, 4 + 4 + 4."),
        Mistake(lambda: _PLAIN / 4, "Each loss is multiplied by its weight before the division by the sum "
                "of the weights: with one weight for all, the two cancel."),
    ],
    hint="PyTorch computes sum(w_i * L_i) / sum(w_i). What happens when every w_i is 4?",
    success="in a batch of one class the weights cancel.",
)


# --- 11.2: the best report -------------------------------------------------------------

_TRUE_P = 0.7
_REPORTS = ("0.5", "0.7", "0.9", "0.99")


def _expected_loss(q, p=_TRUE_P):
    return -p * np.log(q) - (1 - p) * np.log(1 - q)


def _best_report():
    return min(_REPORTS, key=lambda q: _expected_loss(float(q)))


q2 = Exercise(
    "ch11.q2",
    title="Predict: which report has the lowest expected loss?",
    kind="predict",
    minutes=3,
    points=1,
    place_after="ch11-sequences-why",
    options=_REPORTS,
    task="""\
Predict before you run the next cell. The true probability of cat is $p = 0.7$.
Which reported probability $q$ gives the lowest expected loss $E(q)$: `"0.5"`,
`"0.7"`, `"0.9"` or `"0.99"`? Write `best_report()` returning one of those
strings.""",
    code='''\
def best_report():
    """Return "0.5", "0.7", "0.9" or "0.99"."""
    ### BEGIN SOLUTION
    return "0.7"  # E(q) is lowest at q = p: cross-entropy is a proper scoring rule
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_best_report,
    mistakes=[
        Mistake(lambda: "0.9", f"A bolder 0.9 pays on the cats but costs more on the 30 % that are not: "
                f"E(0.9) = {_expected_loss(0.9):.3f}, E(0.7) = {_expected_loss(0.7):.3f}."),
        Mistake(lambda: "0.99", f"Near-certainty costs -log(0.01) on every image that is not a cat: "
                f"E(0.99) = {_expected_loss(0.99):.3f}, E(0.7) = {_expected_loss(0.7):.3f}."),
        Mistake(lambda: "0.5", f"Hedging costs too: E(0.5) = {_expected_loss(0.5):.3f}, "
                f"E(0.7) = {_expected_loss(0.7):.3f}."),
    ],
    hint="Compute E(q) = -0.7 log(q) - 0.3 log(1 - q) for two of the candidates. Which way does it fall?",
    success="the expected loss is lowest at the true probability.",
)


# --- 11.3: temperature and accuracy ------------------------------------------------------

_SCORES = np.array([[2.0, 0.5, -1.0], [0.3, 1.2, 0.1], [1.5, 0.2, 0.4], [-0.5, 0.3, 1.1]])


def _accuracy_after_scaling():
    before = np.argmax(_SCORES, axis=1)
    after = np.argmax(_SCORES / 2.2, axis=1)
    return "the same" if np.array_equal(before, after) else "changed"


_SAME_ORDER = "dividing by T > 0 keeps each row's order, so argmax picks the same class."

q3 = Exercise(
    "ch11.q3",
    title="Predict: temperature scaling and accuracy",
    kind="predict",
    minutes=2,
    points=1,
    place_after="ch11-reliability-notice",
    options=("higher", "lower", "the same"),
    task="""\
Predict before you run the next cell. The fitted $T$ is above 1, so the test
probabilities become less confident. Will the test accuracy after scaling be
`"higher"`, `"lower"` or `"the same"`? Write `accuracy_after_scaling()` returning
one of those strings.""",
    code='''\
def accuracy_after_scaling():
    """Return "higher", "lower" or "the same"."""
    ### BEGIN SOLUTION
    return "the same"  # z / T keeps the order of each row: argmax does not move
    ### END SOLUTION''',
    cases=[Case(())],
    reference=_accuracy_after_scaling,
    mistakes=[
        Mistake(lambda: "higher", "Better calibrated is not more often right: " + _SAME_ORDER),
        Mistake(lambda: "lower", "Less confident is not less often right: " + _SAME_ORDER),
    ],
    hint="Accuracy looks only at the argmax of each row. Does dividing a row by 2.2 change its largest entry?",
    success="z / T keeps each row's order: argmax picks the same class.",
)


# --- 11.4: PyTorch's weighted loss with ignored targets --------------------------------------

def _kept(labels):
    return np.asarray(labels) != IGNORE


def _picked(logits, labels, log_softmax=_log_softmax):
    """-log softmax at each kept sample's label, 0 for an ignored one."""
    labels = np.asarray(labels)
    safe = np.where(_kept(labels), labels, 0)
    log_probs = log_softmax(logits)
    picked = -log_probs[np.arange(len(safe)), safe]
    return np.where(_kept(labels), picked, 0.0)


def _weighted_sum(logits, labels, weight, log_softmax=_log_softmax):
    safe = np.where(_kept(labels), labels, 0)
    return np.sum(np.asarray(weight)[safe] * _picked(logits, labels, log_softmax))


def _kept_weight_sum(labels, weight):
    return np.sum(np.where(_kept(labels), np.asarray(weight)[np.where(_kept(labels), labels, 0)], 0.0))


def _weighted_loss(logits, labels, weight):
    loss = CategoricalCrossentropy(from_logits=True, weight=weight, ignore_index=IGNORE)
    return loss.calculate(np.asarray(logits, dtype=np.float64), labels)


_HUGE = np.array([[1000.0, 0.0, -1000.0], [1000.0, -1000.0, 0.0], [-1000.0, 0.0, 1000.0]])

q4 = Exercise(
    "ch11.q4",
    title="PyTorch's weighted loss with ignored targets, from logits",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
Write `weighted_loss(logits, labels, weight)`: what PyTorch's
`cross_entropy(logits, labels, weight=weight)` returns with its defaults,
`reduction="mean"` and `ignore_index=-100`. `logits` has shape `(n, K)`; `labels`
holds `n` class indices, where `-100` marks a sample to ignore; `weight` holds `K`
class weights. Work in log space (log-sum-exp, chapter 9), so that logits like
`[1000, 0, -1000]` give an exact loss. Careful: NumPy reads `-100` as an index from
the end, so never index with an ignored label.""",
    code='''\
import numpy as np


def weighted_loss(logits, labels, weight):
    """PyTorch's cross_entropy(logits, labels, weight=weight): the weighted mean."""
    ### BEGIN SOLUTION
    kept = labels != -100
    safe = np.where(kept, labels, 0)                 # any valid index; weight 0 below
    top = np.max(logits, axis=1, keepdims=True)
    log_sum_exp = top + np.log(np.sum(np.exp(logits - top), axis=1, keepdims=True))
    losses = -(logits - log_sum_exp)[np.arange(len(labels)), safe]  # -log softmax
    w = np.where(kept, weight[safe], 0.0)            # ignored: no loss and no weight
    return np.sum(w * losses) / np.sum(w)
    ### END SOLUTION''',
    cases=[
        Case((_LOGITS, np.array([0, IGNORE, 2, 1]), np.array([1.0, 2.0, 4.0])),
             "logits=4 x 3 (the chapter's), labels=[0, -100, 2, 1], weight=[1.0, 2.0, 4.0]"),
        Case((_HUGE, np.array([1, IGNORE, 2]), np.array([0.5, 1.0, 3.0])),
             "logits=[[1000, 0, -1000], [1000, -1000, 0], [-1000, 0, 1000]], labels=[1, -100, 2], "
             "weight=[0.5, 1.0, 3.0]"),
        Case((np.array([[0.1, -0.4, 2.0, 0.0, 1.0], [1.5, 0.5, -0.5, 0.0, 0.2]], dtype=np.float32),
              np.array([4, 0]), np.array([1.0, 1.0, 1.0, 1.0, 2.0], dtype=np.float32)),
             "float32 logits, 2 samples x 5 classes, labels=[4, 0] (none ignored), weight=[1, 1, 1, 1, 2]"),
        Case((np.array([[0.2, 1.4]]), np.array([1]), np.array([2.0, 3.0])),
             "logits=[[0.2, 1.4]] (one sample), labels=[1], weight=[2.0, 3.0]"),
    ],
    hidden_cases=[
        Case((np.array([[0.5, 1.0, -1.0, 2.0], [1.0, 0.0, 0.0, 0.0], [-2.0, 3.0, 0.5, 0.5],
                        [0.0, 0.0, 4.0, 1.0], [2.5, -1.0, 0.0, 0.3], [1.0, 1.0, 1.0, 1.0]]),
              np.array([3, IGNORE, 1, 2, IGNORE, 0]), np.array([1.0, 0.5, 2.0, 3.0])),
             "6 x 4 logits, two ignored, weight=[1.0, 0.5, 2.0, 3.0]"),
        Case((_LOGITS, np.array([IGNORE, IGNORE, IGNORE, 1]), np.array([1.0, 2.0, 4.0])),
             "all but one ignored"),
    ],
    reference=_weighted_loss,
    mistakes=[
        Mistake(lambda z, y, w: _weighted_sum(z, y, w) / len(y), "You divided by N, every sample counted: "
                "PyTorch divides by the sum of the weights of the samples it does not ignore."),
        Mistake(lambda z, y, w: _weighted_sum(z, y, w) / np.sum(_kept(y)), "You divided by the number of "
                "samples kept (Keras's sum over the batch size); PyTorch divides by the sum of their weights."),
        Mistake(lambda z, y, w: np.sum(_picked(z, y)) / np.sum(_kept(y)), "You left out the class weights: "
                "multiply each loss by its class's weight, and divide by the sum of those weights."),
        Mistake(lambda z, y, w: _weighted_sum(z, y, w) / np.sum(np.asarray(w)[np.where(_kept(y), y, 0)]),
                "You zeroed the ignored losses but kept their weights in the sum you divide by: an ignored "
                "sample must leave both."),
        lost_minus(_weighted_loss, "Your loss is negative: the loss is MINUS the log of a probability "
                   "(log_softmax is never above 0)."),
        log10_for_ln(_weighted_loss),
        log2_for_ln(_weighted_loss),
        Mistake(lambda z, y, w: _weighted_sum(z, y, w, _naive_log_softmax) / _kept_weight_sum(y, w),
                "Softmax then log gives log(0) = -inf for huge logits: stay in log space, "
                "log_probs = logits - logsumexp(logits)."),
        Mistake(lambda z, y, w: np.where(_kept(y), np.asarray(w)[np.where(_kept(y), y, 0)], 0.0) * _picked(z, y),
                "You returned the weighted loss of each sample: PyTorch's mean is one number, their sum "
                "divided by the sum of the weights."),
    ],
    hint="kept = labels != -100; index with np.where(kept, labels, 0); then give the ignored samples "
         "weight 0 and compute sum(w * loss) / sum(w).",
    success="the weighted mean, ignored samples left out, as PyTorch.",
)


# --- 11.5: the masked mean of a batch of sequences ---------------------------------------------

def _position_losses(logits, labels, axis=-1, log_softmax=None):
    """-log softmax (over `axis`) at each position's label, shape (batch, time)."""
    log_probs = (log_softmax or (lambda z: _log_softmax(z, axis=axis)))(logits)
    return -np.take_along_axis(log_probs, np.asarray(labels)[..., None], axis=-1)[..., 0]


def _masked_mean(losses, mask):
    mask = np.asarray(mask, dtype=bool)
    return np.sum(np.where(mask, losses, 0.0)) / np.sum(mask)


def _masked_sequence_loss(logits, labels, mask):
    logits = np.asarray(logits, dtype=np.float64)
    flat_labels = np.where(np.asarray(mask, dtype=bool), labels, IGNORE).reshape(-1)
    loss = CategoricalCrossentropy(from_logits=True, ignore_index=IGNORE)
    return loss.calculate(logits.reshape(-1, logits.shape[-1]), flat_labels)


def _sequence_case(seed, batch, time, classes, lengths, dtype=np.float64, scale=2.0):
    rng = np.random.default_rng(seed)
    logits = (rng.normal(size=(batch, time, classes)) * scale).astype(dtype)
    labels = rng.integers(0, classes, size=(batch, time))  # padding keeps a valid label
    mask = np.arange(time) < np.array(lengths)[:, None]
    return logits, labels, mask


_SEQ_HUGE = np.array([[[1000.0, 0.0, -1000.0], [0.0, 1000.0, -1000.0], [5.0, 0.0, 0.0]],
                      [[-1000.0, 0.0, 1000.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]])

q5 = Exercise(
    "ch11.q5",
    title="The masked mean of a batch of sequences",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
Write `masked_sequence_loss(logits, labels, mask)` for a batch of padded sequences:
`logits` has shape `(batch, time, K)`, `labels` shape `(batch, time)` (class
indices; the padded positions hold some class too, but it means nothing), and
`mask` shape `(batch, time)`, `True` where a position is real. Return the mean
categorical cross-entropy over the real positions only, as PyTorch's
`ignore_index` computes it: every real position counts the same. Softmax runs over
the classes, the last axis; work in log space so that logits of ±1000 stay exact.""",
    code='''\
import numpy as np


def masked_sequence_loss(logits, labels, mask):
    """Mean cross-entropy over the real (mask True) positions of padded sequences."""
    ### BEGIN SOLUTION
    top = np.max(logits, axis=-1, keepdims=True)     # softmax over the classes
    log_sum_exp = top + np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
    log_probs = logits - log_sum_exp
    picked = np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    return np.sum(-picked * mask) / np.sum(mask)     # the padding adds 0, counts 0
    ### END SOLUTION''',
    cases=[
        Case(_sequence_case(1, 2, 4, 3, [4, 2]), "2 sequences of lengths 4 and 2, padded to 4; 3 classes"),
        Case(_sequence_case(2, 3, 5, 4, [5, 3, 1]), "3 sequences of lengths 5, 3 and 1, padded to 5; 4 classes"),
        Case((_SEQ_HUGE, np.array([[1, 1, 0], [2, 1, 1]]), np.array([[True, True, True], [True, False, False]])),
             "logits of ±1000, lengths 3 and 1; 3 classes"),
        Case(_sequence_case(3, 2, 3, 2, [3, 2], dtype=np.float32), "float32, lengths 3 and 2; 2 classes"),
    ],
    hidden_cases=[
        Case(_sequence_case(4, 1, 6, 5, [6]), "one sequence (no padding) of length 6; 5 classes"),
        Case(_sequence_case(5, 4, 2, 6, [2, 1, 1, 2]), "4 sequences of lengths 2, 1, 1, 2; 6 classes"),
    ],
    reference=_masked_sequence_loss,
    mistakes=[
        Mistake(lambda z, y, m: np.mean(_position_losses(z, y)), "You averaged over every position, the "
                "padding too: multiply the losses by the mask and divide by the number of real positions."),
        Mistake(lambda z, y, m: np.sum(_position_losses(z, y) * m) / np.size(m), "You zeroed the padding "
                "but still divided by every position: divide by the number of real ones, np.sum(mask)."),
        Mistake(lambda z, y, m: np.mean(np.sum(_position_losses(z, y) * m, axis=1) / np.sum(m, axis=1)),
                "That is the mean of the sequences' means: it gives short sequences' positions more say. "
                "PyTorch's ignore_index gives every real position the same say."),
        Mistake(lambda z, y, m: _masked_mean(_position_losses(z, y, axis=1), m), "Your softmax ran over "
                "axis 1, the time steps: the classes are the last axis (axis=-1)."),
        lost_minus(_masked_sequence_loss, "Your loss is negative: the loss is MINUS the log of a "
                   "probability."),
        log10_for_ln(_masked_sequence_loss),
        log2_for_ln(_masked_sequence_loss),
        Mistake(lambda z, y, m: _masked_mean(_position_losses(z, y, log_softmax=_naive_log_softmax), m),
                "Softmax then log gives log(0) = -inf for huge logits: stay in log space, "
                "log_probs = logits - logsumexp(logits)."),
    ],
    hint="Take log-softmax over axis=-1, pick each position's label with np.take_along_axis(log_probs, "
         "labels[..., None], axis=-1), then sum(-picked * mask) / sum(mask).",
    success="the mean over the real positions, padding left out.",
)


# --- 11.6: perplexity from a log in bits ---------------------------------------------------------

def _perplexity_from_bits(losses_in_bits):
    return float(2.0 ** np.mean(np.asarray(losses_in_bits, dtype=np.float64)))


def _bits(values):
    return np.asarray(values, dtype=np.float64)


q6 = Exercise(
    "ch11.q6",
    title="Perplexity from a log in bits",
    kind="practice",
    minutes=6,
    points=2,
    task="""\
A language model's training log reports each word's loss in **bits**: $-\\log_2$ of
the probability it gave the right word (chapter 4). Write
`perplexity_from_bits(losses_in_bits)` (a list or a 1-D array) that returns the
model's perplexity over these words: the number of equally likely choices it is, on
average, as unsure as. It must be the same perplexity as $e^{\\bar L}$ with the
losses in nats.""",
    code='''\
import numpy as np


def perplexity_from_bits(losses_in_bits):
    """The perplexity of per-word losses given in bits (log base 2)."""
    ### BEGIN SOLUTION
    return 2.0 ** np.mean(losses_in_bits)  # = exp(mean loss in nats)
    ### END SOLUTION''',
    cases=[
        Case(([1.0, 2.0, 3.0],), "losses_in_bits=[1.0, 2.0, 3.0]"),
        Case((np.array([3.321928094887362]),), "losses_in_bits=np.array([3.3219]) (one word, p = 0.1)"),
        Case((np.array([0.5, 0.25, 4.0, 1.25], dtype=np.float32),), "float32 losses_in_bits=[0.5, 0.25, 4.0, 1.25]"),
    ],
    hidden_cases=[
        Case((np.full(400, 1.584962500721156),), "400 words, each log2(3) bits"),
        Case(([0.1, 6.0],), "losses_in_bits=[0.1, 6.0]"),
    ],
    reference=_perplexity_from_bits,
    mistakes=[
        Mistake(lambda b: np.exp(np.mean(_bits(b))), "You undid a natural log, but these losses are in bits: "
                "undo log2 with 2 ** (mean loss)."),
        Mistake(lambda b: 10.0 ** np.mean(_bits(b)), "You undid a base-10 log; bits are log base 2: "
                "2 ** (mean loss)."),
        Mistake(lambda b: np.mean(2.0 ** _bits(b)), "You averaged the per-word perplexities: average the "
                "losses first, then raise 2 to that mean."),
        Mistake(lambda b: 2.0 ** -np.mean(_bits(b)), "That is the typical confidence, below 1: perplexity "
                "is 2 ** (+mean loss), its inverse."),
        Mistake(lambda b: 2.0 ** np.sum(_bits(b)), "You used the sum of the losses: perplexity is per word, "
                "2 ** (mean loss)."),
    ],
    hint="Perplexity is base ** (mean loss), in the base the loss was measured in.",
    success="2 ** (mean bits) = exp(mean nats): the same perplexity.",
)

EXERCISES = [q1, q2, q3, q4, q5, q6]
