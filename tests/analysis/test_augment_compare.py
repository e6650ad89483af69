"""The augmentation comparison and download: leakage, equality with scikit-learn's cross_validate on the same
folds, the recipe snippet reproducing the file byte for byte, and the holdout."""

import json

import numpy as np
import pandas as pd
import pytest

from analysis.augment import (
    AUGMENTATIONS,
    AugmentCompareSettings,
    AugmentError,
    apply_augmentation,
    augment_data,
    augment_files,
    compare_augmentations,
    evaluation_rng,
    load_templates,
    perturb_for_evaluation,
)
from analysis.io import load_csv
from analysis.splits import kfold_splits

WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma".split()
TEMPLATES = load_templates({"templates": [{"template": "{w} {v} is fine", "label": "p"},
                                          {"template": "{w} {v} is bad", "label": "n"}],
                            "slots": {"w": WORDS[:5], "v": WORDS[5:9]}})


@pytest.fixture(scope="module")
def no_signal():
    """Features and labels drawn independently: nothing to learn."""
    rng = np.random.default_rng(11)
    n = 120
    return pd.DataFrame({
        "x1": rng.normal(size=n), "x2": rng.normal(size=n), "x3": rng.integers(0, 9, n),
        "c": rng.choice(["u", "v", "w"], n),
        "t": [" ".join(rng.choice(WORDS, 7)) for _ in range(n)],
        "y": rng.choice(["n", "p"], n),
    })


def test_no_strategy_lifts_roc_auc_on_data_without_signal(no_signal):
    res = compare_augmentations(no_signal, target="y", strategies=tuple(AUGMENTATIONS), folds=3,
                                templates=TEMPLATES)
    assert [r.name for r in res.strategies] == list(AUGMENTATIONS)
    assert not any(r.skipped for r in res.strategies), [r.reason for r in res.strategies]
    for r in res.strategies:
        assert r.clean["roc_auc"].mean < 0.6, (r.name, r.clean["roc_auc"].mean)
        assert r.perturbed["roc_auc"].mean < 0.6, (r.name, r.perturbed["roc_auc"].mean)
    d = res.to_dict()
    for s in d["strategies"]:
        assert {"name", "clean", "perturbed", "p_value_vs_none", "skipped", "reason"} <= set(s)
    json.dumps(d, allow_nan=False)


def test_a_baseline_at_chance_makes_the_comparison_uninformative_not_a_finding(no_signal, signal):
    # no_signal: features drawn apart from the labels, so the model cannot beat chance (1 / 2 classes)
    res = compare_augmentations(no_signal, target="y", strategies=("none", "mixup"), folds=3)
    base = res.result("none").clean["balanced_accuracy"]
    assert base.ci_low <= 0.5  # its interval reaches chance
    assert res.verdict == "uninformative" and res.severity == "warning"
    assert (f"no better than chance on clean folds (balanced accuracy {base.mean:.3f}, 95% interval {base.ci_low:.3f} "
            f"to {base.ci_high:.3f}; chance 0.500)") in res.verdict_text
    assert "No strategy scores clearly better" not in res.verdict_text
    # with signal, the baseline is above chance and the usual verdicts apply
    informative = compare_augmentations(signal, target="y", strategies=("none", "mixup"), folds=3)
    assert informative.result("none").clean["balanced_accuracy"].ci_low > 0.5
    assert informative.verdict != "uninformative"


@pytest.fixture(scope="module")
def signal():
    rng = np.random.default_rng(5)
    n = 150
    y = rng.integers(0, 2, n)
    return pd.DataFrame({"a": rng.normal(size=n) + 1.2 * y, "b": rng.normal(size=n) * 3, "c": rng.normal(size=n) - y,
                         "y": np.where(y == 1, "yes", "no")})


def _reference_scores(df, sampler_func, seed=0, folds=3):
    """scikit-learn's cross_validate of an imbalanced-learn pipeline (sampler, preprocessing, model) on the
    comparison's folds, scored clean and on the same perturbed test folds."""
    from imblearn import FunctionSampler
    from imblearn.pipeline import Pipeline
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score, roc_auc_score
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = augment_data(df, target="y")
    cols = list(data.layout.numeric)
    splits = kfold_splits(data.groups, data.y, folds=folds, seed=seed)
    steps = [("prep", ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                                          cols)])),
             ("model", LogisticRegression(max_iter=1000))]
    if sampler_func is not None:
        steps.insert(0, ("augment", FunctionSampler(func=sampler_func, validate=False)))
    pipe = Pipeline(steps)
    calls = {"n": 0}

    def perturbed(metric):
        def score(est, X, y):
            fold = calls["n"] // 2  # two perturbed scorers per fold, in this order
            calls["n"] += 1
            Xp = perturb_for_evaluation(X.reset_index(drop=True), evaluation_rng(seed, fold), text_columns=())
            return metric(est, Xp, y)
        return score

    def bacc(est, X, y):
        return balanced_accuracy_score(y, est.predict(X))

    def auc(est, X, y):
        return roc_auc_score(y == data.positive, est.predict_proba(X)[:, data.positive])

    out = cross_validate(pipe, data.X, data.y, cv=splits, scoring={
        "bacc": bacc, "auc": auc, "p_bacc": perturbed(bacc), "p_auc": perturbed(auc)})
    return out


def _noise(X, y, seed=0):
    """Two copies with N(0, (0.1 sd)^2) noise per column: numpy, the strategy's documented algorithm."""
    rng = np.random.default_rng(seed)
    copies = pd.concat([X, X], ignore_index=True)
    for c in X.columns:
        copies[c] = np.tile(X[c].to_numpy(), 2) + rng.normal(0, 1, 2 * len(X)) * 0.1 * X[c].to_numpy().std()
    return pd.concat([X.reset_index(drop=True), copies], ignore_index=True), np.r_[y, y, y]


def _smote(X, y, seed=0):
    """imbalanced-learn's SMOTE doubling every class on standardised columns, mapped back."""
    from imblearn.over_sampling import SMOTE

    V = X.to_numpy(dtype=float)
    mean, sd = V.mean(axis=0), V.std(axis=0)
    counts = np.bincount(y)
    sm = SMOTE(sampling_strategy={k: 2 * int(c) for k, c in enumerate(counts)}, k_neighbors=5,
               random_state=int(np.random.default_rng(seed).integers(2**31 - 1)))
    Z, yr = sm.fit_resample((V - mean) / sd, y)
    new = pd.DataFrame(Z[len(y):] * sd + mean, columns=X.columns)
    return pd.concat([X.reset_index(drop=True), new], ignore_index=True), yr


@pytest.mark.parametrize("strategy, func", [("none", None), ("gaussian_noise", _noise), ("smote_all", _smote)])
def test_scores_equal_cross_validate_on_the_same_folds(signal, strategy, func):
    res = compare_augmentations(signal, target="y", strategies=(strategy,), folds=3)
    ref = _reference_scores(signal, func)
    r = res.result(strategy)
    np.testing.assert_allclose(r.clean["balanced_accuracy"].values, ref["test_bacc"], rtol=1e-9)
    np.testing.assert_allclose(r.clean["roc_auc"].values, ref["test_auc"], rtol=1e-9)
    np.testing.assert_allclose(r.perturbed["balanced_accuracy"].values, ref["test_p_bacc"], rtol=1e-9)
    np.testing.assert_allclose(r.perturbed["roc_auc"].values, ref["test_p_auc"], rtol=1e-9)


def test_text_only_table_skips_numeric_strategies_and_single_class_is_refused(no_signal):
    text_only = no_signal[["t", "y"]]
    res = compare_augmentations(text_only, AugmentCompareSettings(target="y", strategies=("mixup", "eda"), folds=3))
    assert res.result("mixup").skipped and "numeric" in res.result("mixup").reason
    assert not res.result("eda").skipped
    from analysis.errors import SingleClassError
    with pytest.raises(SingleClassError):
        compare_augmentations(no_signal.assign(y="p"), target="y", strategies=("mixup",))


@pytest.fixture
def written(tmp_path):
    rng = np.random.default_rng(2)
    n = 60
    lines = ["zip,x,n,note,y"]
    for i in range(n):
        dup = i % 15 == 0  # a few identical rows: they must stay on one side of the holdout
        lines.append(f"{'02134' if dup else f'{10000 + i:05d}'},{'1.50' if dup else f'{rng.normal():.2f}'},"
                     f"{1 if dup else int(rng.integers(0, 20))},{'=SUM(A1)' if i == 3 else 'ok'},{'ab'[i % 2]}")
    path = tmp_path / "src.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_download_keeps_uploaded_text_types_and_an_untouched_group_aware_holdout(written):
    ds = load_csv(written)
    res = apply_augmentation(ds.frame, target="y", strategy="mixup", test_size=0.25, seed=1,
                             source_name="src.csv", source_sha256=ds.sha256)
    assert list(res.train.columns) == list(ds.frame.columns) + ["is_synthetic", "augmentation"]
    for c in ds.frame.columns:
        assert res.train[c].dtype == ds.frame[c].dtype, c
    assert res.train["is_synthetic"].sum() == res.n_synthetic > 0
    assert set(res.train.loc[~res.train["is_synthetic"], "augmentation"]) == {"original"}
    # holdout rows are original rows only, and no training original repeats a holdout row (duplicates together)
    train_orig = set(res.train_rows[res.train_rows >= 0].tolist())
    assert train_orig.isdisjoint(res.test_rows.tolist())
    key = ds.frame.drop(columns="y").astype(str).agg("|".join, axis=1)
    assert set(key.iloc[list(train_orig)]).isdisjoint(set(key.iloc[res.test_rows]))
    files = augment_files(res, source=ds)
    text = files["augmented.csv"].decode()
    raw = written.read_text().splitlines()
    original_lines = text.splitlines()[1: 1 + len(train_orig)]
    # original rows are written from the uploaded text (02134, 1.50 kept), with the two added columns
    assert all(line.rsplit(",", 2)[0] in raw for line in original_lines if "'=SUM" not in line)
    everything = text + files["augmented_holdout.csv"].decode()
    assert "'=SUM(A1)" in everything and ",=SUM" not in everything  # formula protection, as every download
    assert set(json.loads(files["augmented_recipe.json"])["settings"]) >= {"strategy", "holdout_test_size", "seed"}


def test_recipe_snippet_reproduces_the_files_byte_for_byte(written, tmp_path, monkeypatch):
    ds = load_csv(written)
    res = apply_augmentation(ds.frame, target="y", strategy="gaussian_noise", test_size=0.2, seed=3,
                             source_name="src.csv", source_sha256=ds.sha256)
    files = augment_files(res, source=ds)
    run_dir = tmp_path / "rerun"
    run_dir.mkdir()
    (run_dir / "src.csv").write_bytes(written.read_bytes())
    monkeypatch.chdir(run_dir)
    exec(compile(files["augmented_recipe.py"].decode(), "augmented_recipe.py", "exec"), {"__name__": "__main__"})
    for name in ("augmented.csv", "augmented_holdout.csv"):
        assert (run_dir / name).read_bytes() == files[name], name


def test_template_rows_are_added_to_training_only_with_their_labels(no_signal):
    res = apply_augmentation(no_signal, target="y", strategy="templates", templates=TEMPLATES, test_size=0.2)
    syn = res.train[res.train["is_synthetic"]]
    assert len(syn) == TEMPLATES.n_combinations == 40
    assert syn["t"].str.endswith("is fine").eq(syn["y"].eq("p")).all()
    assert syn[["x1", "x2", "c"]].isna().all().all()
    assert not res.test["t"].isin(syn["t"]).any()
    with pytest.raises(AugmentError, match="cannot run"):
        apply_augmentation(no_signal[["x1", "y"]], target="y", strategy="eda")
