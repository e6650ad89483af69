"""Every public entry point of ``analysis`` takes a pandas DataFrame, a Dataset or an Arrow table (issue 13).

The reference for each call is the same function on a plain DataFrame with a
RangeIndex: a Dataset (``Dataset.from_frame``), an Arrow table, and a frame with
another index (as a notebook's filtered frame has) must give the same
``to_dict()``. Anything else is refused by the one coercion, with one message.
"""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import analysis
from analysis import Dataset
from analysis.errors import TableTypeError
from analysis.intake import as_frame, frame_sha256
from analysis.weak import LabelingFunction


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 120
    x1 = rng.normal(size=n)
    y = np.where(x1 + rng.normal(scale=0.7, size=n) > 0.6, "yes", "no")
    flip = rng.random((n, 3)) < 0.15
    ann = np.where(flip, np.where(y[:, None] == "yes", "no", "yes"), y[:, None])
    return pd.DataFrame({
        "x1": x1,
        "x2": rng.integers(0, 5, size=n),
        "g": rng.choice(["north", "south", "east"], size=n, p=[0.5, 0.3, 0.2]),
        "a1": ann[:, 0], "a2": ann[:, 1], "a3": ann[:, 2],
        "lf1": np.where(x1 > 0.5, 1, -1), "lf2": np.where(x1 < -0.5, 0, -1), "lf3": np.where(x1 > 1.0, 1, -1),
        "y": y,
    })


REF = {"north": 0.4, "south": 0.4, "east": 0.2}
LF = LabelingFunction("big_x1", "above", "x1", "yes", threshold=0.5)

#: name -> how to call it on a table (one positional table; shift takes two).
CALLS = {
    "class_balance": lambda t: analysis.class_balance(t, target="y"),
    "duplicate_summary": lambda t: analysis.duplicate_summary(t, target="y"),
    "infer_schema": lambda t: analysis.infer_schema(t),
    "overview": lambda t: analysis.overview(t, target="y", near=None, outliers=None),
    "bias_report": lambda t: analysis.bias_report(t, group="g", reference=REF, target="y"),
    "representation": lambda t: analysis.representation(t, group="g", reference=REF),
    "label_by_group": lambda t: analysis.label_by_group(t, group="g", target="y"),
    "missingness_by_group": lambda t: analysis.missingness_by_group(t, group="g"),
    "intersection_representation": lambda t: analysis.intersection_representation(t, groups=("g", "x2")),
    "shift": lambda t: analysis.shift(t, t, target="y", classifier=False),
    "simulate_sampling": lambda t: analysis.simulate_sampling(t, group="g", repeats=5),
    "poststratification_weights": lambda t: analysis.poststratification_weights(t, group="g", reference=REF),
    "rake": lambda t: analysis.rake(t, margins={"g": REF}),
    "stratified_resample": lambda t: analysis.stratified_resample(t, group="g", reference=REF, n=60),
    "agreement": lambda t: analysis.agreement(t, annotators=["a1", "a2", "a3"]),
    "consensus_labels": lambda t: analysis.consensus_labels(t, annotators=["a1", "a2", "a3"]),
    "label_issues": lambda t: analysis.label_issues(t, target="y", features=["x1", "x2"], folds=3),
    "apply_lfs": lambda t: analysis.apply_lfs(t, [LF]),
    "weak_labels": lambda t: analysis.weak_labels(t, lfs=["lf1", "lf2", "lf3"], labels=[0, 1]),
    "compare_strategies": lambda t: analysis.compare_strategies(
        t, target="y", strategies=["none"], folds=2, n_jobs=1),
    "apply_fix": lambda t: analysis.apply_fix(t, target="y", strategy="random_under"),
    "near_duplicate_summary": lambda t: analysis.near_duplicate_summary(t, target="y"),
    "outlier_summary": lambda t: analysis.outlier_summary(t, target="y"),
    "to_csv_bytes": lambda t: analysis.to_csv_bytes(t),
    "compare_augmentations": lambda t: analysis.compare_augmentations(
        t, target="y", strategies=["none", "gaussian_noise"], folds=2),
    "apply_augmentation": lambda t: analysis.apply_augmentation(t, target="y", strategy="mixup"),
    "build_card": lambda t: analysis.build_card(t, target="y", measure=()),
    "plan_robustness": lambda t: analysis.plan_robustness(
        t, analysis.RobustnessSettings(target="y", perturbations=("gaussian_noise",), folds=2)).splits,
}

#: Public functions whose first parameter is named like a table but is not one.
NOT_TABLES = {"provenance_for"}  # its ``data`` is the written file's bytes


def canon(result) -> str:
    """A comparable form of a result: its ``to_dict()``, a frame's values, or its bytes (timings dropped)."""
    if hasattr(result, "to_dict") and not isinstance(result, pd.DataFrame):
        value = result.to_dict()
    elif isinstance(result, pd.DataFrame):
        value = result.reset_index(drop=True).to_dict("list")
    elif hasattr(result, "data"):
        value = result.data.decode()
    else:
        value = repr(result)
    return json.dumps(value, default=str, sort_keys=True).replace("NaN", "null")


def _timeless(text: str) -> str:
    blob = json.loads(text)

    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not any(w in k for w in ("seconds", "time", "created"))}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v

    return json.dumps(strip(blob), sort_keys=True)


def test_every_public_function_taking_a_table_is_covered():
    """Any public function whose first parameter is a table is in CALLS (a new one must be added)."""
    tables = {"df", "data", "reference"}
    public = [n for n in analysis.__all__ if callable(getattr(analysis, n)) and not inspect.isclass(getattr(analysis, n))]
    taking = {n for n in public if next(iter(inspect.signature(getattr(analysis, n)).parameters), None) in tables}
    taking -= NOT_TABLES
    assert taking == set(CALLS), taking ^ set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_dataset_an_arrow_table_and_a_reindexed_frame_give_what_the_plain_frame_gives(df, name):
    call = CALLS[name]
    expected = _timeless(canon(call(df)))
    reindexed = df.set_axis(pd.Index(np.arange(len(df)) * 3 + 1000), axis=0)
    for other in (Dataset.from_frame(df, name="data", source="test"), pa.Table.from_pandas(df, preserve_index=False), reindexed):
        assert _timeless(canon(call(other))) == expected, type(other).__name__


@pytest.mark.parametrize("name", ["class_balance", "bias_report", "shift", "weak_labels", "to_csv_bytes"])
@pytest.mark.parametrize("bad, says", [
    ([1, 2, 3], "got list"),
    ("data.csv", "read the file first: analysis.load_table(path)"),
    (pd.Series([1, 2]), "use series.to_frame()"),
])
def test_anything_else_is_refused_with_the_same_message_everywhere(name, bad, says):
    with pytest.raises(TableTypeError, match="must be a pandas DataFrame, a Dataset") as info:
        CALLS[name](bad)
    assert says in str(info.value)
    assert isinstance(info.value, analysis.DiagnosticsError)


def test_multiindex_columns_are_refused_with_how_to_flatten():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]))
    with pytest.raises(TableTypeError, match="2-level column names.*Flatten"):
        as_frame(frame)


# --- Dataset.from_frame -------------------------------------------------------------------
def test_from_frame_records_where_it_came_from_and_hashes_the_content(df):
    ds = Dataset.from_frame(df, name="train", source="warehouse query 42")
    assert (ds.name, ds.origin, ds.format) == ("train", "warehouse query 42", "frame")
    assert ds.frame is df  # not copied: the diagnostics never mutate it
    same = [
        df.copy(),
        df.set_axis(pd.Index(np.arange(len(df)) + 7), axis=0),  # the index is not content
        pd.concat([df[["x1"]], df.drop(columns="x1")], axis=1)[list(df.columns)],  # other block layout
    ]
    assert {Dataset.from_frame(f).sha256 for f in same} == {ds.sha256}
    changed = [
        df.assign(x2=df["x2"].astype("float64")),  # dtype
        df.rename(columns={"x1": "x_1"}),  # a name
        df[list(reversed(df.columns))],  # the column order
        df.assign(y=df["y"].where(df.index != 5, "maybe")),  # one value
        df.iloc[:-1],  # one row fewer
    ]
    hashes = {Dataset.from_frame(f).sha256 for f in changed}
    assert len(hashes) == len(changed) and ds.sha256 not in hashes


def test_from_frame_hash_is_stable_across_processes():
    """The serialisation is deterministic (pandas' fixed hash key), so a recipe's hash can be checked later.

    Reference: the digest of this exact frame, computed once and pinned.
    """
    frame = pd.DataFrame({"a": [1, 2, None], "b": ["x", None, "z"], "c": [0.5, np.nan, -1.0]})
    frame["a"] = frame["a"].astype("Int64")
    import subprocess
    import sys

    code = ("import pandas as pd, numpy as np; from analysis.intake import frame_sha256;"
            "f=pd.DataFrame({'a':[1,2,None],'b':['x',None,'z'],'c':[0.5,np.nan,-1.0]}); f['a']=f['a'].astype('Int64');"
            "print(frame_sha256(f))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": "123"}).stdout.strip()
    assert other == frame_sha256(frame)


def test_from_frame_names_columns_as_text_and_says_so():
    ds = Dataset.from_frame(pd.DataFrame({0: [1, 2], "0": [3, 4], "y": ["a", "b"]}))
    assert list(ds.frame.columns) == ["0", "0_2", "y"]
    assert any("made unique" in n for n in ds.notes)
