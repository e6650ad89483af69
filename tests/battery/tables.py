"""The awkward tables the battery runs every diagnostic on, and the roles that go with them.

Made here with a fixed seed (no downloads): a plain table with every column role,
and variants with NaNs, nullable and categorical dtypes, unicode and duplicate
column names, and a single class.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.diagnostics import Roles

N = 160


def plain(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(N) < 0.3, "pos", "neg")
    signal = (y == "pos").astype(float)
    truth = np.where(rng.random(N) < 0.85, y, np.where(y == "pos", "neg", "pos"))

    def annotator(p: float) -> np.ndarray:
        return np.where(rng.random(N) < p, truth, np.where(truth == "pos", "neg", "pos"))

    def lf(p_vote: float, p_right: float) -> np.ndarray:
        vote = np.where(rng.random(N) < p_right, truth, np.where(truth == "pos", "neg", "pos"))
        return np.where(rng.random(N) < p_vote, vote, "-1")

    return pd.DataFrame(
        {
            "x_num": rng.normal(size=N) + 1.5 * signal,
            "x_int": rng.integers(0, 50, size=N) + (10 * signal).astype(int),
            "x_cat": rng.choice(["red", "green", "blue"], size=N),
            "region": rng.choice(["north", "south", "east"], size=N, p=[0.5, 0.3, 0.2]),
            "a1": annotator(0.9),
            "a2": annotator(0.8),
            "a3": annotator(0.75),
            "lf1": lf(0.6, 0.85),
            "lf2": lf(0.5, 0.75),
            "y": y,
        }
    )


def roles_for(frame: pd.DataFrame, **overrides) -> Roles:
    base = dict(
        target="y",
        group="region",
        reference={"north": 0.4, "south": 0.4, "east": 0.2},
        annotators=("a1", "a2", "a3"),
        lfs=("lf1", "lf2"),
        abstain="-1",
        second=plain(seed=11),
        seed=0,
    )
    base.update(overrides)
    return Roles(**base)


def with_nans(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    rng = np.random.default_rng(3)
    for col in out.columns:
        mask = rng.random(len(out)) < 0.08
        out.loc[mask, col] = np.nan
    return out


def nullable(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.convert_dtypes()
    return out


def categorical(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("x_cat", "region", "a1", "a2", "a3", "y"):
        out[col] = out[col].astype("category")
    return out


def unicode_names(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    mapping = {c: f"{c} é✓ 列" for c in frame.columns}
    out = frame.rename(columns=mapping)
    return out, mapping


def single_class(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out["y"] = "neg"
    for col in ("a1", "a2", "a3"):
        out[col] = "neg"
    return out


def duplicate_names(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    cols = list(out.columns)
    cols[1] = cols[0]  # two columns named x_num
    out.columns = cols
    return out
