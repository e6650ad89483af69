"""Inside the sample: does the label rate, or the share of missing values, depend on the group?

``label_by_group``: class distribution within each group, chi-square test of
independence and adjusted residuals. ``missingness_by_group``: share of missing
values of each column within each group, tested column by column with
Benjamini-Hochberg adjusted p-values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import GroupColumnError, require_column
from ..intake.frames import takes_table
from ..results import ResultMixin, Severity
from ._common import effect_band, fmt_p, group_labels, validate_group
from .representation import ChiSquare

__all__ = [
    "MISSING_GROUP_LABEL",
    "LabelByGroup",
    "MissingByGroup",
    "label_by_group",
    "label_by_group_from_table",
    "missingness_by_group",
    "missingness_from_counts",
]

#: The row label of rows without a group value in the missingness table.
MISSING_GROUP_LABEL = "(missing)"


@dataclass(frozen=True)
class LabelByGroup(ResultMixin):
    """Class distribution within each group and the chi-square test of independence.

    ``residuals`` are adjusted standardized residuals (Agresti, *Categorical
    Data Analysis*, 2nd ed., sec. 3.3.1): (O - E) / sqrt(E (1 - row share)
    (1 - column share)); beyond +-1.96 a cell holds more (or fewer) rows than
    independence would give, at the 5 % level for that cell alone.
    """

    group: str
    target: str
    counts: pd.DataFrame
    expected: pd.DataFrame
    residuals: pd.DataFrame
    chi_square: ChiSquare
    cramers_v: float
    n: int
    n_dropped: int
    verdict_text: str

    #: ``independent``: no detectable dependence at the 5 % level; ``depends on group`` otherwise.
    SEVERITY: ClassVar[dict[str, Severity]] = {"independent": "ok", "depends on group": "warning"}

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "depends on group" if self.chi_square.p_value < 0.05 else "independent"

    @property
    def rates(self) -> pd.DataFrame:
        return self.counts.div(self.counts.sum(axis=1), axis=0)

    def to_frame(self) -> pd.DataFrame:
        """One row per group x class cell: count, rate within the group, expected count, residual."""
        rates = self.rates
        rows = []
        for g in self.counts.index:
            for c in self.counts.columns:
                rows.append(
                    {
                        "group": g,
                        "class": c,
                        "count": int(self.counts.at[g, c]),  # type: ignore[arg-type]
                        "rate_in_group": float(rates.at[g, c]),  # type: ignore[arg-type]
                        "expected_count": float(self.expected.at[g, c]),  # type: ignore[arg-type]
                        "adjusted_residual": float(self.residuals.at[g, c]),  # type: ignore[arg-type]
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "target": self.target,
            "n": self.n,
            "n_dropped": self.n_dropped,
            "chi_square": self.chi_square.to_dict(),
            "cramers_v": self.cramers_v,
            "cells": self.to_frame().to_dict(orient="records"),
            "verdict_text": self.verdict_text,
        }


@dataclass(frozen=True)
class MissingByGroup(ResultMixin):
    """Share of missing values per column per group, and whether it depends on the group.

    ``tests`` has one row per column with missing values: overall share, the
    lowest and highest group share, the chi-square test of independence of
    "is missing" and the group (scipy ``chi2_contingency``, no continuity
    correction), its Benjamini-Hochberg adjusted p-value over the columns, and
    ``flagged`` when the adjusted p-value is below ``alpha`` and the group
    shares differ by at least ``min_gap`` (absolute).
    """

    group: str
    shares: pd.DataFrame
    tests: pd.DataFrame
    alpha: float
    min_gap: float

    SEVERITY: ClassVar[dict[str, Severity]] = {"no missing values": "ok", "independent": "ok", "depends on group": "warning"}

    @property
    def verdict(self) -> str:  # type: ignore[override]
        if not self.shares.shape[1]:
            return "no missing values"
        return "depends on group" if self.flagged_columns else "independent"

    @property
    def verdict_text(self) -> str:
        verdict = self.verdict
        if verdict == "no missing values":
            return "No missing values."
        if verdict == "independent":
            return "Where values are missing, the share does not depend on the group detectably."
        return (
            "Missing values depend on the group in: " + ", ".join(self.flagged_columns)
            + ". Values missing not at random are a sampling bias of their own."
        )

    @property
    def flagged_columns(self) -> list[str]:
        return [str(c) for c in self.tests.loc[self.tests["flagged"].astype(bool), "column"]] if len(self.tests) else []

    def to_frame(self) -> pd.DataFrame:
        return self.tests

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "shares": {str(c): {str(g): float(v) for g, v in self.shares[c].items()} for c in self.shares.columns},
            "columns": self.tests.to_dict(orient="records"),
            "alpha": self.alpha,
            "min_gap": self.min_gap,
        }



@takes_table("df")
def label_by_group(df: pd.DataFrame, *, group: str, target: str) -> LabelByGroup:
    """Class distribution within each group, chi-square test of independence and adjusted residuals.

    The test is ``scipy.stats.chi2_contingency(table, correction=False)``
    (Pearson's statistic, no Yates correction, so it agrees with the residuals).

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "y": [1] * 40 + [0] * 10 + [1] * 10 + [0] * 40})
    >>> r = label_by_group(df, group="g", target="y")
    >>> round(r.chi_square.statistic, 3), round(float(r.residuals.loc["a", "1"]), 3)
    (36.0, 6.0)
    """
    labels = validate_group(df, group)
    require_column(list(df.columns), target, role="target column")
    if group == target:
        raise GroupColumnError(f"The group column and the target are both '{group}'; pick two different columns.")
    classes = group_labels(df[target])
    ok = labels.notna() & classes.notna()
    return label_by_group_from_table(
        pd.crosstab(labels[ok], classes[ok]), group=group, target=target, n_dropped=int((~ok).sum())
    )


def label_by_group_from_table(table: pd.DataFrame, *, group: str, target: str, n_dropped: int) -> LabelByGroup:
    """:func:`label_by_group` from its contingency table (group labels x class labels, sorted, as
    ``pd.crosstab`` gives it); ``n_dropped`` rows lacked a group or a label. :mod:`analysis.engines`
    counts the table with ``GROUP BY group, target``; the test and the residuals are this one function.
    """
    table = table.copy()
    table.index.name, table.columns.name = group, target
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise GroupColumnError(
            f"Label rates by group need at least 2 groups and 2 classes with rows; '{group}' has "
            f"{table.shape[0]} and '{target}' has {table.shape[1]}.",
            column=group,
        )
    obs = table.to_numpy(dtype=float)
    res = stats.chi2_contingency(obs, correction=False)
    expected = np.asarray(res.expected_freq)
    n = obs.sum()
    row = obs.sum(axis=1, keepdims=True) / n
    col = obs.sum(axis=0, keepdims=True) / n
    adj = (obs - expected) / np.sqrt(expected * (1 - row) * (1 - col))
    cramers_v = math.sqrt(res.statistic / (n * (min(obs.shape) - 1)))
    band = effect_band(cramers_v)
    strongest = np.unravel_index(np.argmax(np.abs(adj)), adj.shape)
    g, c = table.index[int(strongest[0])], table.columns[int(strongest[1])]
    if res.pvalue >= 0.05:
        text = f"The class distribution does not differ detectably between the groups of '{group}' ({fmt_p(res.pvalue)})."
    else:
        text = (
            f"The class distribution depends on '{group}' ({fmt_p(res.pvalue)}, Cramér's V = {cramers_v:.3f}, "
            f"{band}). Most unusual cell: '{target}' = {c} in '{g}' (adjusted residual {adj[strongest]:+.1f})."
        )
    frame = lambda a: pd.DataFrame(a, index=table.index, columns=table.columns)  # noqa: E731
    return LabelByGroup(
        group=group,
        target=target,
        counts=table.astype(int),
        expected=frame(expected),
        residuals=frame(adj),
        chi_square=ChiSquare(float(res.statistic), float(res.pvalue), int(res.dof)),
        cramers_v=float(cramers_v),
        n=int(n),
        n_dropped=n_dropped,
        verdict_text=text,
    )


@takes_table("df")
def missingness_by_group(
    df: pd.DataFrame,
    *,
    group: str,
    columns: list[str] | None = None,
    alpha: float = 0.05,
    min_gap: float = 0.02,
) -> MissingByGroup:
    """Share of missing values of each column within each group (see :class:`MissingByGroup`).

    Examples
    --------
    >>> df = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 4, "x": [1, None, None, 4, 5, 6, 7, 8]})
    >>> missingness_by_group(df, group="g").shares["x"].to_dict()
    {'a': 0.5, 'b': 0.0}
    """
    labels = validate_group(df, group)
    cols = [c for c in (columns if columns is not None else df.columns) if c != group]
    for c in cols:
        require_column(list(df.columns), c)
    key = labels.fillna(MISSING_GROUP_LABEL).to_numpy()
    missing = df[cols].isna()
    sizes = pd.Series(key).value_counts(sort=False)
    missing_counts = missing.groupby(key, sort=True).sum()
    return missingness_from_counts(sizes, missing_counts, group=group, columns=cols, alpha=alpha, min_gap=min_gap)


def missingness_from_counts(
    sizes: pd.Series,
    missing_counts: pd.DataFrame,
    *,
    group: str,
    columns: list[str],
    alpha: float = 0.05,
    min_gap: float = 0.02,
) -> MissingByGroup:
    """:func:`missingness_by_group` from the counts: ``sizes`` (group label -> rows, the missing group
    labelled ``MISSING_GROUP_LABEL``) and ``missing_counts`` (group label x column -> missing cells).
    :mod:`analysis.engines` counts both with one ``GROUP BY group``; the tests are this one function.
    """
    from statsmodels.stats.multitest import multipletests

    missing_counts = missing_counts.sort_index()
    n_rows = sizes.reindex(missing_counts.index).to_numpy(dtype=np.int64)
    shares = missing_counts.astype(np.float64).div(n_rows.astype(np.float64), axis=0)
    shares.index.name = group
    total = int(n_rows.sum())
    rows = []
    cols = list(columns)
    for c in cols:
        miss = missing_counts[c].to_numpy(dtype=np.int64)
        if not miss.any():
            continue
        table = np.column_stack([n_rows - miss, miss]).astype(float)
        table = table[:, table.sum(axis=0) > 0]  # pd.crosstab leaves out a value nobody has
        if table.shape[0] >= 2 and table.shape[1] == 2:
            res = stats.chi2_contingency(table, correction=False)
            p = float(res.pvalue)
        else:
            p = 1.0
        rows.append(
            {
                "column": str(c),
                "missing": int(miss.sum()),
                "share": float(miss.sum() / total),
                "lowest_group_share": float(shares[c].min()),
                "highest_group_share": float(shares[c].max()),
                "p_value": p,
            }
        )
    tests = pd.DataFrame(rows, columns=["column", "missing", "share", "lowest_group_share", "highest_group_share", "p_value"])
    if len(tests):
        tests["p_adjusted"] = multipletests(tests["p_value"].to_numpy(), alpha=alpha, method="fdr_bh")[1]
        gap = tests["highest_group_share"] - tests["lowest_group_share"]
        tests["flagged"] = (tests["p_adjusted"] < alpha) & (gap >= min_gap)
    else:
        tests["p_adjusted"] = pd.Series(dtype=float)
        tests["flagged"] = pd.Series(dtype=bool)
    with_missing = [c for c in cols if missing_counts[c].any()]
    return MissingByGroup(group=group, shares=shares[with_missing], tests=tests, alpha=alpha, min_gap=min_gap)
