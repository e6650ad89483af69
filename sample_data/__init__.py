"""Small datasets bundled with dataset-diagnostics (see README.md in this folder).

Each was made by ``make_samples.py`` with a fixed seed.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

#: File name -> one-line description, in the order the dashboard lists them.
SAMPLES: dict[str, str] = {
    "transactions.csv": "Card transactions, ~2% fraud (binary, numeric + categorical, missing values, duplicates)",
    "reviews_annotated.csv": "Product reviews labelled by 4 annotators (positive / neutral / negative)",
    "wine_imbalanced.csv": "Wine cultivars from scikit-learn, thinned to 3 imbalanced classes",
}

#: The dataset the dashboard opens with.
DEFAULT_SAMPLE = "transactions.csv"

#: The target to preselect for each sample.
DEFAULT_TARGETS: dict[str, str] = {
    "transactions.csv": "is_fraud",
    "reviews_annotated.csv": "annotator_1",
    "wine_imbalanced.csv": "cultivar",
}


def sample_path(name: str) -> Path:
    """Path of a bundled sample file; ``KeyError`` for an unknown name."""
    if name not in SAMPLES and name != "transactions_population.csv":
        raise KeyError(f"Unknown sample {name!r}; available: {', '.join(SAMPLES)}")
    return HERE / name


# =============================================================================
# Sample-specific defaults the pages start from (never hard-coded in a page).
# One section per page; each keeps to its own section.
# =============================================================================

# --- sampling bias -----------------------------------------------------------
#: The group column the Sampling bias page starts on, per sample.
SAMPLE_GROUP_COLUMNS: dict[str, str] = {"transactions.csv": "region"}
#: A bundled reference population per sample (its documented shares of the group column).
SAMPLE_REFERENCE_FILES: dict[str, str] = {"transactions.csv": "transactions_population.csv"}


def default_group_column(sample: str, candidates: list[str]) -> str:
    """The sample's documented group column when it is a candidate, otherwise the first candidate."""
    preferred = SAMPLE_GROUP_COLUMNS.get(sample)
    return preferred if preferred in candidates else candidates[0]



# --- labels ------------------------------------------------------------------
#: The gold column the Labels page preselects for a consensus when the data has one
#: (the reviews sample's trusted labels for 150 of its rows).
LABELS_GOLD_COLUMN = "gold_label"


# --- weak supervision (demo labeling functions) ------------------------------

#: Labeling functions to start from, per sample (plain keyword rules on the review
#: text), as the JSON objects of an LF set (``analysis.weak.LFSet.of`` reads them).
DEMO_LFS: dict[str, tuple[dict, ...]] = {
    "reviews_annotated.csv": (
        {"name": "praise", "kind": "keywords", "column": "text", "label": "positive",
         "keywords": ["great", "love", "brilliant", "five stars", "would recommend", "very pleased"]},
        {"name": "complaint", "kind": "keywords", "column": "text", "label": "negative",
         "keywords": ["refund", "worst", "awful", "poor", "avoid", "never arrived"], "whole_word": True},
        {"name": "lukewarm", "kind": "keywords", "column": "text", "label": "neutral",
         "keywords": ["okay", "average", "three stars", "nothing special", "decent"]},
    )
}



# --- rebalancing -------------------------------------------------------------
