"""The rule-based leakage check: the best one-threshold tree or value-to-class table of one feature.

Fitted on the sample; its share is counted on every labelled row of a table small enough not to be
sampled, else on the drawn sample (a pass over a million rows per feature cost more than the models).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import Labelled, category_codes, numeric_values, tree_values

#: Categorical columns with more values than this get no value-to-class rule.
MAX_RULE_VALUES = 50


def _rule(lab: Labelled, name: str, kind: str, values: np.ndarray | None,
          rows: np.ndarray | None = None) -> tuple[str, np.ndarray] | None:
    """The best simple rule (threshold tree or value table) and its prediction for the labelled rows
    at positions ``rows`` (default: every labelled row)."""
    from sklearn.tree import DecisionTreeClassifier

    k = lab.n_classes
    column = lab.frame[name] if rows is None else lab.frame[name].iloc[rows]
    y = lab.y if rows is None else lab.y[rows]
    if kind in ("numeric", "datetime") and values is not None:
        tree = DecisionTreeClassifier(max_leaf_nodes=max(2, k), random_state=0)
        fitted, scale = tree_values(values)
        tree.fit(fitted.reshape(-1, 1), lab.y[lab.sample])
        full = tree_values(numeric_values(column) / scale)[0]
        return _describe_tree(tree, name, lab.classes, scale), tree.predict(full.reshape(-1, 1))
    if kind == "categorical":
        codes, uniques = category_codes(column)
        if len(uniques) > min(MAX_RULE_VALUES, max(2, len(codes) // 10)):
            return None
        table = np.zeros((len(uniques), k), dtype=np.int64)
        np.add.at(table, (codes, y), 1)
        best = table.argmax(axis=1)
        if len(set(best.tolist())) == 1:  # every value gives one class: the table says nothing about the label
            return f"{name}: every value → {lab.classes[best[0]]}", best[codes]
        order = np.argsort(-table.sum(axis=1))
        shown = [f"{_value(uniques[i])} → {lab.classes[best[i]]}" for i in order[:4]]
        more = f" (+{len(uniques) - 4} values)" if len(uniques) > 4 else ""
        return f"{name}: " + ", ".join(shown) + more, best[codes]
    return None


def _value(v: Any) -> str:
    return "(missing)" if v is None else repr(v)


def _describe_tree(tree: Any, name: str, classes: tuple[Any, ...], scale: float = 1.0) -> str:
    """A small threshold tree as text: ``x ≤ 0 → no; x > 0 → yes`` (leaves in order of the thresholds).

    Neighbouring leaves of one class are one interval (the predictions are the same): a tree whose leaves all
    give one class reads ``x: any value → yes``, not ``x ≤ 0.5 → yes; x > 0.5 → yes``.
    """
    t = tree.tree_
    leaves: list[tuple[float | None, float | None, Any]] = []

    def walk(node: int, low: float | None, high: float | None) -> None:
        if t.children_left[node] == -1:
            leaves.append((low, high, classes[int(np.argmax(t.value[node][0]))]))
            return
        th = float(t.threshold[node]) * scale
        walk(int(t.children_left[node]), low, th)
        walk(int(t.children_right[node]), th, high)

    walk(0, None, None)
    merged: list[tuple[float | None, float | None, Any]] = []
    for low, high, label in leaves:  # in order of the thresholds
        if merged and merged[-1][2] == label:
            merged[-1] = (merged[-1][0], high, label)
        else:
            merged.append((low, high, label))
    if len(merged) == 1:
        return f"{name}: any value → {merged[0][2]}"
    parts = []
    for low, high, label in merged:
        if low is None:
            cond = f"{name} ≤ {high:.6g}"
        elif high is None:
            cond = f"{name} > {low:.6g}"
        else:
            cond = f"{low:.6g} < {name} ≤ {high:.6g}"
        parts.append(f"{cond} → {label}")
    return "; ".join(parts)
