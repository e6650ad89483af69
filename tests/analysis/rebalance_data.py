"""Small synthetic tables for the rebalancing tests (fast: a few hundred rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def numeric_binary(n: int = 240, *, minority: float = 0.15, seed: int = 0, signal: float = 1.5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_pos = int(round(n * minority))
    y = np.r_[np.zeros(n - n_pos, dtype=int), np.ones(n_pos, dtype=int)]
    rng.shuffle(y)
    X = rng.normal(size=(n, 4)) + signal * y[:, None] * np.array([1.0, 0.5, 0.0, -0.7])
    return pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "d": X[:, 3], "label": y})


def mixed(n: int = 240, *, seed: int = 1, classes=("no", "yes"), shares=(0.82, 0.18)) -> pd.DataFrame:
    """Numbers with gaps, nullable Int64/Float64/boolean, a category dtype and strings with gaps."""
    rng = np.random.default_rng(seed)
    y = rng.choice(len(classes), size=n, p=shares)
    # every class present at least 15 times, so 3-fold CV and SMOTE's k=5 fit
    for k in range(len(classes)):
        short = 15 - int((y == k).sum())
        if short > 0:
            y[np.flatnonzero(y != k)[:short]] = k
    amount = np.round(rng.lognormal(3, 1, n) * (1 + y), 2)
    amount[rng.random(n) < 0.1] = np.nan
    count = pd.array(rng.integers(0, 50, n) + 5 * y, dtype="Int64")
    count[rng.random(n) < 0.1] = pd.NA
    ratio = pd.array(np.round(rng.random(n) + 0.3 * y, 3), dtype="Float64")
    ratio[rng.random(n) < 0.05] = pd.NA
    colour = pd.Series(pd.Categorical(rng.choice(["red", "green", "blue"], n), categories=["blue", "green", "red"]))
    city = pd.Series(np.where(y > 0, rng.choice(["=cmd", "Oslo", "Rome"], n), rng.choice(["Oslo", "Rome", "Lima"], n)),
                     dtype="str")
    city[rng.random(n) < 0.08] = None
    flag = pd.array(rng.random(n) < 0.3 + 0.3 * (y > 0), dtype="boolean")
    return pd.DataFrame({
        "row_id": np.arange(1000, 1000 + n),
        "amount": amount,
        "count": count,
        "ratio": ratio,
        "colour": colour,
        "city": city,
        "flag": flag,
        "label": np.asarray(classes, dtype=object)[y],
    })


def all_categorical(n: int = 200, *, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(int)
    y[:15] = 1
    return pd.DataFrame({
        "shape": np.where(y > 0, rng.choice(["sq", "tri"], n), rng.choice(["sq", "ci", "tri"], n)),
        "size": rng.choice(["S", "M", "L"], n),
        "label": np.where(y > 0, "pos", "neg"),
    })


def no_signal(n: int = 300, *, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.r_[np.zeros(n - 45, dtype=int), np.ones(45, dtype=int)]
    rng.shuffle(y)
    X = rng.normal(size=(n, 6))
    return pd.DataFrame({**{f"x{i}": X[:, i] for i in range(6)}, "label": y})
