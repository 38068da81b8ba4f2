"""Chapter 7 exercises: accuracy."""
import numpy as np

from ..losses import CategoricalCrossentropy
from ..metrics import accuracy
from ._grading import Case, Exercise, Mistake, same_text

_loss = CategoricalCrossentropy()
_OUT = np.array([[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]])
_OUT_LABEL = "softmax_outputs=[[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08]]"


# --- 6.1: predict which batch has the lower loss, before the chapter prints it -------

q1 = Exercise(
    "ch7.q1",
    title="Predict: hesitant and right, or sure and once wrong?",
    kind="predict",
    minutes=3,
    place_after="ch7-17",
    points=1,
    options=("C", "D", "same"),
    task="""\
Predict, then read on. The targets are `[0, 1, 1]`. Batch C gives the correct class
0.36 in every row (right three times, but hesitant). Batch D gives the correct class
0.98, 0.3 and 0.98 (very sure; sample 1 is wrong, its dog gets 0.6). Which batch has
the lower loss? Write `lower_loss_batch()` returning `"C"`, `"D"` or `"same"`.""",
    code='''\
def lower_loss_batch():
    """Which batch has the lower mean loss: "C", "D" or "same"?"""
    ### BEGIN SOLUTION
    # C: -log(0.36) = 1.02 for every sample. D: 0.02 + 1.20 + 0.02 over 3 = 0.42.
    return "D"
    ### END SOLUTION''',
    cases=[Case(())],
    reference=lambda: "D",
    compare=same_text,
    mistakes=[
        Mistake(lambda: "C", "C is more accurate, but each of its samples costs -log(0.36) = "
                "1.02; D's one mistake costs -log(0.3) = 1.20, and its two sure answers "
                "almost nothing."),
        Mistake(lambda: "same", "They have the same predictions on two samples only; work out "
                "-log of each correct-class confidence and average."),
    ],
    hint="The loss only looks at the confidence in the correct class: C's are 0.36, 0.36, "
         "0.36; D's are 0.98, 0.3, 0.98. Average -log of each.",
    success="the next cell prints both losses.",
)


# --- 6.2: top-k accuracy -------------------------------------------------------------

def _top_k(softmax_outputs, class_targets, k):
    """Reference: is the target among the k largest? Ties go to the lower class index."""
    p = np.asarray(softmax_outputs)
    t = np.asarray(class_targets)
    top = np.argsort(-p, axis=1, kind="stable")[:, :k]
    return float(np.mean(np.any(top == t[:, None], axis=1)))


_FOUR = np.array([[0.1, 0.6, 0.3, 0.0],
                  [0.5, 0.2, 0.25, 0.05],
                  [0.05, 0.15, 0.3, 0.5],
                  [0.4, 0.35, 0.15, 0.1]])
_FOUR_LABEL = ("softmax_outputs=[[0.1, 0.6, 0.3, 0.0], [0.5, 0.2, 0.25, 0.05], "
               "[0.05, 0.15, 0.3, 0.5], [0.4, 0.35, 0.15, 0.1]], class_targets=[2, 1, 3, 3]")

q2 = Exercise(
    "ch7.q2",
    title="Top-k accuracy",
    kind="practice",
    minutes=10,
    points=2,
    task="""\
Image benchmarks with many classes often report **top-5 accuracy**: a sample counts
as right when its target is among the 5 classes with the highest confidence. Write
`top_k_accuracy(softmax_outputs, class_targets, k)`: the fraction of samples whose
target class is among their `k` most confident classes (`class_targets` holds class
indices). With `k=1` it must equal the chapter's accuracy. For the chapter's batch
and `k=2` it is `0.6666666666666666`: sample 1's cat (0.1) is still last. (The
checks have no ties between confidences.) `np.argsort` sorts each row's class
indices by confidence.""",
    code='''\
import numpy as np


def top_k_accuracy(softmax_outputs, class_targets, k):
    """Fraction of samples whose target is among their k most confident classes."""
    ### BEGIN SOLUTION
    top_k = np.argsort(softmax_outputs, axis=1)[:, -k:]  # the k largest, per row
    hits = np.any(top_k == class_targets[:, np.newaxis], axis=1)
    return np.mean(hits)
    ### END SOLUTION''',
    cases=[
        Case((_OUT, np.array([0, 1, 1]), 2), _OUT_LABEL + ", class_targets=[0, 1, 1], k=2"),
        Case((_OUT, np.array([0, 1, 1]), 1), _OUT_LABEL + ", class_targets=[0, 1, 1], k=1"),
        Case((_FOUR, np.array([2, 1, 3, 3]), 2), _FOUR_LABEL + ", k=2"),
        Case((_FOUR, np.array([2, 1, 3, 3]), 3), _FOUR_LABEL + ", k=3"),
        Case((np.array([[0.3, 0.7]]), np.array([0]), 2), "one sample [[0.3, 0.7]], class_targets=[0], k=2"),
        Case((_FOUR.astype(np.float32), np.array([0, 0, 0, 0]), 2),
             "the same four rows as float32, class_targets=[0, 0, 0, 0], k=2"),
    ],
    hidden_cases=[
        Case((_FOUR, np.array([0, 2, 1, 2]), 2), "four samples, class_targets=[0, 2, 1, 2], k=2"),
        Case((_FOUR, np.array([3, 3, 0, 2]), 4), "four samples, k=4 (every class)"),
        Case((np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]), np.array([1, 1, 1]), 1),
             "three samples, two classes, k=1"),
    ],
    reference=_top_k,
    mistakes=[
        Mistake(lambda p, t, k: _top_k(-np.asarray(p), t, k), "You took the k *least* "
                "confident classes: np.argsort sorts from small to large, so the k largest "
                "are the last k columns, [:, -k:]."),
        Mistake(lambda p, t, k: _top_k(p, t, k) * len(t), "You counted the hits; the "
                "accuracy is their fraction (np.mean of the True/False values)."),
        Mistake(lambda p, t, k: _top_k(p, t, 1), "You returned the ordinary (top-1) accuracy; "
                "a sample counts when its target is anywhere among the top k."),
    ],
    hint="np.argsort(softmax_outputs, axis=1) gives each row's class indices from least to "
         "most confident; keep the last k columns. Compare them with "
         "class_targets[:, np.newaxis] and ask np.any along axis 1.",
    success="top-1 is accuracy; top-k forgives near misses.",
)


# --- 6.3: the constant baseline -------------------------------------------------------

def _baseline(class_targets, n_classes):
    targets = np.asarray(class_targets)
    frequencies = np.bincount(targets, minlength=n_classes) / len(targets)
    outputs = np.tile(frequencies, (len(targets), 1))
    return accuracy(outputs, targets), float(_loss.calculate(outputs, targets))


def _uniform(class_targets, n_classes):
    return 1 / n_classes, float(np.log(n_classes))


def _sure_of_majority(class_targets, n_classes):
    targets = np.asarray(class_targets)
    outputs = np.eye(n_classes)[np.full(len(targets), np.argmax(np.bincount(targets)))]
    return accuracy(outputs, targets), float(_loss.calculate(outputs, targets))


q3 = Exercise(
    "ch7.q3",
    title="The score to beat: a model that ignores its input",
    kind="practice",
    minutes=12,
    points=3,
    task="""\
A model that ignores its input can still learn one thing: how common each class is.
The best such model outputs, for every sample, the same row of confidences, the
class frequencies of the targets (for targets `[0, 0, 0, 1]` that row is
`[0.75, 0.25]`). Write `constant_baseline(class_targets, n_classes)` returning
`(accuracy, loss)` of that model on `class_targets`.

Work out the numbers for `[0, 0, 0, 1]` by hand first. What does the baseline give
on the spiral data, with 100 samples of each class, and what does that say about
the untrained network's `acc: 0.34` and `loss: 1.0986104`? Every trained model
should beat this baseline. (`np.bincount` counts how often each class occurs.)""",
    code='''\
import numpy as np


def constant_baseline(class_targets, n_classes):
    """(accuracy, loss) of the model that always outputs the class frequencies."""
    ### BEGIN SOLUTION
    frequencies = np.bincount(class_targets, minlength=n_classes) / len(class_targets)
    accuracy = frequencies.max()  # it always predicts the most common class
    # Each sample's loss is -log(frequency of its class); average over the samples.
    loss = np.mean(-np.log(frequencies[class_targets]))
    # Spiral data, 100 per class: (1/3, ln 3). The untrained network's 0.34 and
    # 1.0986104 sit right at this baseline: it has learned nothing yet.
    return accuracy, loss
    ### END SOLUTION''',
    cases=[
        Case((np.array([0, 0, 0, 1]), 2), "class_targets=[0, 0, 0, 1], n_classes=2"),
        Case((np.array([0, 1, 1]), 3), "class_targets=[0, 1, 1], n_classes=3 (class 2 never occurs)"),
        Case((np.repeat(np.arange(3), 100), 3), "spiral targets: 100 of each of 3 classes"),
        Case((np.array([2]), 3), "one sample class_targets=[2], n_classes=3"),
        Case((np.array([0, 1, 2, 2, 2, 1, 2, 2, 0, 2]), 4),
             "class_targets=[0, 1, 2, 2, 2, 1, 2, 2, 0, 2], n_classes=4"),
    ],
    hidden_cases=[
        Case((np.array([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]), 2), "nine 1s and one 0, n_classes=2"),
        Case((np.repeat(np.arange(10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 10),
             "ten classes with counts 1..10"),
    ],
    reference=_baseline,
    mistakes=[
        Mistake(_uniform, "That is a model that gives every class 1/n_classes: it has not "
                "looked at how common each class is. Use the class frequencies."),
        Mistake(_sure_of_majority, "That model is 100% sure of the most common class: same "
                "accuracy, but every other sample costs -log(1e-7) = 16.1. Output the "
                "frequencies instead."),
        Mistake(lambda t, n: (_baseline(t, n)[0] * len(t), _baseline(t, n)[1]),
                "Your accuracy is a count; divide by the number of samples."),
    ],
    hint="frequencies = np.bincount(class_targets, minlength=n_classes) / len(class_targets). "
         "Every row predicts the most common class. A sample of class k has confidence "
         "frequencies[k] in its correct class.",
    success="a trained model must beat this baseline.",
)


_TARGETS = np.array([0, 1])


def _disagree(batches):
    try:
        batch_a, batch_b = batches
        batch_a = np.asarray(batch_a, dtype=np.float64)
        batch_b = np.asarray(batch_b, dtype=np.float64)
    except (TypeError, ValueError):
        return "Return two batches, e.g. `return batch_a, batch_b`, each a 2-D array of probabilities."
    for name, batch in (("batch_a", batch_a), ("batch_b", batch_b)):
        if batch.ndim != 2 or batch.shape[0] != 2 or batch.shape[1] < 2:
            return f"{name} must have 2 rows (one per sample) and at least 2 classes; its shape is {batch.shape}."
        if np.isnan(batch).any() or batch.min() < 0 or not np.allclose(batch.sum(axis=1), 1):
            return f"Each row of {name} must be a softmax output: non-negative numbers that sum to 1."
    acc_a, acc_b = accuracy(batch_a, _TARGETS), accuracy(batch_b, _TARGETS)
    loss_a, loss_b = _loss.calculate(batch_a, _TARGETS), _loss.calculate(batch_b, _TARGETS)
    if not acc_a > acc_b:
        return f"batch_a must have the higher accuracy; accuracies are a: {acc_a}, b: {acc_b}."
    if not loss_a > loss_b:
        return (f"batch_a must also have the higher loss; losses are a: {loss_a:.4f}, b: {loss_b:.4f}. "
                "Make batch_a right but unsure, and batch_b very confident where it is right.")
    return None


q4 = Exercise(
    "ch7.q4",
    title="Make loss and accuracy disagree",
    kind="predict",
    minutes=8,
    points=2,
    task="""\
Construct, then check. With targets `[0, 1]` (two samples), write
`disagreeing_batches()` returning two batches of softmax outputs, `batch_a, batch_b`
(each 2 rows, one per sample), such that **batch_a has the higher accuracy but also
the higher loss**. Predict the accuracies and losses of your batches before you run
the check.""",
    code='''\
import numpy as np


def disagreeing_batches():
    """Return (batch_a, batch_b): a is more accurate than b, yet has the higher loss."""
    ### BEGIN SOLUTION
    # a: right twice, but unsure: accuracy 1.0, loss 0.916
    batch_a = np.array([[0.4, 0.3, 0.3],
                        [0.3, 0.4, 0.3]])
    # b: right and sure, then wrong but close: accuracy 0.5, loss 0.41
    batch_b = np.array([[0.98, 0.01, 0.01],
                        [0.5, 0.45, 0.05]])
    return batch_a, batch_b
    ### END SOLUTION''',
    cases=[Case(())],
    validate=_disagree,
    hint="Loss is paid on the confidence in the correct class, accuracy only on the argmax: an argmax that is "
         "barely right costs almost as much loss as one that is barely wrong.",
    success="more accurate, yet a higher loss.",
)

EXERCISES = [q1, q2, q3, q4]
