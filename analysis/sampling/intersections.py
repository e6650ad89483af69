"""Representation of the cells of two group columns (e.g. region x age band)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import GroupColumnError
from ..intake.frames import is_native_table, takes_table
from ._common import group_labels, validate_group
from .reference import ReferenceShares, normalize_shares, reference_shares
from .representation import BiasResult, compare_counts

__all__ = ["IntersectionSettings", "intersection_from_counts", "intersection_representation"]


@dataclass(frozen=True)
class IntersectionSettings:
    """Two group columns, the reference shares of the first (optional) and the tolerance; hashable.

    The dashboard passes it to its cached wrapper, with the joint reference
    dataset (if any) keyed by its content hash.
    """

    groups: tuple[str, str]
    margin: ReferenceShares | None = None
    tolerance: float = 0.1
    alpha: float = 0.05

    def run(self, df: pd.DataFrame, joint: pd.DataFrame | None = None) -> BiasResult:
        """The cells' representation: against ``joint`` when given, else against the product of the margins."""
        if joint is not None:
            return intersection_representation(df, groups=self.groups, reference=joint, tolerance=self.tolerance, alpha=self.alpha)
        margins = {self.groups[0]: dict(self.margin.shares)} if self.margin is not None else None
        return intersection_representation(df, groups=self.groups, margins=margins, tolerance=self.tolerance, alpha=self.alpha)


@takes_table("df", native=True)
def intersection_representation(
    df: pd.DataFrame,
    *,
    groups: tuple[str, str],
    reference: pd.DataFrame | None = None,
    margins: Mapping[str, Mapping[Any, float] | ReferenceShares] | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasResult:
    """Representation of the cells of two group columns (e.g. region x age band).

    The expected share of a cell comes from the joint distribution in a
    ``reference`` dataset holding both columns; failing that, from the product
    of the two margins (independence assumed, said in a note). A margin not
    given in ``margins`` is the sample's own margin (also said). ``df`` may be a DuckDB relation or a
    Spark DataFrame: the cells are then counted on its engine.

    Examples
    --------
    >>> df = pd.DataFrame({"a": ["x", "x", "y", "y"] * 25, "b": ["u", "v", "u", "u"] * 25})
    >>> r = intersection_representation(df, groups=("a", "b"), margins={"a": {"x": .5, "y": .5}, "b": {"u": .5, "v": .5}})
    >>> [g.value for g in r.groups], r.groups[0].expected_share
    (['x × u', 'x × v', 'y × u', 'y × v'], 0.25)
    """
    if is_native_table(df):  # a DuckDB relation or a Spark DataFrame: one GROUP BY a, b there
        from ..engines import open_table
        from ..engines.intersections import engine_intersection

        return engine_intersection(open_table(df), groups=groups, reference=reference, margins=margins,
                                   tolerance=tolerance, alpha=alpha)
    a, b = groups
    if a == b:
        raise GroupColumnError(f"Pick two different group columns; both are '{a}'.", column=a)
    la, lb = validate_group(df, a), validate_group(df, b)
    both = la.notna() & lb.notna()
    cells = (la[both] + " × " + lb[both]).value_counts(sort=False)
    counts = {str(k): int(v) for k, v in cells.items()}
    labels = {a: la, b: lb}

    def own_margin(col: str) -> dict[str, float]:
        vc = labels[col].dropna().value_counts(normalize=True, sort=False)
        return {str(k): float(v) for k, v in vc.items()}

    return intersection_from_counts(counts, groups=groups, own_margin=own_margin, n_missing=int((~both).sum()),
                                    reference=reference, margins=margins, tolerance=tolerance, alpha=alpha)


def intersection_from_counts(
    counts: Mapping[str, int],
    *,
    groups: tuple[str, str],
    own_margin: Callable[[str], dict[str, float]],
    n_missing: int,
    reference: pd.DataFrame | None = None,
    margins: Mapping[str, Mapping[Any, float] | ReferenceShares] | None = None,
    tolerance: float = 0.1,
    alpha: float = 0.05,
) -> BiasResult:
    """The cells' representation from their counts (``"a × b"`` -> rows), whichever engine counted them.

    ``own_margin(col)`` gives the sample's shares of one group column (rows with a value, in the order
    the values first occur) when ``margins`` has none for it; ``n_missing`` counts rows missing either value.
    """
    a, b = groups
    notes: list[str] = []
    if reference is not None and a in reference.columns and b in reference.columns:
        ra, rb = group_labels(reference[a]), group_labels(reference[b])
        ok = ra.notna() & rb.notna()
        joint = (ra[ok] + " × " + rb[ok]).value_counts(sort=False)
        ref = normalize_shares({str(k): float(v) for k, v in joint.items()}, f"{a} × {b}", "joint distribution in the reference file", [], quiet_sum=True)
        notes.append(f"Expected cell shares are the joint distribution of '{a}' and '{b}' in the reference file.")
    else:
        margins = dict(margins or {})
        shares: dict[str, dict[str, float]] = {}
        for col in (a, b):
            if col in margins:
                shares[col] = reference_shares(margins[col], group=col).shares
            else:
                shares[col] = own_margin(col)
                notes.append(f"No reference shares for '{col}': its margin is the sample's own distribution.")
        product = {f"{va} × {vb}": sa * sb for va, sa in shares[a].items() for vb, sb in shares[b].items()}
        ref = ReferenceShares(f"{a} × {b}", product, "product of the margins")
        notes.insert(0, (
            f"No joint reference for '{a}' × '{b}': expected cell shares are the product of the two margins, "
            "which assumes the two columns are independent in the population."
        ))
    return compare_counts(
        dict(counts),
        ref,
        group=f"{a} × {b}",
        n_missing=n_missing,
        tolerance=tolerance,
        alpha=alpha,
        extra_notes=tuple(notes),
    )
