"""Issue 14 on the Overview page: near-duplicates (20 review texts repeated in other case and spacing) and outliers.

References: the planted repeats (20, by construction) and the analysis results the page charts,
whose values are tested against hand-made tables, scikit-learn's NearestNeighbors and IsolationForest
in tests/analysis/test_near_duplicates.py.
"""

from __future__ import annotations

import pandas as pd
from pagetest import metrics, open_page, upload

from analysis import load_csv
from analysis.overview import near_duplicate_summary, outlier_summary
from dashboard import keys
from dashboard.state import overview as ov
from sample_data import sample_path


def reviews_with_repeats(n: int = 20) -> pd.DataFrame:
    """The reviews sample plus ``n`` rows repeating a review's text in other case and spacing (new ids)."""
    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    distinct = df.drop_duplicates(subset="text").iloc[:n].copy()
    distinct["text"] = ["  " + t.upper() if i % 2 else t.lower().replace(" ", "  ") + " "
                        for i, t in enumerate(distinct["text"])]
    distinct["review_id"] = [f"R9{i:03d}" for i in range(n)]
    return pd.concat([df, distinct], ignore_index=True)


def test_twenty_repeated_review_texts_are_flagged_on_the_overview():
    df = reviews_with_repeats()
    data = df.to_csv(index=False).encode()
    at = open_page(timeout=60)
    upload(at, "reviews_repeats.csv", data)
    assert not at.exception, at.exception
    ds = load_csv(data)
    target = at.session_state[keys.TARGET_PREFIX + ds.sha256[:16]]
    expected = near_duplicate_summary(ds.frame, target=target)
    m = metrics(at)
    assert expected.normalised_only_rows == 20  # the 20 planted repeats, no more
    assert m["Differ only in form"] == "20"
    assert m["Near-duplicate groups"] == f"{expected.groups:,}"
    assert any(ov.OV_CHECK_RUN == b.key for b in at.button) is False  # 620 rows: no button, shown at once
    out = outlier_summary(ds.frame, target=target)
    assert m["Outlier rows"] == f"{out.n_flagged:,}"
    groups = next(d.value for d in at.dataframe if list(d.value.columns[:2]) == ["group", "kind"])
    assert len(groups) == expected.groups


def test_large_table_checks_wait_for_the_button():
    at = open_page(timeout=60)  # transactions: 20,031 rows
    assert "Near-duplicate groups" not in metrics(at)
    next(b for b in at.button if b.key == ov.OV_CHECK_RUN).click().run()
    m = metrics(at)
    assert m["Near-duplicate groups"] == "31"  # the 25 exact + 6 conflicting planted pairs (sample_data/README.md)
    assert m["Conflicting near-duplicates"] == "12"
    deltas = {x.label: x.proto.delta for x in at.metric}
    assert (deltas["Near-duplicate groups"], deltas["Conflicting near-duplicates"]) == ("62 rows", "in 6 groups")
