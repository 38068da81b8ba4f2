"""lossbook against the frameworks the book runs: Keras (JAX backend) and PyTorch.

Seeded random batches: sparse and one-hot targets, soft targets, logits (some
large), float32 and float64. Keras computes in float32 whatever it is given, so it
is compared with a float32 tolerance; PyTorch keeps float64.

The frameworks are part of the test setup (``make test`` installs
requirements-frameworks.txt); without them these tests fail, they do not skip.
"""
from __future__ import annotations

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import lossbook as lb  # noqa: E402

SEEDS = range(8)


def batch(seed, dtype):
    rng = np.random.default_rng(seed)
    n, k = rng.integers(1, 40), rng.integers(2, 8)
    logits = rng.normal(scale=rng.choice([1.0, 5.0, 40.0]), size=(n, k))
    probs = lb.Softmax().forward(logits)
    labels = rng.integers(0, k, size=n)
    soft = rng.dirichlet(np.ones(k), size=n)
    return logits.astype(dtype), probs.astype(dtype), labels, soft.astype(dtype)


def test_keras_runs_on_jax():
    assert keras.backend.backend() == "jax"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_keras_probabilities(seed, dtype):
    _, probs, labels, soft = batch(seed, dtype)
    one_hot = np.eye(probs.shape[1], dtype=dtype)[labels]
    ours = lb.CategoricalCrossentropy()
    np.testing.assert_allclose(keras.losses.SparseCategoricalCrossentropy()(labels, probs),
                               ours.calculate(probs, labels), rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(keras.losses.CategoricalCrossentropy()(one_hot, probs),
                               ours.calculate(probs, one_hot), rtol=2e-6, atol=1e-6)
    np.testing.assert_allclose(keras.losses.CategoricalCrossentropy()(soft, probs),
                               ours.calculate(probs, soft), rtol=2e-6, atol=1e-6)
    per_sample = keras.losses.SparseCategoricalCrossentropy(reduction=None)(labels, probs)
    np.testing.assert_allclose(per_sample, ours.forward(probs, labels), rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_keras_logits(seed, dtype):
    logits, _, labels, soft = batch(seed, dtype)
    ours = lb.CategoricalCrossentropy(from_logits=True)
    keras_sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    np.testing.assert_allclose(keras_sparse, ours.calculate(logits, labels), rtol=2e-6, atol=1e-5)
    keras_soft = keras.losses.CategoricalCrossentropy(from_logits=True)(soft, logits)
    np.testing.assert_allclose(keras_soft, ours.calculate(logits, soft), rtol=2e-6, atol=1e-5)
    smoothed = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)(soft, logits)
    k = logits.shape[1]
    np.testing.assert_allclose(smoothed, ours.calculate(logits, 0.9 * soft + 0.1 / k), rtol=2e-6, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", SEEDS)
def test_torch_cross_entropy(seed, dtype):
    logits, probs, labels, soft = batch(seed, dtype)
    tol = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    ours = lb.CategoricalCrossentropy(from_logits=True)
    z = torch.from_numpy(logits)
    sparse = torch.nn.functional.cross_entropy(z, torch.from_numpy(labels))
    np.testing.assert_allclose(sparse.item(), ours.calculate(logits, labels), **tol)
    per_sample = torch.nn.functional.cross_entropy(z, torch.from_numpy(labels), reduction="none")
    np.testing.assert_allclose(per_sample.numpy(), ours.forward(logits, labels), **tol)
    with_soft = torch.nn.functional.cross_entropy(z, torch.from_numpy(soft))
    np.testing.assert_allclose(with_soft.item(), ours.calculate(logits, soft), **tol)
    # probabilities, through log and nll_loss (clipping changes nothing for these values)
    log_p = torch.log(torch.from_numpy(np.clip(probs, 1e-7, 1 - 1e-7)))
    nll = torch.nn.functional.nll_loss(log_p, torch.from_numpy(labels))
    np.testing.assert_allclose(nll.item(), lb.CategoricalCrossentropy().calculate(probs, labels), **tol)


def test_huge_logits_agree_exactly():
    logits = np.array([[1000.0, 0.0, -1000.0]] * 3)
    labels = np.array([0, 1, 2])
    ours = lb.CategoricalCrossentropy(from_logits=True).forward(logits, labels)
    theirs = torch.nn.functional.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels),
                                               reduction="none").numpy()
    keras_values = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    np.testing.assert_array_equal(ours, [0.0, 1000.0, 2000.0])
    np.testing.assert_array_equal(theirs, ours)
    np.testing.assert_array_equal(np.asarray(keras_values), ours)


def test_the_seed_example():
    y_true, y_pred = np.array([1, 2]), np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    keras_value = keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred)
    assert str(keras_value) == "1.1769392"
    ours = lb.CategoricalCrossentropy().calculate(y_pred, y_true)
    assert repr(float(ours)) == "1.176939193690798"
    assert np.float32(keras_value) == np.float32(ours)


def test_missing_frameworks_say_one_line_or_fail_the_build(monkeypatch, capsys):
    from lossbook import frameworks

    error = ImportError("No module named 'keras'", name="keras")
    monkeypatch.setenv("LOSSBOOK_REQUIRE_FRAMEWORKS", "1")
    with pytest.raises(ImportError, match="requirements-frameworks.txt"):
        frameworks.without_them(error)
    monkeypatch.delenv("LOSSBOOK_REQUIRE_FRAMEWORKS")
    frameworks.without_them(error)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "pip install -r requirements-frameworks.txt" in out
    cell = ["import numpy as np\n", "a = np.log(2)\n", "k = keras.losses.X()(a)\n",
            "with ctx() as caught:\n", "    t = torch.ones(3)\n", "print(k, len(caught))\n",
            "print(a)\n"]
    assert frameworks.without_framework_lines(cell) == [cell[0], cell[1], cell[6]]
    assert frameworks.without_framework_lines(["x = keras.X()\n"]) == ["pass\n"]
    assert frameworks.without_framework_lines(cell[:2]) == cell[:2]
    assert frameworks.without_framework_lines(["def f(:\n"]) == ["def f(:\n"]
    # a name left out in one cell stays out in the next, until code that runs binds it
    assert frameworks.without_framework_lines(["print(k)\n"]) == ["pass\n"]
    assert frameworks.without_framework_lines(["k = 1\n", "print(k)\n"]) == ["k = 1\n", "print(k)\n"]
    assert frameworks.without_framework_lines(["print(k)\n"]) == ["print(k)\n"]
    loop = ["for k in range(2):\n", "    print(k)\n"]   # binds k itself: runs
    assert frameworks.without_framework_lines(["k = torch.ones(1)\n"]) == ["pass\n"]
    assert frameworks.without_framework_lines(loop) == loop
