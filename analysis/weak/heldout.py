"""Gold comparisons of the label model: accuracy on gold of a fit without gold, and the held-out split.

Split out of :mod:`.model` (module size); :func:`.model.label_model` calls them.
"""

from __future__ import annotations

import math

import numpy as np

from ..em import MajorityVote

__all__ = ["choose", "gold_accuracy", "heldout"]


def gold_accuracy(gold: np.ndarray, majority: MajorityVote, post: np.ndarray, covered: np.ndarray) -> dict:
    known = gold >= 0
    on = known & covered
    mv_ok = known & (majority.labels >= 0)
    lm_codes = post.argmax(axis=1)
    return {
        "n_gold": int(known.sum()),
        "n_gold_covered": int(on.sum()),
        "label_model": float((lm_codes[on] == gold[on]).mean()) if on.any() else math.nan,
        "n_gold_majority": int(mv_ok.sum()),
        "majority_vote": float((majority.labels[mv_ok] == gold[mv_ok]).mean()) if mv_ok.any() else math.nan,
        "label_model_same_items": float((lm_codes[mv_ok] == gold[mv_ok]).mean()) if mv_ok.any() else math.nan,
    }


def heldout(gold: np.ndarray, majority: MajorityVote, fit_with, *, seed: int) -> dict:
    """Label model vs majority vote on held-out gold: fit with half the gold rows fixed, score both on the other half.

    Scored on the held-out gold rows that majority vote decides (no tie), the same items for both.
    """
    rows = np.flatnonzero(gold >= 0)
    order = np.random.default_rng(seed).permutation(rows)
    anchor_rows, test_rows = np.sort(order[: len(order) // 2]), np.sort(order[len(order) // 2 :])
    anchor = np.full(len(gold), -1, dtype=np.int64)
    anchor[anchor_rows] = gold[anchor_rows]
    post = fit_with(anchor if len(anchor_rows) else None)
    decided = test_rows[majority.labels[test_rows] >= 0]
    truth = gold[decided]
    return {
        "n_anchor": int(len(anchor_rows)),
        "n_heldout": int(len(test_rows)),
        "n_compared": int(len(decided)),
        "majority_vote": float((majority.labels[decided] == truth).mean()) if len(decided) else math.nan,
        "label_model": float((post[decided].argmax(axis=1) == truth).mean()) if len(decided) else math.nan,
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
