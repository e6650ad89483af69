"""Gold comparisons of the label model: accuracy on gold of a fit without gold, and the held-out split.

Split out of :mod:`.model` (module size); :func:`.model.label_model` calls them.
"""

from __future__ import annotations

import math

import numpy as np

from ..em import MajorityVote
from .matrix import wmean, wsum

__all__ = ["choose", "gold_accuracy", "heldout", "split_rows"]


def _sub(w: np.ndarray | None, index: np.ndarray) -> np.ndarray | None:
    return None if w is None else w[index]


def gold_accuracy(gold: np.ndarray, majority: MajorityVote, post: np.ndarray, covered: np.ndarray,
                  weights: np.ndarray | None = None) -> dict:
    known = gold >= 0
    on = known & covered
    mv_ok = known & (majority.labels >= 0)
    lm_codes = post.argmax(axis=1)
    return {
        "n_gold": int(wsum(known, weights)),
        "n_gold_covered": int(wsum(on, weights)),
        "label_model": wmean(lm_codes[on] == gold[on], _sub(weights, on)) if on.any() else math.nan,
        "n_gold_majority": int(wsum(mv_ok, weights)),
        "majority_vote": wmean(majority.labels[mv_ok] == gold[mv_ok], _sub(weights, mv_ok)) if mv_ok.any() else math.nan,
        "label_model_same_items": wmean(lm_codes[mv_ok] == gold[mv_ok], _sub(weights, mv_ok)) if mv_ok.any() else math.nan,
    }


def split_rows(rows: np.ndarray, *, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The held-out split of the gold rows ``rows`` (their 0-based positions, ascending): anchor half, held-out half.

    A permutation of the positions seeded by ``seed``; the DuckDB/Spark engines collect the positions of the
    gold rows and draw the same split (:mod:`analysis.engines.weak`).
    """
    order = np.random.default_rng(seed).permutation(rows)
    return np.sort(order[: len(order) // 2]), np.sort(order[len(order) // 2 :])


def heldout(gold: np.ndarray, majority: MajorityVote, fit_with, *, seed: int, weights: np.ndarray | None = None,
            split: np.ndarray | None = None) -> dict:
    """Label model vs majority vote on held-out gold: fit with half the gold rows fixed, score both on the other half.

    Scored on the held-out gold rows that majority vote decides (no tie), the same items for both. On vote
    patterns (``weights``) the halves come with them (``split``: 1 anchor, 2 held out), drawn by row position.
    """
    if split is None:
        anchor_rows, test_rows = split_rows(np.flatnonzero(gold >= 0), seed=seed)
    else:
        anchor_rows, test_rows = np.flatnonzero(split == 1), np.flatnonzero(split == 2)
    anchor = np.full(len(gold), -1, dtype=np.int64)
    anchor[anchor_rows] = gold[anchor_rows]
    post = fit_with(anchor if len(anchor_rows) else None)
    decided = test_rows[majority.labels[test_rows] >= 0]
    truth = gold[decided]
    w = _sub(weights, decided)
    return {
        "n_anchor": int(len(anchor_rows)) if weights is None else int(weights[anchor_rows].sum()),
        "n_heldout": int(len(test_rows)) if weights is None else int(weights[test_rows].sum()),
        "n_compared": int(len(decided)) if weights is None else int(weights[decided].sum()),
        "majority_vote": wmean(majority.labels[decided] == truth, w) if len(decided) else math.nan,
        "label_model": wmean(post[decided].argmax(axis=1) == truth, w) if len(decided) else math.nan,
        "seed": seed,
    }


def choose(heldout: dict, *, fallback: bool) -> tuple[str, str]:
    mv, lm, n = heldout["majority_vote"], heldout["label_model"], heldout["n_compared"]
    if not n:
        return "label_model", "No held-out gold row has a majority vote, so the label model could not be compared with it."
    where = (
        f"on {n:,} held-out gold rows (the model was fitted with the other {heldout['n_anchor']:,} gold rows fixed): "
        f"label model {lm:.1%}, majority vote {mv:.1%}"
    )
    if mv > lm and fallback:
        return "majority_vote", f"Majority vote is used because it was more accurate {where}."
    if mv > lm:
        return "label_model", f"The label model is used as asked, though majority vote was more accurate {where}."
    return "label_model", f"The label model is used because it was at least as accurate as majority vote {where}."
