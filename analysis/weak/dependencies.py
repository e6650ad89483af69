"""Dependencies between labeling functions: pairs the label model must not treat as independent.

The label model (:mod:`analysis.weak.model`) assumes LFs are independent given
the true class, and models an abstain as an observed outcome. Two kinds of LF
pairs break that assumption on real LF sets and make the model lose to plain
majority vote:

* *exclusive* pairs: two LFs that never fire on the same item although, by their
  coverages, they should often co-fire (``early morning -> Android`` and
  ``evening -> iPhone`` on one timestamp; ``radius > q70 -> malignant`` and
  ``radius < q40 -> benign``). Modelled as independent, each LF's abstain
  becomes evidence for the other LF's class and the latent class turns into
  "time of day" or "radius band".
* *duplicate* pairs: two LFs that vote the same single class on nearly the same
  items (``mean radius`` and ``worst area`` above their 70th percentile). Their
  evidence is counted twice.

:func:`lf_dependencies` finds them from the votes alone (no gold, no model):
exclusive when the co-firing count is at most 5% of the count expected if the
LFs fired independently *given the class* and that expectation is at least 20
items (the chance of no co-firing by luck is then below ``exp(-20)``, about
``2e-9``); duplicate when two one-class LFs of the same class have a Jaccard
overlap of their firing sets of at least 0.7 and co-fire at least 1.5 times as
often as independence given the class predicts.

"Given the class" is what the label model assumes, so it is the null to test:
two threshold LFs on one feature (``radius > q70 -> malignant``, ``radius < q40
-> benign``) never co-fire, but the class already explains that (a malignant
tumour is rarely below the 40th percentile), so they are not dependent given the
class and merging them only throws evidence away (on breast cancer it cost the
model an item against majority vote). The class is not known, so each item's
class is its majority-vote shares (uniform without votes): the expected
co-firing of ``a`` and ``b`` is ``sum_c A_c B_c / N_c`` with ``A_c`` the
class-``c`` weight of the items where ``a`` fires and ``N_c`` the class weight.
Majority vote is a noisy class, so this expectation sits between the
marginal one (``n_a * n_b / n``, kept as ``expected_if_independent``) and the
one given the true class. Each duplicate group, and each
exclusive pair of groups (greedily, strongest evidence first, every LF in at
most one), is *merged* into one LF that votes the majority of its members'
votes (ties abstain): for an exclusive pair that is simply whichever LF fired,
one LF with two outcomes, which is how the pair behaves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..em import majority_vote, vote_counts
from .matrix import LFMatrix, wsum

__all__ = [
    "DUPLICATE_EXCESS",
    "DUPLICATE_JACCARD",
    "EXCLUSIVE_MIN_EXPECTED",
    "EXCLUSIVE_RATIO",
    "LFDependency",
    "lf_dependencies",
    "merge_lfs",
]

#: Two one-class LFs of the same class whose firing sets overlap this much (Jaccard) count as duplicates ...
DUPLICATE_JACCARD = 0.7
#: ... when they co-fire at least this many times as often as independence given the class predicts.
DUPLICATE_EXCESS = 1.5
#: An exclusive pair co-fires on at most this share of the items expected under independence ...
EXCLUSIVE_RATIO = 0.05
#: ... and independence expects at least this many co-fired items.
EXCLUSIVE_MIN_EXPECTED = 20.0


@dataclass(frozen=True)
class LFDependency:
    """One dependent LF pair: ``kind`` is ``"exclusive"`` or ``"duplicate"``; ``merged`` if the model merged it."""

    a: str
    b: str
    kind: str
    co_fired: int
    expected: float  # co-firing expected if independent given the class (majority-vote shares)
    jaccard: float
    merged: bool
    expected_marginal: float = float("nan")  # co-firing expected if independent, class ignored (n_a * n_b / n)

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "co_fired": self.co_fired,
            "expected_if_independent": round(self.expected_marginal, 3),
            "expected_if_independent_given_class": round(self.expected, 3),
            "jaccard": round(self.jaccard, 4),
            "merged": self.merged,
        }

    def describe(self) -> str:
        if self.kind == "exclusive":
            return (
                f"'{self.a}' and '{self.b}' never fire together ({self.co_fired:,} items where "
                f"{self.expected:,.0f} were expected if independent given the class)"
            )
        return (
            f"'{self.a}' and '{self.b}' vote the same class on nearly the same items (overlap {self.jaccard:.0%}; "
            f"{self.co_fired:,} together where {self.expected:,.0f} were expected if independent given the class)"
        )


def lf_dependencies(matrix: LFMatrix) -> tuple[tuple[LFDependency, ...], tuple[tuple[int, ...], ...]]:
    """Dependent LF pairs and the groups of LFs to merge (see the module docstring).

    Returns
    -------
    pairs : tuple of LFDependency
    groups : tuple of tuple of int
        LF indices per merged group (groups of two or more only).

    Examples
    --------
    Two time windows of one clock never overlap, although the class (which three
    keyword LFs, independent of the clock, vote on) does not explain it:

    >>> rng = np.random.default_rng(0)
    >>> y, hour = rng.integers(0, 2, 1000), rng.integers(0, 24, 1000)
    >>> keyword = [np.where(rng.random(1000) < 0.5, np.where(rng.random(1000) < 0.8, y, 1 - y), -1) for _ in range(3)]
    >>> votes = np.column_stack([np.where(hour < 10, 0, -1), np.where(hour >= 18, 1, -1), *keyword])
    >>> names = ("morning", "evening", "kw1", "kw2", "kw3")
    >>> pairs, groups = lf_dependencies(LFMatrix(names=names, labels=(0, 1), votes=votes))
    >>> [(p.a, p.b, p.kind, p.co_fired, round(p.expected)) for p in pairs], groups
    ([('morning', 'evening', 'exclusive', 0, 86)], ((0, 1),))
    """
    votes = matrix.votes
    m = votes.shape[1]
    n, w = matrix.n_items, matrix.counts  # w: items per row (vote patterns), None for one
    fire = votes >= 0
    n_fire = wsum(fire, w, axis=0).astype(np.int64)
    by_lf = np.ascontiguousarray(fire.T)  # one contiguous row per LF: pair counts are single-threaded byte passes
    co = np.zeros((m, m), dtype=np.int64)
    for a in range(m):
        co[a, a] = n_fire[a]
        for b in range(a + 1, m):
            both = by_lf[a] & by_lf[b]
            co[a, b] = co[b, a] = np.count_nonzero(both) if w is None else int(w[both].sum())
    single = [np.unique(votes[by_lf[j], j]) for j in range(m)]
    marginal = np.outer(n_fire, n_fire) / max(n, 1)
    given_class = _expected_given_class(votes, fire, matrix.n_classes, w)

    parent = list(range(m))

    def root(a: int) -> int:
        while parent[a] != a:
            a = parent[a]
        return a

    found: list[tuple[int, int, str, float, float]] = []
    for a in range(m):
        for b in range(a + 1, m):
            union = n_fire[a] + n_fire[b] - co[a, b]
            jac = float(co[a, b] / union) if union else 0.0
            same = len(single[a]) == 1 and len(single[b]) == 1 and single[a][0] == single[b][0]
            if same and jac >= DUPLICATE_JACCARD and co[a, b] >= DUPLICATE_EXCESS * given_class[a, b]:
                found.append((a, b, "duplicate", float(given_class[a, b]), jac))
                parent[root(b)] = root(a)
    members: dict[int, list[int]] = {}
    for j in range(m):
        members.setdefault(root(j), []).append(j)
    groups = list(members.values())
    group_fire = [fire[:, g].any(axis=1) for g in groups]
    candidates = []
    for a in range(m):
        for b in range(a + 1, m):
            expected = float(given_class[a, b])
            if expected >= EXCLUSIVE_MIN_EXPECTED and co[a, b] <= EXCLUSIVE_RATIO * expected:
                union = n_fire[a] + n_fire[b] - co[a, b]
                candidates.append((a, b, float(expected), float(co[a, b] / union) if union else 0.0))
    # Merge exclusive pairs of groups, strongest evidence (largest expected co-firing) first.
    group_of = {j: gi for gi, g in enumerate(groups) for j in g}
    taken: set[int] = set()
    merged_pairs: set[tuple[int, int]] = set()
    out_groups: list[tuple[int, ...]] = []
    for a, b, expected, _ in sorted(candidates, key=lambda c: -c[2]):
        ga, gb = group_of[a], group_of[b]
        if ga == gb or ga in taken or gb in taken:
            continue
        if wsum(np.asarray(group_fire[ga] & group_fire[gb]), w) > EXCLUSIVE_RATIO * expected:
            continue
        taken |= {ga, gb}
        merged_pairs.add((a, b))
        out_groups.append(tuple(sorted(groups[ga] + groups[gb])))
    out_groups += [tuple(g) for gi, g in enumerate(groups) if gi not in taken and len(g) > 1]
    names = matrix.names
    pairs = [
        LFDependency(names[a], names[b], kind, int(co[a, b]), float(expected), float(jac), True, float(marginal[a, b]))
        for a, b, kind, expected, jac in found
    ] + [
        LFDependency(
            names[a], names[b], "exclusive", int(co[a, b]), expected, jac, (a, b) in merged_pairs, float(marginal[a, b])
        )
        for a, b, expected, jac in candidates
    ]
    return tuple(pairs), tuple(sorted(out_groups))


def _expected_given_class(votes: np.ndarray, fire: np.ndarray, k: int, w: np.ndarray | None = None) -> np.ndarray:
    """Co-firing per LF pair expected if LFs fired independently given the class, the class being each item's
    majority-vote shares (uniform without votes): ``sum_c A_c[a] A_c[b] / N_c`` (``w``: items per row)."""
    counts = vote_counts(votes, n_classes=k).astype(float)
    n_votes = counts.sum(axis=1, keepdims=True)
    shares = np.where(n_votes > 0, counts / np.maximum(n_votes, 1), 1.0 / k)  # items x classes
    if w is not None:
        shares = shares * w[:, None]
    weight = shares.T @ fire.astype(float)  # classes x LFs: class weight of the items each LF fires on
    size = np.maximum(shares.sum(axis=0), 1e-12)
    return np.einsum("ca,cb->ab", weight / size[:, None], weight)


def merge_lfs(matrix: LFMatrix, groups: tuple[tuple[int, ...], ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """The votes with each group replaced by one LF voting its members' majority (ties abstain).

    Merged LFs come first, then the others in their order. Returns the votes and their names.

    >>> m = LFMatrix(names=("a", "b", "c"), labels=(0, 1), votes=np.array([[0, -1, 1], [-1, 1, 1], [-1, -1, 0]]))
    >>> votes, names = merge_lfs(m, ((0, 1),))
    >>> votes.tolist(), names
    ([[0, 1], [1, 1], [-1, 0]], ('a + b', 'c'))
    """
    cols: list[np.ndarray] = []
    names: list[str] = []
    used: set[int] = set()
    for g in groups:
        cols.append(majority_vote(matrix.votes[:, list(g)], n_classes=matrix.n_classes).labels)
        names.append(" + ".join(matrix.names[j] for j in g))
        used.update(g)
    for j, name in enumerate(matrix.names):
        if j not in used:
            cols.append(matrix.votes[:, j])
            names.append(name)
    return np.column_stack(cols).astype(matrix.votes.dtype), tuple(names)
