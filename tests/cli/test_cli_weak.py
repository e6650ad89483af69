"""The `weak` subcommand: pinned JSON keys, the labeled output file, text output, exit codes.

Expected values are computed independently with pandas on the same CSV
(coverage = share of non-abstain cells; correct = votes equal to gold).
"""

import json

import pandas as pd
import pytest
from cli_run import run

from analysis.weak import LabelingFunction, lfs_to_json
from sample_data import sample_path

LFS = ["annotator_1", "annotator_2", "annotator_3", "annotator_4"]


@pytest.fixture
def coded(tmp_path):
    """The reviews sample with integer LF columns (-1 = abstain) and an integer partial gold column."""
    df = pd.read_csv(sample_path("reviews_annotated.csv"))
    codes = {"negative": 0, "neutral": 1, "positive": 2}
    for a in LFS:
        df[a] = df[a].map(codes).fillna(-1).astype(int)
    df["gold"] = df["gold_label"].map(codes).astype("Int64")
    df = df.drop(columns="gold_label")
    path = tmp_path / "coded.csv"
    df.to_csv(path, index=False)
    return path, df


def test_json_pinned_keys_and_labeled_output(capsys, coded, tmp_path):
    path, df = coded
    out_path = tmp_path / "labeled.csv"
    code, out, err = run(capsys, "weak", path, "--lfs", ",".join(LFS), "--gold", "gold", "--format", "json", "-o", out_path)
    assert code == 0, err
    d = json.loads(out)
    assert [lf["name"] for lf in d["lfs"]] == LFS
    for lf in d["lfs"]:
        assert {"name", "polarity", "coverage", "overlaps", "conflicts", "empirical_accuracy"} <= set(lf)
        col = df[lf["name"]]
        assert lf["coverage"] == pytest.approx((col != -1).mean())
        assert lf["polarity"] == sorted(col[col != -1].unique().tolist())
        known = df["gold"].notna() & (col != -1)
        assert lf["correct"] == int((col[known] == df["gold"][known]).sum())
        assert lf["empirical_accuracy"] == pytest.approx((col[known] == df["gold"][known]).mean())
    # Documented in sample_data/README.md: annotator_1 is right on 114 of its 135 gold rows.
    assert (d["lfs"][0]["correct"], d["lfs"][0]["incorrect"]) == (114, 21)
    assert d["label_model"]["coverage"] == 1.0 and "majority_vote" in d["label_model"]
    assert d["label_model"]["majority_vote"]["n_ties"] == 83  # README: 83 items whose top two counts tie
    assert d["output"]["rows"] == 600

    labeled = pd.read_csv(out_path, keep_default_na=False)
    assert labeled.columns.tolist() == df.columns.tolist() + ["weak_label", "weak_confidence"]
    assert set(labeled["weak_label"]) <= {0, 1, 2}  # the LFs' own label values
    # Original columns intact (text cells starting with a formula character are protected with ').
    assert labeled["review_id"].tolist() == df["review_id"].tolist()
    assert labeled.loc[df["review_id"] == "R0007", "text"].item().startswith("'=SUM")
    assert d["output"]["protected_cells"] == 5  # README: five texts start with a formula character


def test_uncovered_rows_keep_the_abstain_value_and_text_output(capsys, tmp_path):
    path = tmp_path / "small.csv"
    pd.DataFrame({"a": [1, 1, 0, 9, 9], "b": [1, 0, 0, 9, 1], "c": [1, 1, 9, 9, 1]}).to_csv(path, index=False)
    out_path = tmp_path / "out.csv"
    code, out, err = run(capsys, "weak", path, "--lfs", "a,b,c", "--abstain", "9", "-o", out_path)
    assert code == 0, err
    assert "total coverage 80.0%" in out and "Label model" in out and "Majority vote" in out
    labeled = pd.read_csv(out_path)
    assert labeled["weak_label"].tolist() == [1, 1, 0, 9, 1]
    assert pd.isna(labeled["weak_confidence"][3])


def test_declarative_lf_file_and_class_prior(capsys, tmp_path):
    lfs = [
        LabelingFunction("pos", "keywords", "text", "positive", keywords=("great", "five stars")),
        LabelingFunction("neg", "keywords", "text", "negative", keywords=("refund", "worst"), whole_word=True),
    ]
    lf_file = tmp_path / "lfs.json"
    lf_file.write_text(lfs_to_json(lfs))
    code, out, err = run(capsys, "weak", sample_path("reviews_annotated.csv"), "--lf-file", lf_file,
                         "--class-prior", "positive=0.6,negative=0.4", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["label_model"]["class_priors"] == pytest.approx({"negative": 0.4, "positive": 0.6})
    text = pd.read_csv(sample_path("reviews_annotated.csv"))["text"].str.lower()
    assert d["lfs"][0]["coverage"] == pytest.approx((text.str.contains("great") | text.str.contains("five stars")).mean())


@pytest.mark.parametrize(
    "extra, needle",
    [
        (["--lfs", "annotator_1,nope"], "'nope' is not in the data"),
        (["--lfs", "annotator_1,annotator_2", "--labels", "0,1"], "emits label(s) '2' outside the classes"),
        (["--lfs", "annotator_1,annotator_2", "--gold", "review_id"], "gold column 'review_id' holds value(s)"),
        (["--lfs", "annotator_1,silent"], "abstains on every row"),
        (["--lfs", "annotator_1", "--class-prior", "0=x"], "label=share pairs"),
        ([], "Give either --lfs"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, coded, extra, needle):
    path, df = coded
    df["silent"] = -1
    df.to_csv(path, index=False)
    code, out, err = run(capsys, "weak", path, *extra)
    assert code == 2
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err
    assert out == ""


# --- hostile LF files (issue 15, item 6) --------------------------------------------------
_LF = '{"name": "a", "kind": "above", "column": "stars", "label": "positive", "threshold": %s}'
HOSTILE_LF_FILES = [
    ("deep", b"[" * 5000 + b"]" * 5000, "more than 20 levels deep"),
    ("digits", ("[" + _LF % ("9" * 5000) + "]").encode(), "5,000-digit integer"),
    ("nan", ("[" + _LF % "NaN" + "]").encode(), "NaN, which is not a JSON number"),
    ("large", b"[" + b" " * 1_100_000 + b"]", "larger than 1,000 kB"),
    ("binary", b"\xff\xfe\x00[", "not UTF-8"),
]


@pytest.mark.parametrize(("kind", "content", "needle"), HOSTILE_LF_FILES, ids=[c[0] for c in HOSTILE_LF_FILES])
def test_a_hostile_lf_file_exits_2_with_one_line(capsys, tmp_path, kind, content, needle):
    lf_file = tmp_path / "lfs.json"
    lf_file.write_bytes(content)
    code, out, err = run(capsys, "weak", sample_path("reviews_annotated.csv"), "--lf-file", lf_file)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and needle in err, err


def test_dev_zero_as_lf_file_is_refused_within_a_second(capsys):
    """The size a device reports (0) is not trusted: at most 1 MB + 1 byte is read."""
    import os
    import time

    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    started = time.perf_counter()
    code, out, err = run(capsys, "weak", sample_path("reviews_annotated.csv"), "--lf-file", "/dev/zero")
    assert time.perf_counter() - started < 1.0
    assert code == 2 and err.count("\n") == 1 and "larger than 1,000 kB" in err, err


def test_the_weak_labels_file_feeds_back_with_abstain_minus_1(capsys, coded, tmp_path):
    """Issue 15, item 10: -1 is never formula-protected, so the output is valid input again."""
    path, df = coded
    out = tmp_path / "weak.csv"
    code, first, _ = run(capsys, "weak", path, "--lfs", ",".join(LFS), "--abstain", "-1", "-o", out, "--format", "json")
    assert code == 0
    assert "'-1" not in out.read_text()
    code, again, err = run(capsys, "weak", out, "--lfs", ",".join(LFS), "--abstain", "-1", "--format", "json")
    assert code == 0, err
    assert [lf["coverage"] for lf in json.loads(again)["lfs"]] == [lf["coverage"] for lf in json.loads(first)["lfs"]]
