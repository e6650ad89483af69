"""Augmentation strategies and template synthesis, each checked against an independent reference (numpy, itertools)."""

import itertools

import numpy as np
import pandas as pd
import pytest

from analysis.augment import (
    AUGMENTATIONS,
    Layout,
    TemplateError,
    TemplateSet,
    augment_data,
    eda_words,
    load_templates,
    parse_template,
    synthesize,
)

LAYOUT = Layout(numeric=("a", "b", "c"), categorical=(), text=(), classes=(0, 1))


@pytest.fixture(scope="module")
def numeric_fold():
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.normal(size=24), "b": rng.normal(5, 3, size=24), "c": rng.uniform(size=24)})
    y = np.array([0] * 14 + [1] * 10)
    return X, y


def _segment(z: np.ndarray, xi: np.ndarray, xj: np.ndarray) -> float | None:
    """lam with z = lam * xi + (1 - lam) * xj (numpy least squares), or None when z is off the segment."""
    d = xi - xj
    lam = float(np.dot(z - xj, d) / np.dot(d, d))
    if not (-1e-9 <= lam <= 1 + 1e-9) or not np.allclose(lam * xi + (1 - lam) * xj, z, atol=1e-9):
        return None
    return lam


def test_mixup_rows_lie_on_segments_between_two_training_rows_of_their_class(numeric_fold):
    X, y = numeric_fold
    aug = AUGMENTATIONS["mixup"].make_augmenter(LAYOUT, seed=1)
    Xa, ya = aug.fit_resample(X, y)
    assert len(Xa) == 2 * len(X) and aug.sample_weight_ is None
    pd.testing.assert_frame_equal(Xa.iloc[: len(X)], X)  # originals first, untouched
    V = X.to_numpy()
    for z, label in zip(Xa.iloc[len(X):].to_numpy(), ya[len(X):], strict=True):
        same = np.flatnonzero(y == label)
        # Reference: brute force over every pair of training rows of that class.
        assert any(_segment(z, V[i], V[j]) is not None for i, j in itertools.combinations(same, 2))


def test_mixup_across_classes_takes_the_label_and_weight_of_the_larger_share(numeric_fold):
    X, y = numeric_fold
    aug = AUGMENTATIONS["mixup_across"].make_augmenter(LAYOUT, seed=2)
    Xa, ya = aug.fit_resample(X, y)
    V = X.to_numpy()
    w = aug.sample_weight_
    assert w is not None and np.all(w[: len(X)] == 1)
    for z, label, weight in zip(Xa.iloc[len(X):].to_numpy(), ya[len(X):], w[len(X):], strict=True):
        found = False
        for i, j in itertools.permutations(range(len(V)), 2):
            lam = _segment(z, V[i], V[j])
            if lam is not None and lam >= 0.5:
                found = found or (label == y[i] and np.isclose(weight, lam))
        assert found


def test_noise_copies_have_the_stated_standard_deviation():
    rng = np.random.default_rng(0)
    n = 6000
    X = pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(100, 20, n), "c": rng.exponential(3, n)})
    y = np.zeros(n, dtype=np.int64)
    y[::2] = 1
    spec = AUGMENTATIONS["gaussian_noise"]
    Xa, ya = spec.make_augmenter(LAYOUT, seed=0).fit_resample(X, y)
    assert len(Xa) == (1 + spec.copies) * n and np.array_equal(ya[n:], np.tile(y, spec.copies))
    noise = Xa.iloc[n:].to_numpy() - np.tile(X.to_numpy(), (spec.copies, 1))
    # Reference: numpy's std of the noise over 12,000 draws against sigma x the column's std
    # (the sample sd of N draws has relative error ~ 1/sqrt(2N) = 0.6%; 3% is 5 of those).
    ratio = noise.std(axis=0) / (spec.sigma * X.to_numpy().std(axis=0))
    assert np.allclose(ratio, 1.0, atol=0.03), ratio
    assert np.allclose(noise.mean(axis=0) / X.to_numpy().std(axis=0), 0.0, atol=0.01)


def test_feature_swap_takes_every_value_from_a_row_of_the_same_class(numeric_fold):
    X, y = numeric_fold
    Xa, ya = AUGMENTATIONS["feature_swap"].make_augmenter(LAYOUT, seed=4).fit_resample(X, y)
    for z, label in zip(Xa.iloc[len(X):].to_numpy(), ya[len(X):], strict=True):
        rows = X.to_numpy()[y == label]
        for k in range(X.shape[1]):
            assert z[k] in rows[:, k]
        # exactly round(0.3 x 3) = 1 column comes from another row: two values share one source row
        assert max(int((rows == z).sum(axis=1).max()), 0) >= 2


def test_smote_grows_every_class_by_its_size_with_imbalanced_learn(numeric_fold):
    X, y = numeric_fold
    Xa, ya = AUGMENTATIONS["smote_all"].make_augmenter(LAYOUT, seed=0).fit_resample(X, y)
    assert np.bincount(ya).tolist() == [28, 20]
    # every synthetic row lies within its class's range on each feature (an interpolation)
    for k in (0, 1):
        syn = Xa.iloc[len(X):][ya[len(X):] == k].to_numpy()
        orig = X.to_numpy()[y == k]
        assert (syn >= orig.min(axis=0) - 1e-9).all() and (syn <= orig.max(axis=0) + 1e-9).all()


def test_eda_only_uses_words_of_the_row():
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(40)]
    changed = 0
    for _ in range(300):
        text = " ".join(rng.choice(vocab, int(rng.integers(2, 15))))
        out = eda_words(text, rng, 0.2)
        assert set(out.split()) <= set(text.split())
        changed += out != text
    assert changed > 200  # it does change rows (a swap of two equal words can leave one unchanged)


def test_text_eda_strategy_copies_rows_and_keeps_other_columns():
    df = pd.DataFrame({"t": [f"the item number {i} is {'good' if i % 2 else 'bad'} indeed" for i in range(40)],
                       "y": ["p", "n"] * 20})
    data = augment_data(df, target="y")
    assert data.layout.text == ("t",)
    Xa, ya = AUGMENTATIONS["eda"].make_augmenter(data.layout, seed=0).fit_resample(data.X, data.y)
    assert len(Xa) == 80 and np.array_equal(ya[40:], data.y)
    for a, b in zip(Xa["t"][40:], data.X["t"], strict=True):
        assert set(a.split()) <= set(b.split())


def test_numeric_strategies_skip_a_text_only_table_with_a_reason():
    layout = Layout(numeric=(), categorical=(), text=("t",), classes=("a", "b"))
    for name in ("gaussian_noise", "mixup", "mixup_across", "smote_all"):
        reason = AUGMENTATIONS[name].skip_reason(layout, class_rows={"a": 50, "b": 50}, templates=None)
        assert reason and "numeric" in reason
    assert AUGMENTATIONS["eda"].skip_reason(layout, class_rows={"a": 50, "b": 50}, templates=None) is None


SPEC = {"templates": [{"template": "I want to {action} my {item} {when}", "label": "refund"},
                      {"template": "{item} arrived {{fine}}", "label": "ok"}],
        "slots": {"action": ["return", "send back"], "item": ["order", "shoes", "bag"],
                  "when": ["now", "today", "asap", "this week"]}}


def test_template_synthesis_makes_exactly_the_product_of_the_slot_sizes():
    ts = load_templates(SPEC)
    rows = synthesize(ts)
    # Reference: itertools.product over the value lists, filled with plain concatenation.
    s = SPEC["slots"]
    expected = [f"I want to {a} my {i} {w}" for a, i, w in itertools.product(s["action"], s["item"], s["when"])]
    expected += [f"{i} arrived {{fine}}" for i in s["item"]]
    assert ts.n_combinations == 2 * 3 * 4 + 3 == len(rows)
    assert rows["text"].tolist() == expected
    assert rows["label"].tolist() == ["refund"] * 24 + ["ok"] * 3
    sample = synthesize(ts, n=10, seed=5)
    assert len(sample) == 10 and sample["text"].is_unique and set(sample["text"]) <= set(expected)
    assert sample.equals(synthesize(ts, n=10, seed=5))


@pytest.mark.parametrize("spec, words", [
    ({"templates": [{"template": "I {verb} it", "label": "a"}], "slots": {"noun": ["x"]}}, "no value list"),
    ({"templates": [{"template": "I {verb} it", "label": "a"}], "slots": {"verb": []}}, "empty value list"),
    ({"templates": [{"template": "I {0.__class__} it", "label": "a"}], "slots": {}}, "slot name is a word"),
    ({"templates": [{"template": "I {verb it", "label": "a"}], "slots": {"verb": ["x"]}}, "without closing"),
    ({"templates": [], "slots": {}}, "non-empty list"),
    ({"templates": [{"template": "{a}{b}{c}", "label": "a"}],
      "slots": {k: [str(i) for i in range(50)] for k in "abc"}}, "125,000 combinations"),
])
def test_bad_templates_are_refused_with_a_clear_message(spec, words):
    with pytest.raises(TemplateError, match=words):
        TemplateSet.from_dict(spec)


def test_templates_from_json_text_and_parsing():
    assert load_templates('{"templates": [{"template": "hi {x}", "label": 1}], "slots": {"x": ["a"]}}').n_combinations == 1
    with pytest.raises(TemplateError, match="not valid JSON"):
        load_templates("{nope")
    assert parse_template("a {x} b {x}") == (("a ", " b ", ""), ("x", "x"))
    ts = load_templates({"templates": [{"template": "{x} and {x}", "label": 1}], "slots": {"x": ["a", "b"]}})
    assert synthesize(ts)["text"].tolist() == ["a and a", "b and b"]  # a repeated slot takes one value
