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


def test_rows_outside_the_outlier_sample_are_shown_when_flagged_and_ranked_by_how_far_out():
    """120,000 rows: the forest scores a sample of about 100,000 (OUTLIER_ROWS). Two rows outside it hold absurd
    numbers in every column, one only a little beyond the range. Reference: outlier_summary on the same rows
    (its values tested against scikit-learn in tests/analysis/test_outliers_beyond_sample.py)."""
    import numpy as np

    from analysis.rowsample import OUTLIER_ROWS, stratified_positions

    rng = np.random.default_rng(3)
    n = 120_000
    df = pd.DataFrame({c: rng.uniform(0, 100, n).round(2) for c in ("a", "b", "c")}
                      | {"label": rng.choice(["yes", "no"], n, p=[0.2, 0.8])})
    rows = stratified_positions(n, df["label"], sample_rows=OUTLIER_ROWS, seed=0)
    outside = np.setdiff1d(np.arange(n), rows)
    far, farther, near = outside[[5, 600, 1200]]
    df.loc[[far, farther], ["a", "b", "c"]] = [[900.0, 950.0, 990.0], [-800.0, 1500.0, -700.0]]
    df.loc[near, "a"] = 100.5
    data = df.to_csv(index=False).encode()
    at = open_page(timeout=120)
    upload(at, "uniform.csv", data)
    next(b for b in at.button if b.key == ov.OV_CHECK_RUN).click().run()
    assert not at.exception, at.exception
    ds = load_csv(data)
    out = outlier_summary(ds.frame, target="label")
    assert out.beyond is not None and {far, farther} <= set(out.beyond.flagged_rows()["row"].tolist())
    deltas = {x.label: x.proto.delta for x in at.metric}
    assert deltas["Rows scored"].endswith(f"a stratified sample, and {len(out.beyond.rows):,} beyond its range")
    assert any(m.value.startswith("**Outside the sample**") for m in at.markdown)
    shown = next(d.value for d in at.dataframe if "outlier_score" in d.value.columns
                 and set(d.value.index) <= set(out.beyond.rows.tolist()))
    assert shown.index.tolist() == out.beyond.flagged_rows()["row"].head(20).tolist()
    ranked = next(d.value for d in at.dataframe if "widths_beyond" in d.value.columns)
    expected = out.beyond.farthest_rows().head(20)
    assert ranked.index.tolist() == expected["row"].tolist()
    assert ranked.index.tolist()[:2] == [farther, far] and near in set(out.beyond.rows.tolist())
