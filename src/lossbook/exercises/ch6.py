"""Chapter 6 exercises: the Loss class.

6.1 and 6.2 are predictions asked in the middle of the chapter, each before the
cells that reveal its answer. 6.3 extends ``forward`` to soft targets (the full
formula); 6.4 is a bug hunt: labels that arrive as a column, shape ``(n, 1)``.
The function exercises use batches with more samples than classes, so that a
mix-up of the two axes gives a wrong shape, not just wrong numbers.
"""
import numpy as np

from ..losses import CategoricalCrossentropy
from ._grading import Case, Exercise, Mistake

_loss = CategoricalCrossentropy()
_BATCH = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
_BATCH_LABEL = "y_pred=[[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]"
_ONE_HOT = np.array([[1, 0, 0], [0, 1, 0], [0, 1, 0]])


# --- 6.1: predict ln(n) before the chapter explains ln 3 ----------------------------

q1 = Exercise(
    "ch6.q1",
    title="Predict: the loss of a network with no preference",
    kind="predict",
    minutes=4,
    place_after="ch6-19",
    points=1,
    task="""\
Predict, then read on. The untrained network gave every class a confidence of
about $1/3$, and its loss came out as `1.0986104`. Before the next section explains
that number, write `untrained_loss(n_classes)`: the loss of a network that gives
each of `n_classes` classes exactly the same confidence, for any number of classes.
What would it be for 10 classes (the digits 0-9)? For 1000?""",
    code='''\
import math


def untrained_loss(n_classes):
    """Loss of a network that gives each of n_classes classes the same confidence."""
    ### BEGIN SOLUTION
    return -math.log(1 / n_classes)  # = log(n_classes)
    ### END SOLUTION''',
    cases=[Case((n,), f"n_classes={n}") for n in (3, 2, 10, 1000)],
    hidden_cases=[Case((n,), f"n_classes={n}") for n in (4, 7, 100, 21843)],
    reference=lambda n: float(_loss.calculate(np.full((1, n), 1 / n), [0])),
    rtol=1e-4,
    atol=1e-4,  # a mistake is recognised at this tolerance too
    mistakes=[
        Mistake(lambda n: 1 / n, "That is the confidence in each class, not the loss: "
                "the loss is -log(1/n)."),
        Mistake(lambda n: float(np.log10(n)), "You used log base 10; cross-entropy uses the "
                "natural log."),
        Mistake(lambda n: float(np.log2(n)), "You used log base 2 (bits); cross-entropy here "
                "uses the natural log (nats)."),
        Mistake(lambda n: float(np.log(1 / n)), "Your values have the right size but the wrong "
                "sign: the loss is -log(1/n), with a minus in front."),
        Mistake(lambda n: float(np.log(3)), "Your answer does not change with n_classes: 1.0986 "
                "is the loss for 3 classes. With n classes, each confidence is 1/n."),
    ],
    hint="No preference means every class gets confidence 1 / n_classes, the correct one "
         "included, for every sample. The mean of equal losses is that loss.",
    success="the next section explains the number.",
)


# --- 6.2: predict what 100x larger weights do to the starting loss ------------------

_BIG_WEIGHTS = "above"

q2 = Exercise(
    "ch6.q2",
    title="Predict: weights 100 times larger",
    kind="predict",
    minutes=5,
    place_after="ch6-big-ask",
    points=2,
    options=("about", "below", "above"),
    task="""\
Predict, then read on. Build the same network from the same random draws, but
start the weights at `1.0 * np.random.randn(...)` instead of `0.01 * np.random.randn(...)`.
Where will its starting loss be, compared with $\\ln 3 \\approx 1.0986$?

- `"about"`: about $\\ln 3$ again; the network has still learned nothing;
- `"below"`: below $\\ln 3$; larger weights make a stronger network;
- `"above"`: above $\\ln 3$; larger weights make its random guesses bolder.

Write `big_weights_loss()` returning one of the three words, and a sentence in a
comment saying why. The next cells build the network and show the answer.""",
    code='''\
def big_weights_loss():
    """Return "about", "below" or "above": where its loss sits, next to ln 3."""
    ### BEGIN SOLUTION
    # The scores grow 10 000 times, so the confidences move away from 1/3: the
    # network leans, often hard, but at random. It is wrong on two samples in three,
    # and -log punishes a confidence pushed down more than it rewards one pushed up.
    return "above"
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: _BIG_WEIGHTS,
    mistakes=[
        Mistake(lambda: "about", "The scores are 10 000 times larger, not just shifted, so "
                "softmax's confidences move away from 1/3 (far away, for points far from the centre)."),
        Mistake(lambda: "below", "Larger random weights make a network more confident, not "
                "more right: nothing has been learned yet."),
    ],
    hint="Each layer multiplies by its weights, and ReLU passes a positive factor through. "
         "What do larger scores do to softmax's confidences? Is the network right more "
         "often than before?",
    success="the next cells show why.",
)


# --- 6.3: the full formula, for soft targets -------------------------------------

# Four samples, three classes: an axis mix-up gives 3 numbers instead of 4.
_PRED = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
_SOFT = np.array([[0.4, 0.1, 0.5], [0.0, 0.9, 0.1], [0.05, 0.9, 0.05], [0.2, 0.2, 0.6]])
_LABELS = np.array([0, 1, 1, 2])
_ONE_HOT = np.eye(3)[_LABELS]

_CASES = [
    Case((_PRED, _SOFT), "the task's y_pred and soft y_true (4 samples, 3 classes)"),
    Case((_PRED, _LABELS), "the task's y_pred, y_true=[0, 1, 1, 2]"),
    Case((_PRED, _ONE_HOT), "the task's y_pred, one-hot y_true=np.eye(3)[[0, 1, 1, 2]]"),
    Case((np.array([[0.0, 1.0], [0.5, 0.5], [0.9, 0.1]]), np.array([[0.0, 1.0], [0.3, 0.7], [0.5, 0.5]])),
         "y_pred=[[0.0, 1.0], [0.5, 0.5], [0.9, 0.1]] (confidence 0 where the target is 0), "
         "soft y_true=[[0.0, 1.0], [0.3, 0.7], [0.5, 0.5]]"),
    Case((np.array([[0.0, 1.0]]), np.array([[0.5, 0.5]])),
         "one sample y_pred=[[0.0, 1.0]] (confidence 0), soft y_true=[[0.5, 0.5]]"),
    Case((np.array([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]], dtype=np.float32),
          np.array([[0.9, 0.05, 0.05], [0.0, 0.0, 1.0]], dtype=np.float32)),
         "float32 y_pred=[[1.0, 0.0, 0.0], [0.2, 0.3, 0.5]] (confidence 1), "
         "soft y_true=[[0.9, 0.05, 0.05], [0.0, 0.0, 1.0]]"),
]
_HIDDEN = [
    Case((np.array([[0.25, 0.25, 0.25, 0.25]]), np.array([[0.1, 0.2, 0.3, 0.4]])),
         "y_pred=[[0.25, 0.25, 0.25, 0.25]], soft y_true=[[0.1, 0.2, 0.3, 0.4]]"),
    Case((np.array([[0.6, 0.4], [0.1, 0.9], [0.5, 0.5]]), np.array([1, 1, 0])),
         "y_pred=[[0.6, 0.4], [0.1, 0.9], [0.5, 0.5]], y_true=[1, 1, 0]"),
    Case((np.array([[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]]), np.array([[0.95, 0.025, 0.025],
                                                               [0.025, 0.025, 0.95]])),
         "y_pred=[[0.7, 0.2, 0.1], [0.3, 0.3, 0.4]], label-smoothed y_true"),
]


def _clipped(y_pred):
    return np.clip(y_pred, 1e-7, 1 - 1e-7)


def _full_formula(y_pred, y_true, log=np.log):
    p = _clipped(y_pred)
    if y_true.ndim == 1:
        return -log(p[range(len(p)), y_true])
    return -np.sum(y_true * log(p), axis=1)


def _log_outside(y_pred, y_true):
    p = _clipped(y_pred)
    picked = p[range(len(p)), y_true] if y_true.ndim == 1 else np.sum(p * y_true, axis=1)
    return -np.log(picked)


def _unclipped(y_pred, y_true):
    with np.errstate(divide="ignore", invalid="ignore"):
        if y_true.ndim == 1:
            return -np.log(y_pred[range(len(y_pred)), y_true])
        return -np.sum(y_true * np.log(y_pred), axis=1)


def _sum_axis0(y_pred, y_true):
    if y_true.ndim == 1:
        return _full_formula(y_pred, y_true)
    return -np.sum(y_true * np.log(_clipped(y_pred)), axis=0)


LOST_MINUS = ("Your values have the right size but the wrong sign: the loss is "
              "-sum(y * log(p)), with a minus in front.")

q3 = Exercise(
    "ch6.q3",
    title="Soft targets: the full formula",
    kind="practice",
    minutes=10,
    points=2,
    task="""\
The chapter's `forward` picks with a multiply-and-sum and takes the log after:
$-\\log \\sum_j y_{ij}\\,\\hat y_{ij}$. For a one-hot row that is the same as the
full formula $L_i = -\\sum_j y_{ij} \\log \\hat y_{ij}$, but for a **soft** target
such as `[0.4, 0.1, 0.5]` it is not (you saw the two numbers differ above).

Write `soft_forward(y_pred, y_true)` returning the per-sample losses of the full
formula (a 1-D array, one loss per row). Clip the confidences to
`[1e-7, 1 - 1e-7]` as the chapter does, accept class indices (1-D) as well as
one-hot or soft rows (2-D), and leave the caller's arrays unchanged. The check
starts with four samples of three classes:

```python
y_pred = np.array([[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
y_true = np.array([[0.4, 0.1, 0.5], [0.0, 0.9, 0.1], [0.05, 0.9, 0.05], [0.2, 0.2, 0.6]])
```""",
    code='''\
import numpy as np


def soft_forward(y_pred, y_true):
    """Per-sample -sum_j y_ij log(yhat_ij); y_true: indices (n,) or rows (n, k)."""
    ### BEGIN SOLUTION
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        return -np.log(y_pred_clipped[range(len(y_pred_clipped)), y_true])
    return -np.sum(y_true * np.log(y_pred_clipped), axis=1)
    ### END SOLUTION''',
    cases=_CASES,
    hidden_cases=_HIDDEN,
    reference=_loss.forward,
    mistakes=[
        Mistake(_log_outside, "You summed first and took the log after: -log(sum y*p) is "
                "the one-hot shortcut. For soft targets the log goes inside the sum."),
        Mistake(lambda p, t: _loss.calculate(p, t), "You returned the mean: forward returns "
                "one loss per sample (Loss.calculate takes the mean)."),
        Mistake(_unclipped, "Your loss is inf or nan when a confidence is 0 (0 * log 0 is "
                "nan): clip to [1e-7, 1 - 1e-7] before the log."),
        Mistake(_sum_axis0, "You summed along axis 0 (down the samples): one number per class. "
                "Sum along axis 1, across each sample's classes."),
        Mistake(lambda p, t: -_full_formula(p, t), LOST_MINUS),
        Mistake(lambda p, t: _full_formula(p, t, np.log10), "You used log base 10; cross-entropy "
                "uses the natural log (np.log)."),
        Mistake(lambda p, t: _full_formula(p, t, np.log2), "You used log base 2 (bits); "
                "cross-entropy uses the natural log (np.log)."),
    ],
    hint="Take np.log of the whole clipped array first, multiply by y_true, then sum "
         "each row (axis=1). Class indices still work as in the chapter.",
    success="this is lb.CategoricalCrossentropy's forward for soft targets.",
)


# --- 6.4: debugging: labels that arrive as a column ---------------------------------

# Three samples, four classes: an (n, n) table or one total per class has the wrong shape.
_WIDE = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.5, 0.3, 0.1], [0.2, 0.2, 0.2, 0.4]])
_WIDE_LABELS = np.array([0, 1, 3])
_COLUMN = _WIDE_LABELS[:, np.newaxis]     # [[0], [1], [3]]: shape (3, 1)


def _as_one_hot_branch(y_pred, y_true):
    """The chapter's forward: a 2-D column goes down the one-hot branch."""
    p = _clipped(y_pred)
    with np.errstate(divide="ignore"):
        if y_true.ndim == 1:
            return -np.log(p[range(len(p)), y_true])
        return -np.log(np.sum(p * y_true, axis=1))


def _indexed_with_column(y_pred, y_true):
    """Fancy indexing with the (n, 1) column as it is: an (n, n) table."""
    p = _clipped(y_pred)
    if y_true.ndim == 2 and y_true.shape[1] != y_pred.shape[1]:
        return -np.log(p[range(len(p)), y_true])
    return _loss.forward(y_pred, y_true)


def _column_fixed(y_pred, y_true, how):
    """``how`` (a forward with some other mistake), given a column as 1-D labels."""
    if y_true.ndim == 2 and y_true.shape[1] == 1:
        return how(y_pred, y_true[:, 0])
    return how(y_pred, y_true)


q4 = Exercise(
    "ch6.q4",
    title="Debug: labels that arrive as a column",
    kind="debugging",
    minutes=8,
    points=2,
    task="""\
Find the bug. Labels often arrive as a **column**, shape `(n, 1)`: one label per
row of a table, or after `y.reshape(-1, 1)`. `forward_buggy` below is the chapter's
`forward`. Run it on `y_pred` with the labels as a column, `labels_column`, and
again with the same labels as a 1-D array, `labels_column[:, 0]`. Which branch of
`forward` does the column take, what does it compute there, and why is one of the
losses `inf`?

Then write `forward_fixed(y_pred, y_true)`: the per-sample losses (clipped as in the
chapter) for class indices given as `(n,)` **or** `(n, 1)`, and for one-hot rows
`(n, n_classes)`. Leave the caller's arrays unchanged.""",
    setup='''\
import numpy as np

y_pred = np.array([[0.7, 0.1, 0.1, 0.1],      # 3 samples, 4 classes
                   [0.1, 0.5, 0.3, 0.1],
                   [0.2, 0.2, 0.2, 0.4]])
labels_column = np.array([[0], [1], [3]])     # shape (3, 1)


def forward_buggy(y_pred, y_true):
    """Per-sample categorical cross-entropy. (Buggy for a column of labels!)"""
    y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 1:
        correct_confidences = y_pred_clipped[range(len(y_pred)), y_true]
    elif len(y_true.shape) == 2:
        correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
    return -np.log(correct_confidences)''',
    code='''\
import numpy as np


def forward_fixed(y_pred, y_true):
    """Per-sample loss; y_true: indices (n,) or (n, 1), or one-hot rows (n, k)."""
    ### BEGIN SOLUTION
    clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
    if len(y_true.shape) == 2 and y_true.shape[1] == 1:
        y_true = y_true[:, 0]  # a column of labels: make it 1-D (a view, not a copy)
    if len(y_true.shape) == 1:
        picked = clipped[range(len(clipped)), y_true]
    else:
        picked = np.sum(clipped * y_true, axis=1)
    return -np.log(picked)
    ### END SOLUTION''',
    cases=[
        Case((_WIDE, _COLUMN), "y_pred and labels_column from the cell above"),
        Case((_WIDE, _WIDE_LABELS), "y_pred above, y_true=labels_column[:, 0]"),
        Case((_WIDE, np.eye(4)[_WIDE_LABELS]), "y_pred above, one-hot y_true=np.eye(4)[[0, 1, 3]]"),
        Case((np.array([[0.0, 1.0], [0.6, 0.4], [1.0, 0.0]], dtype=np.float32), np.array([[1], [0], [1]])),
             "float32 y_pred=[[0.0, 1.0], [0.6, 0.4], [1.0, 0.0]] (confidence 0 and 1), "
             "y_true=[[1], [0], [1]] (a column)"),
        Case((np.array([[0.2, 0.5, 0.3]]), np.array([[2]])), "one sample y_pred=[[0.2, 0.5, 0.3]], y_true=[[2]]"),
    ],
    hidden_cases=[
        Case((np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1], [0.25, 0.25, 0.25, 0.25],
                        [0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]]), np.array([[3], [0], [2], [1], [0]])),
             "five samples, four classes, a column of labels"),
        Case((np.array([[0.3, 0.7], [0.8, 0.2]]), np.array([[0, 1], [1, 0]])),
             "y_pred=[[0.3, 0.7], [0.8, 0.2]], one-hot y_true=[[0, 1], [1, 0]]"),
    ],
    reference=lambda p, t: _column_fixed(p, t, _loss.forward),
    mistakes=[
        Mistake(_as_one_hot_branch, "Your (n, 1) column went down the one-hot branch (its "
                "len(y_true.shape) is 2 too): each row was multiplied by its class index, and class 0 "
                "gives log(0). Use y_true[:, 0]."),
        Mistake(_indexed_with_column, "You indexed with the (n, 1) column as it is: an (n, n) table, "
                "every row paired with every label. Use y_true[:, 0]."),
        Mistake(lambda p, t: _column_fixed(p, t, _loss.calculate),
                "You returned the mean: forward returns one loss per sample (Loss.calculate takes the mean)."),
        Mistake(lambda p, t: _column_fixed(p, t, _unclipped), "Your loss is inf when a confidence is 0: "
                "clip to [1e-7, 1 - 1e-7] before the log, as the chapter does."),
        Mistake(lambda p, t: _column_fixed(p, t, _sum_axis0), "For one-hot rows you summed along axis 0 "
                "(down the samples): one number per class. Sum along axis 1, across each sample's classes."),
        Mistake(lambda p, t: -_column_fixed(p, t, _loss.forward), "Your values have the right size but the "
                "wrong sign: the loss is -log(p), with a minus in front."),
        Mistake(lambda p, t: _column_fixed(p, t, lambda p, t: _full_formula(p, t, np.log10)),
                "You used log base 10; cross-entropy uses the natural log (np.log)."),
        Mistake(lambda p, t: _column_fixed(p, t, lambda p, t: _full_formula(p, t, np.log2)),
                "You used log base 2 (bits); cross-entropy uses the natural log (np.log)."),
    ],
    hint="Print y_true.shape for both label forms, and y_pred_clipped * labels_column: a (3, 1) "
         "column multiplies each row by that sample's class index. y_true[:, 0] turns a column "
         "into a 1-D array.",
    success="a column is class indices, not one-hot rows: shape tells them apart.",
)

EXERCISES = [q1, q2, q3, q4]
