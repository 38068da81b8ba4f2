"""A teacher's own exercise for a lossbook course: the focal loss (it is not in the book).

Write it into a notebook, new or existing (under its "## Exercises" heading), with

    python -m lossbook.exercises add classroom/example/focal_loss.py classroom/example/focal_loss.ipynb

The reference (the code between the solution markers) stays in this file and in the
teacher's notebook: nbgrader's release and the students' notebooks never hold it.
"""
import numpy as np

from lossbook.exercises import Case, Exercise, Mistake, log10_for_ln, lost_minus

# A batch that is not square (4 samples, 3 classes), so an axis mix-up cannot hide.
BATCH = np.array([[0.7, 0.2, 0.1],
                  [0.1, 0.5, 0.4],
                  [0.02, 0.9, 0.08],
                  [0.25, 0.25, 0.5]])
TARGETS = np.array([0, 1, 1, 2])


def correct_confidences(y_pred, class_targets):
    """Each sample's clipped confidence in its correct class."""
    picked = np.asarray(y_pred)[np.arange(len(y_pred)), class_targets]
    return np.clip(picked, 1e-7, 1 - 1e-7)


def per_sample(y_pred, class_targets, gamma):
    p = correct_confidences(y_pred, class_targets)
    return -(1 - p) ** gamma * np.log(p)


def reference(y_pred, class_targets, gamma):
    return np.mean(per_sample(y_pred, class_targets, gamma))


exercise = Exercise(
    "focal_loss",
    title="The focal loss",
    kind="practice",
    minutes=12,
    points=2,
    task="""\
Cross-entropy keeps paying for samples the model already gets right: a confidence of
0.9 still costs $-\\log 0.9 \\approx 0.105$. When almost every sample is easy (object
detection has thousands of empty boxes per image), those small costs add up and
drown the few hard ones. Lin et al. (2017) scale each sample's loss by
$(1 - p)^\\gamma$, where $p$ is its confidence in the correct class:

$$FL = -(1 - p)^\\gamma \\log p.$$

With $\\gamma = 0$ it is the categorical cross-entropy; with $\\gamma = 2$ a sample
at $p = 0.9$ counts 100 times less, while one at $p = 0.1$ keeps 81 % of its loss.

Write `focal_loss(y_pred, class_targets, gamma)`: the **mean** focal loss of a batch
(`y_pred` of shape `(n_samples, n_classes)`, `class_targets` holding class indices).
Clip the confidences to `[1e-7, 1 - 1e-7]` first, as the book does, and leave the
caller's array unchanged. Before you run the check, predict: is the focal loss of a
batch ever larger than its cross-entropy?""",
    code='''\
import numpy as np


def focal_loss(y_pred, class_targets, gamma):
    """Mean of -(1 - p)**gamma * log(p), p: each sample's clipped correct confidence."""
    ### BEGIN SOLUTION
    picked = y_pred[np.arange(len(y_pred)), class_targets]
    p = np.clip(picked, 1e-7, 1 - 1e-7)
    return np.mean(-(1 - p) ** gamma * np.log(p))
    ### END SOLUTION''',
    reference=reference,
    cases=[
        Case((BATCH, TARGETS, 2.0)),
        Case((BATCH, TARGETS, 0.0)),
        Case((np.array([[0.0, 1.0], [0.6, 0.4], [0.5, 0.5]]), np.array([0, 0, 1]), 1.0)),
        Case((BATCH.astype(np.float32), np.array([2, 0, 1, 0]), 0.5)),
    ],
    hidden_cases=[
        Case((np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5], [0.99, 0.01], [0.2, 0.8]]),
              np.array([0, 0, 1, 1, 1]), 3.0)),
        Case((np.array([[0.05, 0.05, 0.9]]), np.array([2]), 2.0)),
        Case((np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]), np.array([0, 1]), 2.0)),
    ],
    mistakes=[
        Mistake(lambda y, t, g: np.mean(-correct_confidences(y, t) ** g * np.log(correct_confidences(y, t))),
                "You weighted by p ** gamma, which favours the easy samples. The focal factor is "
                "(1 - p) ** gamma: near 0 for a confident right answer."),
        Mistake(lambda y, t, g: np.mean(-(1 - correct_confidences(y, t)) * g * np.log(correct_confidences(y, t))),
                "You multiplied by gamma; (1 - p) is raised to the power gamma: (1 - p) ** gamma."),
        Mistake(per_sample, "You returned one loss per sample; the batch's focal loss is their mean."),
        Mistake(lambda y, t, g: np.mean(-(1 - y[np.arange(len(y)), t]) ** g * np.log(y[np.arange(len(y)), t])),
                "A confidence of 0 gives an infinite loss: clip the confidences to [1e-7, 1 - 1e-7] "
                "before the log."),
        lost_minus(reference),
        log10_for_ln(reference),
    ],
    hint="Pick each sample's correct confidence with y_pred[np.arange(n), class_targets], clip it, "
         "then average -(1 - p) ** gamma * np.log(p).",
    success="confident right answers count less; gamma = 0 is cross-entropy.",
)
