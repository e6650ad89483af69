"""Perturbations checked against independent references: numpy on large samples, and token counts."""

import numpy as np
import pandas as pd
import pytest

from analysis.robustness import (
    PERTURBATIONS,
    QWERTY_NEIGHBOURS,
    ColumnKinds,
    FoldReference,
    RobustnessError,
    UnknownPerturbationError,
    drop_tokens,
    swap_tokens,
    typo,
    typo_tokens,
)

N = 200_000


def test_noise_has_the_stated_standard_deviation_per_feature():
    # Reference: numpy's sample standard deviation of (perturbed - original) over 200,000 rows; the
    # training fold's std is computed independently with numpy (ddof=1). Sampling error of a std
    # estimate is sigma / sqrt(2n) = 0.16%: 1% is over 6 standard errors.
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"a": rng.normal(0, 3.0, 1000), "b": rng.normal(10, 0.2, 1000)})
    test = pd.DataFrame({"a": rng.normal(0, 3.0, N), "b": rng.normal(10, 0.2, N)})
    kinds = ColumnKinds(numeric=("a", "b"))
    ref = FoldReference.from_frame(train, kinds)
    for s in (0.1, 0.5, 1.0):
        out = PERTURBATIONS["gaussian_noise"].apply(test, s, np.random.default_rng(1), columns=kinds, reference=ref)
        for c in ("a", "b"):
            expected = s * np.std(train[c].to_numpy(), ddof=1)
            got = np.std(out[c].to_numpy() - test[c].to_numpy(), ddof=1)
            assert got == pytest.approx(expected, rel=0.01)
            assert np.mean(out[c].to_numpy() - test[c].to_numpy()) == pytest.approx(0, abs=4 * expected / np.sqrt(N))


def test_scaling_multiplies_each_column_by_one_plus_s_or_its_inverse():
    frame = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [-4.0, 0.0, 8.0]})
    out = PERTURBATIONS["scaling"].apply(frame, 0.5, np.random.default_rng(3))
    for c in frame:
        ratio = (out[c] / frame[c]).dropna()
        ratio = ratio[np.isfinite(ratio)]
        assert ratio.nunique() == 1 and ratio.iloc[0] in (pytest.approx(1.5), pytest.approx(1 / 1.5))
    assert np.isnan(out["a"].iloc[2])


def test_category_flips_happen_at_rate_p_and_only_to_other_observed_values():
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"c": ["a", "b", "c", "d"] * 10})
    values = rng.choice(np.array(["a", "b", "c", "z"], dtype=object), N)  # "z" never seen in training
    values[:1000] = None
    test = pd.DataFrame({"c": values})
    kinds = ColumnKinds(categorical=("c",))
    ref = FoldReference.from_frame(train, kinds)
    p = 0.3
    out = PERTURBATIONS["category_flip"].apply(test, p, np.random.default_rng(5), columns=kinds, reference=ref)
    before, after = test["c"], out["c"]
    present = before.notna().to_numpy()
    changed = present & (before.to_numpy() != after.to_numpy())
    # binomial reference: rate p with standard error sqrt(p(1-p)/n)
    assert changed.sum() / present.sum() == pytest.approx(p, abs=4 * np.sqrt(p * (1 - p) / present.sum()))
    assert set(after[changed]) <= {"a", "b", "c", "d"}  # observed in the training fold ("z" is not)
    assert after[~present].isna().all()  # missing stays missing
    # each flip goes to another value, uniformly: from "a", each of b, c, d about a third of the time
    from_a = after[changed & (before == "a").to_numpy()]
    shares = from_a.value_counts(normalize=True)
    assert set(shares.index) == {"b", "c", "d"}
    assert np.allclose(shares.to_numpy(), 1 / 3, atol=0.02)


def test_missing_values_injected_at_rate_p_in_every_kind():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=N), "c": rng.choice(np.array(["u", "v"], dtype=object), N)})
    out = PERTURBATIONS["missing"].apply(frame, 0.2, np.random.default_rng(2),
                                         columns=ColumnKinds(numeric=("x",), categorical=("c",)))
    for c in frame:
        assert out[c].isna().mean() == pytest.approx(0.2, abs=4 * np.sqrt(0.2 * 0.8 / N))
    kept = out["x"].notna()
    assert (out["x"][kept] == frame["x"][kept]).all()


TEXT = pd.Series(["the quick brown fox jumps over the lazy dog", None, "hello world", "a", "",
                  "Great value for money. Five stars."] * 50, dtype=object)


def _tokens(col):
    return [str(v).split() for v in col if v is not None]


@pytest.mark.parametrize("p", [0.05, 0.1, 0.3, 0.5, 1.0])
def test_typos_change_exactly_the_stated_share_of_tokens(p):
    out = typo_tokens(TEXT, p, np.random.default_rng(0))
    before, after = _tokens(TEXT), _tokens(out)
    n = sum(len(t) for t in before)
    assert [len(t) for t in after] == [len(t) for t in before]  # every token stays one token
    changed = sum(a != b for ta, tb in zip(before, after) for a, b in zip(ta, tb))
    assert changed == int(np.floor(p * n + 0.5))
    assert out.isna().sum() == TEXT.isna().sum()


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_word_dropout_removes_exactly_the_stated_share(p):
    out = drop_tokens(TEXT, p, np.random.default_rng(0))
    before, after = _tokens(TEXT), _tokens(out)
    n = sum(len(t) for t in before)
    assert sum(len(t) for t in after) == n - int(np.floor(p * n + 0.5))
    for ta, tb in zip(before, after):  # what is left is in its original order
        it = iter(ta)
        assert all(tok in it for tok in tb)


def test_word_swap_moves_exactly_two_tokens_per_swap():
    col = pd.Series([" ".join(f"w{i}_{j}" for j in range(7)) for i in range(40)], dtype=object)  # distinct tokens
    out = swap_tokens(col, 0.2, np.random.default_rng(0))
    before, after = _tokens(col), _tokens(out)
    moved = sum(a != b for ta, tb in zip(before, after) for a, b in zip(ta, tb))
    assert moved == 2 * int(np.floor(0.2 * 280 / 2 + 0.5))
    assert [sorted(t) for t in after] == [sorted(t) for t in before]


def test_every_typo_changes_its_token_and_keys_come_from_the_written_keyboard():
    rng = np.random.default_rng(0)
    for token in ["a", "aa", "ab", "Hello", "...", "7", "zzzz"]:
        for _ in range(50):
            t = typo(token, rng)
            assert t != token and len(t.split()) == 1
    # Reference: a QWERTY keyboard, read off by hand
    assert set(QWERTY_NEIGHBOURS["f"]) == set("drtgvc")
    assert set(QWERTY_NEIGHBOURS["q"]) == set("12wa")


def test_strength_zero_returns_the_frame_unchanged_and_input_is_never_mutated():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"], "t": ["one two three"] * 3})
    copy = frame.copy()
    for _name, kind in PERTURBATIONS.items():
        pd.testing.assert_frame_equal(kind.apply(frame, 0.0, np.random.default_rng(0)), copy)
        kind.apply(frame, 0.5, np.random.default_rng(0))
        pd.testing.assert_frame_equal(frame, copy)


def test_registry_entries_explain_themselves_and_refuse_bad_input():
    for kind in PERTURBATIONS.values():
        assert kind.explanation and set(kind.applies_to) <= {"numeric", "categorical", "text"}
        assert kind.strengths == tuple(sorted(kind.strengths)) and len(kind.strengths) == 5
    with pytest.raises(UnknownPerturbationError, match="choose one of: gaussian_noise"):
        PERTURBATIONS["nope"]
    with pytest.raises(RobustnessError, match="at least 0"):
        PERTURBATIONS["missing"].apply(pd.DataFrame({"x": [1.0]}), -0.1, np.random.default_rng(0))


def test_numeric_kinds_perturb_the_block_at_once_exactly_as_column_by_column():
    # The vectorised path (one array operation) against the base class's column-by-column path
    from analysis.robustness import Perturbation

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(5, 2, 300), "c": ["x", "y", "z"] * 100})
    frame.loc[3, "a"] = np.nan
    kinds = ColumnKinds(numeric=("a", "b"), categorical=("c",))
    ref = FoldReference.from_frame(frame, kinds)
    for name in ("gaussian_noise", "scaling"):
        fast = PERTURBATIONS[name].apply(frame, 0.5, np.random.default_rng(1), columns=kinds, reference=ref)
        slow = Perturbation.apply(PERTURBATIONS[name], frame, 0.5, np.random.default_rng(1), columns=kinds,
                                  reference=ref)
        pd.testing.assert_frame_equal(fast[["a", "b"]], slow[["a", "b"]])
        assert (fast["c"] == frame["c"]).all()
