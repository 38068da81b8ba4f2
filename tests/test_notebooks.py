"""Run every chapter notebook top to bottom in a fresh kernel, as a reader would.

Each notebook must run without errors, print nothing to stderr (except in cells
tagged ``raises-warning``, where a warning is the point), finish well under a
minute, and print every number its text relies on.
"""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

CHAPTERS = [
    "01_why_a_loss.ipynb",
    "02_one_sample.ipynb",
    "03_a_batch.ipynb",
    "04_why_minus_log.ipynb",
    "05_log_zero_and_clipping.ipynb",
    "06_the_loss_class.ipynb",
    "07_accuracy.ipynb",
    "08_what_frameworks_report.ipynb",
    "09_logits_and_pitfalls.ipynb",
    "10_binary_and_multilabel.ipynb",
    "11_weights_masks_calibration.ipynb",
]

CELL_TIMEOUT = 60  # seconds per cell
HARD_CEILING = 60  # seconds per notebook; the target is 10 s, reported below
TARGET = 10

# Strings each notebook's executed text outputs must contain, exactly as Python or
# NumPy print them: the numbers the chapter's prose relies on.
EXPECTED = {
    # ---- Chapters 1-4 ----
    "01_why_a_loss.ipynb": [
        "model A: [0.22 0.6  0.18] sums to 1.0",
        "model B: [0.32 0.36 0.32] sums to 1.0",
        "model A predicts class 1 (cat): right",
        "model B predicts class 1 (cat): right",
        # softmax: scores in, confidences out (model A's and model B's outputs)
        "scores:          [0.2 1.2 0. ]\n"
        "e ** scores:     [1.22140276 3.32011692 1.        ]\n"
        "total:           5.541519680896717\n"
        "confidences:     [0.22040935 0.59913473 0.18045591] sum 1.0\n"
        "rounded:         [0.22 0.6  0.18]\n"
        "model B, scores [0, 0.12, 0]: [0.32 0.36 0.32]",
        "scores + 10:     [0.22040935 0.59913473 0.18045591]",  # only differences matter
        "loss of model A: 0.5108256237659907",  # -log(0.6)
        "loss of model B: 1.0216512475319814",  # -log(0.36) = 2 * -log(0.6)
        "Correct: only the correct class counts: 0.85 > 0.8 > 0.45.",  # exercise 1.1
    ],
    "02_one_sample.ipynb": [
        "full sum: 0.35667494393873245",
        "shortcut: 0.35667494393873245",  # -log(0.7)
        "1.6486586255873816\n1.6486586255873816",  # log(5.2): math and NumPy
        "5.199999999999999",  # e ** log(5.2): back to 5.2, up to rounding
        # a loss of 1 belongs to the confidence e**-1 (exercise 2.1's answer)
        "confidence with a loss of 1: 0.36787944117144233\nits loss:                    1.0",
        "confidence 1.0    loss -0.0",
        "confidence 0.95   loss 0.05129329438755058",
        "confidence 0.9    loss 0.10536051565782628",
        "confidence 0.1    loss 2.3025850929940455",
        "confidence 0.01   loss 4.605170185988091",  # the bottom of the ladder
        # every halving costs ln 2 (exercise 2.2's answer)
        "0.8    -> 0.4     the loss goes up by 0.693147\n"
        "0.4    -> 0.2     the loss goes up by 0.693147\n"
        "0.2    -> 0.1     the loss goes up by 0.693147\n"
        "0.1    -> 0.05    the loss goes up by 0.693147\n"
        "0.05   -> 0.025   the loss goes up by 0.693147\n"
        "0.025  -> 0.0125  the loss goes up by 0.693147\n"
        "ln 2 = 0.6931471805599453\nln 10 = 2.302585092994046",
        "Correct: a loss of 1 means a confidence of e**-1 ≈ 0.37.",  # exercise 2.1
        "Correct: every halving adds the same ln 2 ≈ 0.693.",  # exercise 2.2
    ],
    "03_a_batch.ipynb": [
        "[0.7 0.5 0.9]",
        "[0.35667494 0.69314718 0.10536052]",
        "0.38506088005216804",
        "[[0.7 0.  0. ]\n [0.  0.5 0. ]\n [0.  0.9 0. ]]",  # element-wise product
        "[0.7 1.4 0. ]",  # summed over axis 0: the wrong axis
        "Correct: a certain sample adds 0 to the sum, but still counts in the mean.",  # 3.2
    ],
    "04_why_minus_log.ipynb": [
        # why -log: likelihood, underflow, mean negative log-likelihood
        "likelihood: 0.315",
        "300 samples: product 1.0000000000000168e-300   sum of logs -690.7755278982137",
        "400 samples: product 0.0                       sum of logs -921.0340371976183",
        "smallest positive float64: 5e-324",
        "what NumPy does on underflow: ignore",  # silently (exercise 4.1's answer)
        "mean of -log:         0.38506088005216804\n-log(likelihood) / 3: 0.385060880052168",
        "400 samples of 0.1, mean of -log: 2.302585092994046",
        # surprise in nats and bits
        "0.5    0.6931    1.0000",
        "our sample's loss in bits: 0.5145731728297583\nnats divided by ln 2:      0.5145731728297583",
        # entropy + KL = cross-entropy; one-hot: cross-entropy = KL
        "entropy H(y):           0.9433483923290393",
        "cross-entropy H(y, ŷ):  1.1776474430919477",
        "KL divergence:          0.23429905076290852",
        "entropy + KL:           1.177647443091948",
        "entropy's only term, 1 * log(1): 0.0\n"
        "cross-entropy, -log(0.7):        0.35667494393873245\n"
        "KL, 1 * (log(1) - log(0.7)):     0.35667494393873245",
        # bounded penalties
        "0.1      0.900    0.810000    2.3026",
        "0.001    0.999    0.998001    6.9078",
        # a capped loss prefers the bold model Y (exercise 4.2's answer); -log p and
        # the likelihood prefer X
        "model           1 - p  (1 - p)**2  -log(p)  likelihood\n"
        "X (hesitant)   0.7500      0.5625   1.3863      0.0625\n"
        "Y (bold)       0.4995      0.4990   3.4539      0.0010",
        # two squared errors: the correct class only, or all classes
        "(1 - p)**2, the correct class only:       0.0900\n"
        "mean over the classes of (y_hat - y)**2:  0.0467",
        "Correct: the product underflows to 0.0, silently.",  # exercise 4.1
        "Correct: a capped loss lets a sure mistake hide behind a sure success.",  # 4.2
    ],
    # ---- end of chapters 1-4 ----
    "05_log_zero_and_clipping.ipynb": [
        "RuntimeWarning: divide by zero encountered in log",
        "16.11809565095832",  # -log(1e-7), the largest loss after clipping
        "-9.999999505838704e-08",  # -log(1 + 1e-7): adding epsilon goes negative
        "[1.000000e-01 2.000000e-01 3.000000e-01 9.999999e-01 1.000000e-07]",
        "Keras 3.",  # who clips: the frameworks ran (Keras on JAX, PyTorch)
        " on jax, PyTorch 2.",
    ],
    # ---- Chapters 6-9: filled in by the helper who writes those notebooks. ----
    "06_the_loss_class.ipynb": [
        "[0.35667494 0.69314718 0.10536052]\n0.38506088005216804\n",  # forward, calculate
        "0.38506088005216804\n0.38506088005216804\n",  # package: sparse and one-hot targets
        # The package differs: soft targets (full formula), logits, input checks.
        "full formula, by hand: 1.1776474430919477\n"
        "lb:                    1.1776474430919477\n"
        "ours:                  0.941608539858445\n",
        "softmax, then ours: 0.3185397696491857\nlb, from logits:    0.31853976964918584\n",
        "ours: 1.0000000494736474e-07\nlb:   ValueError: predictions must be probabilities",
        # nnfs.init(): four functions patched, np.array / np.ones / @ untouched.
        "np.zeros(2):        float64\nnp.eye(2):          float64\n"
        "np.random.randn(2): float64\nnp.dot(a, b):       float64\n",
        "np.zeros(2):        float32\nnp.eye(2):          float32\n"
        "np.dot(a, b):       float32   a and b: float64 float64\n"
        "np.dot is NumPy's:  False\nnp.array([0.5]):    float64\n"
        "np.ones(2):         float64\na @ b:              float64\n"
        "np.zeros(2, dtype=np.float64): float64\nnp.eye(2, 3):       float64\n",
        "(300, 2) float32 (300,) uint8\n",
        "[[0.33333334 0.33333334 0.33333334]\n [0.3333332  0.3333332  0.33333364]",
        "\nloss: 1.0986104\n",
        "\n1.0986122886681098\n",  # ln 3
        # Weights 100 times larger: same predictions, higher loss; near the centre the
        # confidences stay near 1/3, farther out they lean (up to 0.915).
        "\nloss: 1.2435642\n",
        "scores 10 000 times larger: True\n"
        "largest |score|: 0.00023326118 -> 2.3326118\n"
        "first three samples:\n"
        "[[0.33333334 0.33333334 0.33333334]\n"
        " [0.33173057 0.3318284  0.336441  ]\n"
        " [0.3288542  0.3291243  0.3420215 ]]\n"
        "largest confidence of a sample: median 0.51, highest 0.915\n",
        "same predicted class as the small net: True\nfraction right: 0.34\n"
        "mean loss where right: 0.6485 (0.4501 below ln 3)\n"
        "mean loss where wrong: 1.5501 (0.4515 above ln 3)\n"
        "mean confidence in the correct class: 0.33829063\n"
        "-log of that mean:                    1.0838499\n",
        # Still patched many cells later; the seed was 0.
        "np.random.randn(2): float32\nnp.zeros(2):        float32\nthe same data: True\n"
        "np.dot on lists: AttributeError: 'list' object has no attribute 'astype'\n",
    ],
    "07_accuracy.ipynb": [
        "[0, 0, 1]\n",  # the loop
        "\n[0 0 1]\n",  # np.argmax
        "[ True False  True]\nacc: 0.6666666666666666\n",
        "acc: 0.6666666666666666\nacc: 0.6666666666666666\nacc: 0.6666666666666666\n",
        "loss: 1.0986104\nacc: 0.34\n",
        "batch A: predictions [0 1 1], acc: 1.0, loss: 0.3243\n"
        "batch B: predictions [0 1 1], acc: 1.0, loss: 1.0217\n",
        "batch C: predictions [0 1 1], acc: 1.00, loss: 1.0217\n"
        "batch D: predictions [0 0 1], acc: 0.67, loss: 0.4148\n",
    ],
    "08_what_frameworks_report.ipynb": [
        "Keras 3.",  # the frameworks ran (Keras, then its backend)
        " on jax, PyTorch 2.13.0",
        "lossbook mean:       0.38506088005216804",
        "scikit-learn mean:   0.38506088005216804",
        "Keras mean:          0.38506082",  # float32
        "PyTorch mean:        0.385060880052168",
        # float32 holds about 7 digits: Keras's last digit is two steps off
        "Keras:                       0.38506082",
        "exact, rounded to float32:   0.38506088",
        "float32 steps apart:         2.0",
        "equal as float32:            False",
        "close, rtol=1e-6:            True",
        "N =  32: |gradient of the mean| = 1.569, |gradient of the sum| = 50.2",
        "N = 256: |gradient of the mean| = 1.374, |gradient of the sum| = 351.8",
        # the mean's gradient: the same expected value, noise shrinking like 1/sqrt(N)
        "all 100000 samples: |gradient of the mean| = 1.310",
        "N =  32: their average is 0.010 away from it, one batch typically 0.323",
        "N = 256: their average is 0.001 away from it, one batch typically 0.114",
        "noise ratio N = 32 to N = 256: 2.84   sqrt(256 / 32) = 2.83",
        "sizes [16 16 16 12]",  # unequal batches
        "weighted by size 0.9160414   plain mean 0.9069377",
        "epoch 1: Keras 0.9160414   NumPy, weighted by size 0.9160414",
        "epoch 2: Keras 0.5922523   NumPy, weighted by size 0.5922523",
        "epoch 3: Keras 0.4569390   NumPy, weighted by size 0.4569390",
        "one batch per epoch: fit reports 0.4044887; evaluate before 0.4044887, after 0.3899783",
        # dropout drops each input independently: not "a half" every time
        "training call 1: 12 of 20 inputs dropped, the others became [2.]",
        "training call 2: 11 of 20 inputs dropped, the others became [2.]",
        "training call 3: 9 of 20 inputs dropped, the others became [2.]",
        "at evaluation: [1.]",
        "fit reports 0.7338 (dropout on); evaluate measures 0.3967",
        "NumPy, same weights, no dropout: 0.3967",
        "lossbook sparse:      0.38506088005216804\nlossbook categorical: 0.38506088005216804",
        "Keras sparse:         0.38506082",
        "Keras categorical:    0.38506082",
        "clip:     1.176939193690798\nlossbook: 1.176939193690798",
        "add eps:  1.176938641059472",
        "difference: 5.526313260340032e-07\nabout eps/p: 5.526315789473684e-07",
        "Keras:          1.1769392",  # seed 003's number, printed by Keras
        "as a float64:   1.1769392490386963",
        "clip in float32: 1.1769392",
        "add in float32:  1.1769387",
        "Keras on the row [1, 2, 1], target 1: 0.6931472",
        "float32 spacing near 1.18: 1.1920929e-07",
        "float32 steps from Keras to clip: 0.0",
        "float32 steps from Keras to add:  5.0",
        "Correct: adding epsilon moves every confidence; clipping only the extremes.",  # 8.1
        "Correct: a short last batch counts less, as in Keras's loss tracker.",  # 8.2
        "Correct: rows rescaled to sum 1, then clipped, as Keras does.",  # 8.3
    ],
    "09_logits_and_pitfalls.ipynb": [
        "by hand:  [   0. 1000. 2000.]\nlossbook: [   0. 1000. 2000.]",
        "Keras:    [  -0. 1000. 2000.]",
        "PyTorch:  [   0. 1000. 2000.]",
        "smallest subnormal float64: 5e-324",
        "exp(-745) = 5e-324   exp(-746) = 0.0",
        "clipped loss: [1.00000005e-07 1.61180957e+01 1.61180957e+01]",
        "the cap begins at gap 16.1180954509583",
        "  17             17.0000  16.1181               1.0000   0.0000",
        "  30             30.0000  16.1181               1.0000   0.0000",
        # the gradient at a gap of 30, printed by each library's own differentiation
        "Keras, from_logits=False   loss 16.1181, gradient [0, 0, 0]",
        "Keras, from_logits=True    loss 30.0000, gradient [-1, 1, 9.36e-14]",
        "PyTorch cross_entropy      loss 30.0000, gradient [-1, 1, 9.36e-14]",
        "nnfs's backward step                      gradient [-1, 1, 9.36e-14]",
        "slope of jax.numpy.clip at 1e-13: 0.0",
        "slope of torch.clip at 1e-13:     0.0",
        "tensorflow  True   True                     True",
        "jax         True   False                    False",
        "torch       True   False                    False",
        "numpy       True   False                    False",
        "probabilities as logits:     0.767949548903625",
        "PyTorch, softmax twice: 0.7739153504371643",
        "Keras on JAX, softmax twice: 0.77391535",
        "right answer: 0.3670487105846405",
        "warnings: 0",
        "Keras attached the logits to its output: True",  # ...but JAX's loss ignores them
        # the push on the correct logit, each loss with its own factor
        "0.001      0.000999    0.001996    0.999000",
        "0.5        0.250000    0.250000    0.500000",
        "at p = 0.001, -log(p) pushes 1000.0 times harder than 1 - p",
        "at p = 0.001, -log(p) pushes 500.5 times harder than (1 - p)**2",
        # softmax - y: finite differences agree; the frameworks' numbers at gap 30
        "finite differences: [ 0.78559703 -0.82470961  0.03911257]",
        "softmax(z) - y:     [ 0.78559703 -0.82470961  0.03911257]",
        "softmax([0, 30, 0]) - [1, 0, 0]: [-1, 1, 9.36e-14]",
        "by hand:  0.9891065032537572\nlossbook: 0.9891065032537572",
        "Keras:    0.98910654",
        "lossbook, smoothed by hand: 1.5653793844346895",
        "Keras label_smoothing=0.1:  1.5653794",
        "gradient for the one-hot target:   [[ 0.033333 -0.066667  0.033333]]",
        "gradient for the smoothed target:  [[0. 0. 0.]]",
        "binary, summed:        0.6851790109107685",
        "Keras binary_crossentropy: [0.22839302]",
        "row sums now: [1.0000001 1.0000001]",
        "lossbook left its input unchanged: True",
        # chapter 4's (1 - p)**2 and the mean squared error over the classes differ
        "(1 - p)**2, chapter 4:            [0.81 0.81]",
        "mean squared error over classes:  [0.54  0.405]",
        "cross-entropy: at p = 3e-06 loss 12.6932, push 0.999997",  # the push stays
        "squared error: at p = 3e-06 loss  0.5000, push 0.000003",  # the push vanishes
        "Correct: past a gap of ~16 the clipped loss is flat: no gradient.",  # 9.1
        "Correct: softmax twice flattens the output and inflates the loss.",  # 9.2
        "Correct: only -log(p) keeps pushing a confidently wrong model.",  # 9.3
        "Correct: label smoothing, soft targets and huge logits, all exact.",  # 9.4
        "Correct: softmax(z / T) minus target, over n T, as finite differences say.",  # 9.5
    ],
    # ---- end of chapters 6-9 ----
    "10_binary_and_multilabel.ipynb": [
        "p = sigmoid(z): [0.0025 0.1192 0.5    0.8808 0.9975]",
        "sigmoid(-z):    [0.9975 0.8808 0.5    0.1192 0.0025]",  # 1 - p
        "by hand:  [0.22314355 1.60943791 0.35667494]\nlossbook: [0.22314355 1.60943791 0.35667494]",
        "-log(0.8) = 0.2231435513142097   -log(0.2) = 1.6094379124341003",
        # a two-class softmax is a sigmoid of the difference; BCE = CCE for every z
        "softmax([2, 5]): [0.04742587 0.95257413]\nsigmoid(5 - 2):  0.9525741268224334",
        "-30.0  1      30.000000000000           30.000000000000",
        " -0.5  0       0.474076984180            0.474076984180",
        "  2.0  1       0.126928011043            0.126928011043",
        " 10.0  0      10.000045398899           10.000045398899",
        # the textbook formula after a sigmoid, against the stable form from logits
        "  -1000           0                inf         1000                nan            0",
        "    -40   4.248e-18                 40           40                  0    4.248e-18",
        "     40           1                nan    4.248e-18                inf           40",
        "   1000           1                nan            0                inf         1000",
        "RuntimeWarning: overflow encountered in exp",
        # the clipped loss's cap and zero slope
        "sigmoid(z) is 1e-7 at z = -16.118095550958316",
        "  -17              17.0000  16.1181              -1.0000   0.0000          -1.0000",
        "-1000            1000.0000  16.1181              -1.0000   0.0000          -1.0000",
        # the multi-label batch
        "row sums: [1.772 1.254 1.982 1.659]",
        "mean over labels: [0.30475556 0.12564288 0.4681481  0.16292568]\n"
        "lossbook:         [0.30475556 0.12564288 0.4681481  0.16292568]",
        "batch loss: 0.2653680552094505",
        # softmax on a two-label target: never below 2 log 2
        "[ 20. -20.  20.]  [0.5 0.  0.5]           1.3863   [1. 0. 1.]              0.0000",
        "2 log 2 = 1.3862943611198906",
        # seed 001's numbers, exactly, next to categorical cross-entropy
        "[0. 1. 0.]       3.0000150000863473e-05      0.0000      0.0000",
        "[0.1 0.8 0.1]    0.43386458262986227         0.2231      0.1446",
        "[0.2 0.6 0.2]    0.9571127263944101          0.5108      0.3190",
        "[0.3 0.4 0.3]    1.62964061975162            0.9163      0.5432",
        # the frameworks print their own numbers
        "Keras, from_logits=True:    0.26536807",
        "Keras, probabilities:       0.26536804",
        "PyTorch BCEWithLogitsLoss:  0.26536805520945056",
        "PyTorch BCELoss:            0.26536805520945056",
        "Keras binary_crossentropy of the post's [0.1, 0.8, 0.1]: [0.14462155]",
        "lossbook, float32: [16.118095 15.942385]",
        "Keras:             [16.118095 15.942385]",
        "BCELoss(0, 1): 100.0\nBCELoss(1, 0): 100.0",
        "1 - 1e-7 in float32: 0.99999988   -log(1 - that): 15.942385",
        "log_logits = jax.nn.log_sigmoid(output)",  # Keras's JAX source, from logits
        "output = jnp.clip(output, backend.epsilon(), 1.0 - backend.epsilon())",
        "Our solution is that BCELoss clamps its log function outputs to be greater than\n"
        "or equal to -100.",
        "   -50                  50.0000  -1.93e-10                  50.0000     -1",
        " -1000                 100.0000          0                1000.0000     -1",
        "sigmoid(-50) / 1e-12 = 1.928749847963918e-10",
        "EPSILON = 1e-12",
        "Keras: 0.6121919",
        "PyTorch: ValueError: Using a target size (torch.Size([4])) that is different\n"
        "  to the input size (torch.Size([4, 1])) is deprecated.",
        "lossbook: ValueError: binary targets must have the predictions' shape (4, 1),",
        "NumPy: (4, 4) losses, and their mean 0.9035363970381245",
        "Correct: exact from logits, even at ±1000, one loss per sample.",  # exercise 10.4
    ],
    "11_weights_masks_calibration.ipynb": [
        # class weights: PyTorch divides by the sum of the weights, Keras by N
        "sum of weighted losses: 9.09444481556357\nsum of the weights:     10.0    N: 4\n",
        "divided by the weights: 0.9094444815563569\ndivided by N:           2.2736112038908924\n"
        "PyTorch, weight=, mean: 0.9094444815563568\n",
        "lossbook, sum_over_weights:    0.9094444815563569\n"
        "lossbook, sum_over_batch_size: 2.2736112038908924\n",
        "plain mean:              1.2428187056786355\n"
        "PyTorch, weight=, mean:  1.2428187056786355\n",  # one class: the weights cancel
        "lossbook, sum_over_batch_size: 4.971274822714542\n",
        "Keras, sample_weight:            2.2736113\n",
        "Keras, mean_with_sample_weight:  0.9094445\n",
        "Keras fit, class_weight:         2.27361",  # float32, summed in a jitted step
        "PyTorch, class indices: 0.9094444815563568\nPyTorch, one-hot rows:  2.2736112038908924\n",
        # ignore_index and masks
        "PyTorch, mean:       0.7720679213157752\nmean of the other 3: 0.7720679213157752\n"
        "lossbook:            0.7720679213157752\nKeras, ignore_class: 0.772068\n",
        "label -100 picks class 900 of 1000\n",
        "real positions: 6\nmean over the real positions:   1.3042099404818028\n"
        "PyTorch, ignore_index=-100:     1.3042099404818028\n"
        "mean over all 8 positions:      0.9781574553613521\n"
        "mean of the sequences' means:   1.3184538201458829\n",
        # a proper scoring rule; weights tilt the best report
        "       0.3          0.9498                 0.3\n"
        "       0.6          0.6325                 0.7\n"
        "       0.7          0.6109                 0.7\n"
        "       0.8          0.6390                 0.7\n"
        "       0.9          0.7645                 0.7\n"
        "      0.99          1.3886                 0.7\n",
        "best report under weights 1, 1, 4: [0.5385 0.1538 0.3077]\n",
        # the seeded training run: validation loss rises, accuracy holds
        "epoch  944: train loss 0.125, accuracy 0.953   validation loss 0.522, accuracy 0.813\n",
        "epoch 2000: train loss 0.073, accuracy 0.967   validation loss 0.647, accuracy 0.837\n",
        "validation accuracy from epoch 944 on: 0.807 to 0.840\n",
        "validation accuracy: 0.8367\nmean confidence:     0.9057\n"
        "samples above 0.9:   210, their accuracy 0.9048\n",
        "samples:         [  0   0   0   0   3  17  14  25  31 210]\n",
        "ECE: 0.0838\n",
        # temperature scaling on the test set: loss and ECE down, accuracy the same
        "T = 2.2355\n",
        "test, before: loss 0.664, ECE 0.117, mean confidence 0.923, accuracy 0.830\n"
        "test, after : loss 0.474, ECE 0.057, mean confidence 0.822, accuracy 0.830\n",
        # perplexity = exp(mean loss); typical confidence = its inverse
        "uniform, 3 classes      1.0986       3.0000               0.3333\n"
        "test, before            0.6639       1.9423               0.5148\n"
        "test, after             0.4738       1.6061               0.6226\n",
        "Correct: in a batch of one class the weights cancel.",  # exercise 11.1
    ],
}


# Whole outputs of single cells, by cell id: every number chapters 1-5 print,
# and short values ("inf", "0.0") that a search of a chapter's whole text would find
# anywhere. An exercise's check cell prints its "Correct" line: the model answer runs.
EXACT_OUTPUTS = {
    "01_why_a_loss.ipynb": {
        "ch1-softmax-code": "scores:          [0.2 1.2 0. ]\n"
                            "e ** scores:     [1.22140276 3.32011692 1.        ]\n"
                            "total:           5.541519680896717\n"
                            "confidences:     [0.22040935 0.59913473 0.18045591] sum 1.0\n"
                            "rounded:         [0.22 0.6  0.18]\n"
                            "model B, scores [0, 0.12, 0]: [0.32 0.36 0.32]\n",
        "ch1-softmax-shift": "scores + 10:     [0.22040935 0.59913473 0.18045591]\n",
        "ch1-11": "loss of model A: 0.5108256237659907\nloss of model B: 1.0216512475319814\n",
    },
    "02_one_sample.ipynb": {
        "ch2-loss-one": "confidence with a loss of 1: 0.36787944117144233\n"
                        "its loss:                    1.0\n",
        "ch2-q1-check": "Correct: a loss of 1 means a confidence of e**-1 ≈ 0.37.\n",
        "ch2-q2-check": "Correct: every halving adds the same ln 2 ≈ 0.693.\n",
    },
    "03_a_batch.ipynb": {
        "ch3-07": "0.7\n0.5\n0.9\n",
        "ch3-09": "[0.7 0.5 0.9]\n[0.7 0.5 0.9]\n",
        "ch3-11": "[0.35667494 0.69314718 0.10536052]\n",
        "ch3-13": "0.38506088005216804\n",
        "ch3-15": "sparse:  (3,)\none-hot: (3, 3)\n",
        "ch3-17": "[[0.7 0.  0. ]\n [0.  0.5 0. ]\n [0.  0.9 0. ]]\n",
        "ch3-19": "sum along axis 0 (per class):   [0.7 1.4 0. ]\n"
                  "sum along axis 1 (per sample):  [0.7 0.5 0.9]\n",
        "ch3-21": "sparse labels:   0.38506088005216804\n"
                  "one-hot targets: 0.38506088005216804\n",
        "ch3-q1-check": "Correct: axis 0 gives one total per class, mixing the samples.\n",
    },
    "04_why_minus_log.ipynb": {
        "ch4-likelihood": "likelihood: 0.315\n",
        "ch4-underflow": "100 samples: product 1.000000000000006e-100    sum of logs -230.25850929940455\n"
                         "200 samples: product 1.0000000000000119e-200   sum of logs -460.51701859880916\n"
                         "300 samples: product 1.0000000000000168e-300   sum of logs -690.7755278982137\n"
                         "400 samples: product 0.0                       sum of logs -921.0340371976183\n"
                         "smallest positive float64: 5e-324\n"
                         "what NumPy does on underflow: ignore\n",
        "ch4-nll-code": "mean of -log:         0.38506088005216804\n"
                        "-log(likelihood) / 3: 0.385060880052168\n"
                        "400 samples of 0.1, mean of -log: 2.302585092994046\n",
        "ch4-penalty": "p        1 - p  (1 - p)**2   -log(p)\n"
                       "0.9      0.100    0.010000    0.1054\n"
                       "0.5      0.500    0.250000    0.6931\n"
                       "0.1      0.900    0.810000    2.3026\n"
                       "0.01     0.990    0.980100    4.6052\n"
                       "0.001    0.999    0.998001    6.9078\n",
        "ch4-prefer": "model           1 - p  (1 - p)**2  -log(p)  likelihood\n"
                      "X (hesitant)   0.7500      0.5625   1.3863      0.0625\n"
                      "Y (bold)       0.4995      0.4990   3.4539      0.0010\n",
        "ch4-two-squares": "(1 - p)**2, the correct class only:       0.0900\n"
                           "mean over the classes of (y_hat - y)**2:  0.0467\n",
        "ch4-q1-check": "Correct: the product underflows to 0.0, silently.\n",
        "ch4-q2-check": "Correct: a capped loss lets a sure mistake hide behind a sure success.\n",
    },
    "05_log_zero_and_clipping.ipynb": {
        "ch5-03": "inf\nRuntimeWarning: divide by zero encountered in log\n",
        "ch5-05": "log(0.1) = -2.3025850929940455\n"
                  "log(1e-05) = -11.512925464970229\n"
                  "log(1e-10) = -23.025850929940457\n"
                  "log(1e-100) = -230.25850929940458\n"
                  "log(1e-300) = -690.7755278982137\n",
        "ch5-07": "0.0\n",  # e ** -inf
        "ch5-09": "inf\n",  # one inf makes the mean inf
        "ch5-12": "16.11809565095832\n",
        "ch5-17": "[1.000000e-01 2.000000e-01 3.000000e-01 9.999999e-01 1.000000e-07]\n",
        "ch5-19": "[ 0.35667494  0.69314718  0.10536052 16.11809565]\n4.318319572778706\n",
        "ch5-14": "-9.999999505838704e-08\n",
        "ch5-15b": "loss of confidence 1 after the top clip: 1.0000000494736474e-07\n"
                   "batch loss, bottom clip only: 4.229150836794023\n"
                   "batch loss, both ends:        4.229150861794024\n"
                   "difference:                   2.5000001180330855e-08\n",
        "ch5-15d": "p: 1.0\n"
                   "log(1 - p), unclipped: -inf\n"
                   "log(1 - p), clipped:   -16.118095651484676\n",
        # Who clips. nnfs: the clipped loss is flat, the gradient it trains with is not.
        "ch5-nnfs-code": "confidence   clipped loss   nnfs's gradient on the correct score\n"
                         "0.001              6.9078   -0.9990000\n"
                         "1e-07             16.1181   -0.9999999\n"
                         "1e-09             16.1181   -1.0000000\n"
                         "1e-12             16.1181   -1.0000000\n",
        # Keras: epsilon, the clip (flat), the row rescaled to sum 1; binary clips both ends.
        "ch5-keras": "keras.config.epsilon(): 1e-07\n"
                     "Keras per sample: [16.118095  16.118095  16.118095   0.6931472]\n"
                     "-log(0.4 / 0.8):  0.6931471805599453\n"
                     "Keras binary, p = 0.0 for a 'yes': 16.118095\n"
                     "Keras binary, p = 1.0 for a 'no':  15.942385\n"
                     "1 - float32(1 - 1e-7): 1.1920929e-07\n",
        # PyTorch: no clip (20 from scores, inf from log 0); BCELoss clamps each log at -100.
        "ch5-torch": "cross_entropy: tensor(20.)\n"
                     "nll_loss, confidence 0: tensor(inf)\n"
                     "BCELoss(0, 1): 100.0\n"
                     "BCELoss, target 1, for p = 0, 1e-50, 1e-30, 1e-7:\n"
                     "[100.         100.          69.07755279  16.11809565]\n"
                     "exp(-100): 3.720075976020836e-44\n",
        "ch5-q1-check": "Correct: the cells below print both ends of the range.\n",
        "ch5-q3-check": "Correct: a cap on the log: no inf, and no loss above 100.\n",
        "ch5-q4-check": "Correct: which way did the loss move, and why? Say it in your comment.\n",
    },
}


def tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def text_outputs(cell) -> list[str]:
    """The text a reader sees under a code cell: streams and text/plain results."""
    texts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            texts.append(output["text"])
        elif output["output_type"] in ("execute_result", "display_data"):
            texts.append(output.get("data", {}).get("text/plain", ""))
    return texts


def printed_pieces(cell) -> list[str]:
    """Like ``text_outputs``, but one stream's consecutive pieces joined as they are: on a
    busy machine a cell's stdout can arrive in several pieces, cut anywhere."""
    pieces: list[tuple[str, str]] = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            if pieces and pieces[-1][0] == output["name"]:
                pieces[-1] = (output["name"], pieces[-1][1] + output["text"])
            else:
                pieces.append((output["name"], output["text"]))
        elif output["output_type"] in ("execute_result", "display_data"):
            pieces.append(("", output.get("data", {}).get("text/plain", "")))
    return [text for _, text in pieces]


def stderr_of(cell) -> str:
    return "".join(o["text"] for o in cell.get("outputs", [])
                   if o["output_type"] == "stream" and o["name"] == "stderr")


def test_all_chapters_present():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(CHAPTERS)
    assert sorted(EXPECTED) == sorted(CHAPTERS)


@pytest.mark.parametrize("name", CHAPTERS)
def test_stored_without_outputs(name):
    nb = nbformat.read(present(name), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} of {name} is stored with outputs"
            assert cell.execution_count is None, f"cell {i} of {name} has an execution count"


_executed: dict[str, nbformat.NotebookNode | Exception] = {}


def present(name: str) -> Path:
    path = NOTEBOOKS / name
    assert path.exists(), f"chapter notebook {name} is missing"
    return path


def executed(name: str, capsys) -> nbformat.NotebookNode:
    """Run the notebook once in a fresh kernel (cwd = notebooks/); cache the result."""
    if name not in _executed:
        nb = nbformat.read(present(name), as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOKS)}})
        start = time.perf_counter()
        try:
            client.execute()  # raises CellExecutionError on an error (unless tagged raises-exception)
        except Exception as error:  # remember it: the next test on this notebook fails at once
            _executed[name] = error
            raise
        seconds = time.perf_counter() - start
        with capsys.disabled():
            note = "" if seconds <= TARGET else f"  (over the {TARGET} s target)"
            print(f"\n  {name}: ran in {seconds:.1f} s{note}")
        assert seconds < HARD_CEILING, f"{name} took {seconds:.1f} s"
        _executed[name] = nb
    if isinstance(_executed[name], Exception):
        raise _executed[name]
    return _executed[name]


@pytest.mark.parametrize("name", CHAPTERS)
def test_runs_clean(name, capsys):
    nb = executed(name, capsys)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o["output_type"] == "error"]
        if "raises-exception" not in tags(cell):
            assert not errors, f"cell {i} of {name} raised {errors[0]['ename']}"
        stderr = stderr_of(cell)
        if "raises-warning" in tags(cell):
            assert stderr, f"cell {i} of {name} is tagged raises-warning but warns of nothing"
        else:
            assert not stderr, f"cell {i} of {name} wrote to stderr:\n{stderr}"


def test_a_stdout_cut_in_pieces_is_read_whole():
    cell = nbformat.v4.new_code_cell("print(...)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="np.zeros(2):  float64\nnp.ey"),
        nbformat.v4.new_output("stream", name="stdout", text="e(2):  float64\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1)])
    assert printed_pieces(cell) == ["np.zeros(2):  float64\nnp.eye(2):  float64\n", "42"]


@pytest.mark.parametrize("name", CHAPTERS)
def test_prints_the_outline_numbers(name, capsys):
    nb = executed(name, capsys)
    text = "\n".join(t for cell in nb.cells if cell.cell_type == "code" for t in printed_pieces(cell))
    missing = [s for s in EXPECTED[name] if s not in text]
    assert not missing, f"{name} does not print {missing}"


@pytest.mark.parametrize("name", sorted(EXACT_OUTPUTS))
def test_prints_exact_cell_outputs(name, capsys):
    nb = executed(name, capsys)
    printed = {cell.get("id"): "".join(text_outputs(cell))
               for cell in nb.cells if cell.cell_type == "code"}
    for cell_id, expected in EXACT_OUTPUTS[name].items():
        assert cell_id in printed, f"{name} has no code cell {cell_id!r}"
        assert printed[cell_id] == expected, f"{name}, cell {cell_id}"


def test_no_machine_paths_in_outputs(capsys):
    """Warnings are shown as their text, never with the kernel's file paths."""
    for name in CHAPTERS:
        nb = executed(name, capsys)
        for cell in nb.cells:
            if cell.cell_type == "code":
                text = "".join(text_outputs(cell))
                assert "/tmp/" not in text and "ipykernel_" not in text, (name, cell.get("id"))


KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
FOLDED = {"tags": ["hide-input"], "jupyter": {"source_hidden": True},
          "mystnb": {"code_prompt_show": "Show the plotting code",
                     "code_prompt_hide": "Hide the plotting code"}}


def is_plotting(cell) -> bool:
    """A cell that draws a figure or a slider (its code is about matplotlib, not the loss)."""
    return cell.cell_type == "code" and any(
        marker in cell.source for marker in ("plt.subplots", "def draw(", "plt.show()"))


@pytest.mark.parametrize("name", CHAPTERS)
def test_pages_a_teacher_would_hand_out(name):
    """Same kernelspec, plotting code folded, lines of at most 88 characters, no template text."""
    nb = nbformat.read(present(name), as_version=4)
    assert nb.metadata["kernelspec"] == KERNELSPEC
    plotting = [cell for cell in nb.cells if is_plotting(cell)]
    for cell in plotting:
        assert {key: cell.metadata.get(key) for key in FOLDED} == FOLDED, cell.get("id")
    for cell in nb.cells:
        assert "The exercises for this chapter follow." not in cell.source, cell.get("id")
        assert ".qK" not in cell.source, cell.get("id")
        if cell.cell_type == "code":
            long = [line for line in cell.source.splitlines() if len(line) > 88]
            assert not long, (cell.get("id"), long)
    exercises = nb.cells[[c.source.startswith("## Exercises") for c in nb.cells].index(True)]
    assert len(exercises.source.split()) > 20  # says what the exercises are about


def test_chapters_open_and_close_the_same_way():
    """A numbered title first (the number its file name starts with); an ``## Exercises``
    heading after the summary."""
    for name in CHAPTERS:
        number = int(name[:2])
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        first = nb.cells[0]
        title = first.source
        if title.startswith("(") and ")=\n" in title:  # a MyST label such as (why-log)= first
            title = title.split("\n", 1)[1]
        assert first.cell_type == "markdown" and title.startswith(f"# {number}. "), name
        lines = [line for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()]
        assert "## Summary" in lines, name
        assert "## Exercises" in lines, name
        assert lines.index("## Summary") < lines.index("## Exercises"), name
