"""Outlier scores on a sampled table: the rows outside the sample with a value beyond its range are scored too.

References: scikit-learn's IsolationForest fitted on the sampled rows' matrix with the same seed (its
``score_samples`` on the extra rows' values, encoded by hand: the sample's medians and category codes);
the candidate rows recomputed with pandas (a finite number outside the sample's [min, max] in some
numeric column); the sample's rows from ``stratified_positions``.
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from analysis.overview import OutlierSettings, outlier_summary
from analysis.rowsample import stratified_positions

outliers_module = importlib.import_module("analysis.overview.outliers")  # `analysis.overview` is also a function
SETTINGS = OutlierSettings(max_rows=400, seed=3)


def _beyond_note_of(summary) -> str:
    return next(n for n in summary.notes if n.startswith("Outside the sample"))


def _table(n: int = 4000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.choice(["a", "b"], n, p=[0.9, 0.1])
    return pd.DataFrame({
        "x": rng.normal(size=n), "w": rng.exponential(size=n).round(3),
        "c": pd.Series(rng.choice(["red", "green", "blue"], n), dtype="str"), "y": y,
    })


def _outside_sample(df: pd.DataFrame, k: int) -> tuple[np.ndarray, np.ndarray]:
    rows = stratified_positions(len(df), df["y"], sample_rows=SETTINGS.max_rows, seed=SETTINGS.seed)
    rest = np.setdiff1d(np.arange(len(df)), rows)
    return rows, rest[[10, len(rest) // 2, len(rest) - 5]][:k]


def test_absurd_values_outside_the_sample_are_found_and_scored_as_sklearn_scores_them():
    from sklearn.ensemble import IsolationForest

    df = _table()
    rows, needles = _outside_sample(df, 3)
    df.loc[needles, "x"] = [250.0, -400.0, 1e6]
    df.loc[needles[2], "c"] = "violet"  # a category the sample lacks: the code after the sample's
    s = outlier_summary(df, target="y", settings=SETTINGS)
    assert s.sampled and s.rows.tolist() == rows.tolist()
    assert s.beyond is not None and set(needles) <= set(s.beyond.rows.tolist())

    # reference candidates: a finite number outside the sample's range in a numeric column, outside the sample
    sample = df.iloc[rows]
    outside = np.zeros(len(df), dtype=bool)
    for c in ("x", "w"):
        outside |= ((df[c] < sample[c].min()) | (df[c] > sample[c].max())).to_numpy()
    assert s.beyond.rows.tolist() == np.flatnonzero(outside).tolist() and s.beyond.candidates == int(outside.sum())

    # reference scores: the forest fitted on the sample's matrix, scoring the extra rows encoded by hand
    codes, uniques = pd.factorize(sample["c"])
    x_sample = np.column_stack([sample["x"], sample["w"], codes]).astype(np.float32)
    forest = IsolationForest(n_estimators=100, random_state=SETTINGS.seed).fit(x_sample)
    extra = df.iloc[s.beyond.rows]
    extra_codes = pd.Index(uniques).get_indexer(extra["c"])
    extra_codes[extra_codes < 0] = len(uniques)
    x_extra = np.column_stack([extra["x"], extra["w"], extra_codes]).astype(np.float32)
    np.testing.assert_allclose(s.beyond.scores, -forest.score_samples(x_extra))
    np.testing.assert_allclose(s.scores, -forest.score_samples(x_sample))

    flagged = set(s.beyond.rows[s.beyond.scores >= SETTINGS.threshold].tolist())
    assert set(needles) <= flagged and s.beyond.n_flagged == len(flagged)
    assert s.verdict == "outliers" and "Outside the sample" in s.verdict_text
    # the top rows: sample and extra rows together, highest score first (a value beyond the training range
    # follows the branch of the range's end, so an isolation forest ranks it with the sample's extremes)
    merged = pd.DataFrame({"row": np.r_[s.rows, s.beyond.rows], "score": np.r_[s.scores, s.beyond.scores]})
    expected = merged.sort_values("score", ascending=False, kind="stable").head(SETTINGS.top)
    pd.testing.assert_frame_equal(s.top_rows(), expected.reset_index(drop=True), check_dtype=False)
    assert set(needles) <= set(s.top_rows()["row"].tolist())
    d = s.to_dict()
    listed = sorted(((float(v), int(r)) for r, v in zip(s.beyond.rows, s.beyond.scores) if v >= SETTINGS.threshold),
                    key=lambda t: -t[0])
    assert {k: v for k, v in d["beyond_sample"].items() if k != "farthest"} == {
        "rule": d["beyond_sample"]["rule"], "candidates": int(outside.sum()), "rows_scored": int(outside.sum()),
        "n_flagged": len(flagged), "flagged": [{"row": r, "score": v} for v, r in listed]}
    # how far beyond, by hand: per row the column with the largest excess over the sample's range, in widths of it
    ref = []
    for r in s.beyond.rows:
        best = ("x", 0.0, df.at[r, "x"])
        for c in ("x", "w"):
            lo, hi, v = sample[c].min(), sample[c].max(), df.at[r, c]
            far = max(lo - v, v - hi, 0.0) / (hi - lo)
            if far > best[1]:
                best = (c, far, v)
        ref.append((-best[1], int(r), best[0], float(best[2])))
    ref.sort(key=lambda t: t[0])  # farthest first; ties keep the rows' order (stable)
    far = s.beyond.farthest_rows()
    assert far["row"].tolist() == [t[1] for t in ref] and far["column"].tolist() == [t[2] for t in ref]
    np.testing.assert_allclose(far["widths_beyond"], [-t[0] for t in ref])
    np.testing.assert_allclose(far["value"], [t[3] for t in ref])
    assert d["beyond_sample"]["farthest"][0]["row"] == ref[0][1] and len(d["beyond_sample"]["farthest"]) == len(ref)
    assert f"The farthest beyond it: row {ref[0][1]} (0-based), {ref[0][2]} = " in _beyond_note_of(s)
    named = [str(r) for _, r in listed[:5]]
    assert all(f" {r}" in s.verdict_text for r in named)  # the flagged rows outside the sample, by number
    frame, positions = s.beyond_data(df)
    assert positions.tolist() == [r for _, r in listed]
    pd.testing.assert_frame_equal(frame.drop(columns="outlier_score"), df.iloc[positions].reset_index(drop=True))
    np.testing.assert_allclose(frame["outlier_score"], [v for v, _ in listed])
    assert d["n_flagged"] == int((s.scores >= SETTINGS.threshold).sum())  # the sample's count: extra rows apart
    assert sum(v["rows"] for v in d["per_class"]) == len(rows)
    assert any("Outside the sample" in n for n in d["notes"])


def test_rows_absurd_in_every_column_lead_the_top_rows_though_the_sample_missed_them():
    """What the screen is for: without it these rows are not scored at all (they are not in the sample)."""
    rng = np.random.default_rng(11)
    n = 4000
    df = pd.DataFrame({c: rng.uniform(size=n) for c in ("x", "w", "v")} | {"y": rng.choice(["a", "b"], n, p=[0.9, 0.1])})
    rows, needles = _outside_sample(df, 2)
    df.loc[needles, ["x", "w", "v"]] = [[50.0, 80.0, 30.0], [-20.0, 60.0, -9.0]]
    s = outlier_summary(df, target="y", settings=SETTINGS)
    assert not set(needles) & set(s.rows.tolist())  # the sample missed them
    assert s.beyond is not None and set(needles) <= set(s.beyond.rows[s.beyond.scores >= SETTINGS.threshold].tolist())
    # beyond the range in every column, they isolate quicker than any sampled row (extreme in one column at most)
    assert set(s.top_rows()["row"].head(2)) == set(needles.tolist())
    assert s.beyond.scores.max() > s.scores.max()
    # a threshold between the sample's highest score and theirs: the verdict rests on the extra rows alone
    between = OutlierSettings(max_rows=SETTINGS.max_rows, seed=SETTINGS.seed,
                              threshold=float((s.scores.max() + s.beyond.scores.max()) / 2))
    only = outlier_summary(df, target="y", settings=between)
    assert only.n_flagged == 0 and only.beyond.n_flagged >= 1 and only.verdict == "outliers"
    assert only.verdict_text.startswith(f"Outliers: {only.beyond.n_flagged:,} of the {len(only.beyond.rows):,} rows "
                                        "outside the sample") and f"none of the {len(only.rows):,} sampled" in only.verdict_text


def test_many_candidates_are_scored_as_a_stated_random_subset(monkeypatch):
    monkeypatch.setattr(outliers_module, "MAX_BEYOND_ROWS", 5)
    df = _table(seed=12)
    s = outlier_summary(df, target="y", settings=SETTINGS)
    assert s.beyond is not None and s.beyond.candidates > 5 and len(s.beyond.rows) == 5
    assert np.all(np.diff(s.beyond.rows) > 0)
    assert any("(5 of them, drawn at random)" in n for n in s.notes)


def test_unsampled_tables_have_no_screen():
    s = outlier_summary(_table(300), target="y", settings=SETTINGS)
    assert not s.sampled and s.beyond is None and s.to_dict()["beyond_sample"] is None


def test_missing_numbers_are_not_beyond_the_range():
    """A missing number is imputed with the sample's median before scoring: never a candidate."""
    df = _table(seed=13)
    _, needles = _outside_sample(df, 1)
    df.loc[needles, "x"] = np.nan
    s = outlier_summary(df, target="y", settings=SETTINGS)
    assert s.beyond is not None and needles[0] not in set(s.beyond.rows.tolist())


def test_an_outliers_recipe_from_before_the_check_gives_its_outputs_again():
    """A provenance record written before the rows beyond the sample were scored has no `beyond_sample`: its
    recipe reruns the sample alone (its CSV again, byte for byte); a new record turns the check on. Reference:
    outlier_summary run with the check off and on."""
    from analysis.io import Dataset
    from analysis.provenance.recipes import RECIPES, outliers_parameters

    df = _table(seed=21)
    _, needles = _outside_sample(df, 1)
    df.loc[needles, "x"] = 90.0
    dataset = Dataset.from_frame(df, name="t")
    new = outliers_parameters("y", SETTINGS, protect=False)
    assert new["beyond_sample"] is True
    old = {k: v for k, v in new.items() if k != "beyond_sample"}
    recipe = RECIPES.get("outliers")
    then, _ = recipe.run(dataset, old)
    now, _ = recipe.run(dataset, new)
    off = OutlierSettings(max_rows=SETTINGS.max_rows, seed=SETTINGS.seed, beyond_sample=False)
    assert then.beyond is None and then.top_rows().equals(outlier_summary(df, target="y", settings=off).top_rows())
    assert now.beyond is not None and needles[0] in set(now.top_rows()["row"].tolist())
    assert needles[0] not in set(then.top_rows()["row"].tolist())


@pytest.mark.parametrize(("k", "text"), [(1, "row 0"), (2, "rows 0 and 1"), (3, "rows 0, 1 and 2"),
                                         (7, "rows 0, 1, 2, 3, 4 and 2 more")])
def test_the_flagged_rows_outside_the_sample_are_named_highest_first(k, text):
    def beyond_sample(rows, scores):
        n = len(rows)
        return outliers_module.BeyondSample(n, np.asarray(rows), np.asarray(scores), 0.6, np.full(n, "a", dtype=object),
                                            np.full(n, 2.0), np.full(n, 1.0), {"a": (0.0, 1.0)})

    beyond = beyond_sample(np.arange(k, dtype=np.int64), np.linspace(0.9, 0.7, k))
    assert beyond.flagged_text() == text
    unflagged = beyond_sample([4, 9], [0.5, 0.61])
    assert unflagged.flagged_rows()["row"].tolist() == [9] and unflagged.n_flagged == 1


def test_how_far_beyond_a_range_of_one_value_is_in_units_of_its_size():
    rows = pd.DataFrame({"a": [8.0, 5.0, np.nan], "b": [0.5, -3.0, 2.0]})
    column, value, excess = outliers_module._farthest(rows, {"a": (5.0, 5.0), "b": (0.0, 0.0)})
    # a: |8 - 5| / 5 = 0.6 against b: 0.5 / 1; b: 3 / 1 (a = 5 is within); the missing a leaves b: 2 / 1
    assert column.tolist() == ["a", "b", "b"] and value.tolist() == [8.0, -3.0, 2.0]
    np.testing.assert_allclose(excess, [0.6, 3.0, 2.0])
