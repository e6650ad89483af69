"""The array route of the robustness harness against the DataFrame route and scikit-learn's own pipeline.

References: each perturbation's :meth:`apply` on the raw test frame (the
documented route, tested in test_robustness_perturbations.py), scikit-learn's
fitted ``Pipeline.predict_proba`` / ``predict`` on the prepared perturbed frame,
and flips counted with numpy.
"""

import zlib

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from analysis.models import make_classifier
from analysis.robustness import PERTURBATIONS, FoldReference, RobustnessSettings, plan_robustness, robustness
from analysis.robustness.matrix import FoldMatrix
from analysis.robustness.predict import FoldPredictor

KINDS = ("gaussian_noise", "scaling", "category_flip", "missing")


def _table(n=240, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    x[rng.random(x.shape) < 0.1] = np.nan
    c = rng.choice(np.array(["a", "b", "c", "d", None], dtype=object), n)
    shade = rng.choice(np.array(["red", "blue"], dtype=object), n)
    words = np.array(["good", "bad", "fine", "awful", "great", "poor"], dtype=object)
    text = [" ".join(rng.choice(words, 4)) for _ in range(n)]
    logit = 1.5 * np.nan_to_num(x[:, 0]) + 1.0 * (c == "a")
    y = np.where(logit + rng.logistic(size=n) > 0.2, "yes", "no")
    return pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2], "c": c, "shade": shade, "t": text, "y": y})


SETTINGS = RobustnessSettings(target="y", folds=3, perturbations=KINDS, sensitivity=False)


@pytest.fixture(scope="module")
def fold():
    table = _table()
    table.loc[table.index[-1], "c"] = "zzz"  # a value only one row has: unseen by some training fold
    plan = plan_robustness(table, SETTINGS)
    train, test = next((tr, te) for tr, te in plan.splits if table["c"].iloc[plan.rows[te]].eq("zzz").any())
    pipe = Pipeline([("prepare", plan.spec.build()), ("model", make_classifier("logreg"))])
    pipe.fit(plan.prepared(plan.frame.iloc[train]), plan.y[train])
    ref = FoldReference.from_frame(plan.frame.iloc[train], plan.columns)
    raw = plan.frame.iloc[test]
    clean = plan.prepared(raw).reset_index(drop=True)
    return plan, pipe, ref, raw, FoldPredictor(pipe, clean), FoldMatrix.from_fold(raw, clean, plan.columns, ref)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("only", [None, "x1", "c"])
def test_arrays_hold_the_values_of_the_perturbed_frame_and_predict_as_the_pipeline(fold, kind, only):
    plan, pipe, ref, raw, predictor, matrix = fold
    columns = plan.columns if only is None else plan.columns.only(only)
    perturbation = PERTURBATIONS[kind]
    m = perturbation.apply_matrix(matrix, 0.4, np.random.default_rng(5), columns=columns, reference=ref)
    frame = perturbation.apply(raw, 0.4, np.random.default_rng(5), columns=columns, reference=ref)
    expected = plan.prepared(frame)
    for name in plan.columns.columns:
        got, want = m.prepared_column(name), expected[name].to_numpy()
        assert np.array_equal(got, want, equal_nan=name in plan.columns.numeric), name
    for _ in range(2):  # the second time, categorical rows come from the remembered transforms
        _, proba = predictor.predict_matrix(m)
        assert np.array_equal(proba, pipe.predict_proba(expected))
    assert np.array_equal(matrix.prepared_column("c"), plan.prepared(raw)["c"].to_numpy())  # input untouched


def test_strength_zero_reuses_the_clean_predictions():
    res = robustness(_table(), RobustnessSettings(target="y", folds=3, perturbations=KINDS, strengths=(0.0,),
                                                  sensitivity=False))
    for p in res.perturbations:
        assert p.flip_rate == 0.0
        assert {m: s.values for m, s in p.metrics.items()} == {m: s.values for m, s in res.clean.items()}


@pytest.mark.parametrize(("kind", "strength"), [("gaussian_noise", 0.5), ("category_flip", 0.3)])
def test_flip_rate_equals_an_independent_count_with_sklearn_and_numpy(kind, strength):
    # Reference: per fold, scikit-learn fits the same pipeline (the plan's ColumnTransformer and the model
    # registry's logistic regression) on the training rows, predicts the clean test rows and the test rows
    # perturbed by the registry's DataFrame route with the harness's documented generator (seed, fold,
    # crc32 of the kind, strength in millionths); numpy counts the changed predictions over all test rows.
    table = _table(seed=4)
    settings = RobustnessSettings(target="y", folds=3, perturbations=(kind,), strengths=(strength,), seed=3,
                                  sensitivity=False)
    plan = plan_robustness(table, settings)
    changed = total = 0
    for f, (train, test) in enumerate(plan.splits):
        pipe = Pipeline([("prepare", plan.spec.build()), ("model", make_classifier("logreg", seed=3))])
        pipe.fit(plan.prepared(plan.frame.iloc[train]), plan.y[train])
        raw = plan.frame.iloc[test]
        rng = np.random.default_rng([3, f, zlib.crc32(kind.encode()), int(round(strength * 1e6))])
        perturbed = PERTURBATIONS[kind].apply(raw, strength, rng, columns=plan.columns,
                                              reference=FoldReference.from_frame(plan.frame.iloc[train], plan.columns))
        before, after = pipe.predict(plan.prepared(raw)), pipe.predict(plan.prepared(perturbed))
        changed += int(np.count_nonzero(before != after))
        total += len(test)
    (score,) = robustness(table, settings).perturbations
    assert changed > 0
    assert score.flip_rate == changed / total


def test_partial_results_carry_each_finished_kind_with_its_final_numbers():
    # Reference: the run's own final result; a kind's partial numbers must already be the final ones.
    from analysis.robustness import RobustnessProgress, iter_robustness

    plan = plan_robustness(_table(), RobustnessSettings(target="y", folds=3, perturbations=KINDS[:3], strengths=(0.3,)))
    events = list(iter_robustness(plan))
    partials = [e.partial for e in events if isinstance(e, RobustnessProgress) and e.partial is not None]
    final = events[-1]
    assert [sorted({p.kind for p in r.perturbations}) for r in partials] == [
        ["gaussian_noise"], ["gaussian_noise", "scaling"]]
    for part in partials:
        for p in part.perturbations:
            (same,) = [q for q in final.perturbations if (q.kind, q.strength) == (p.kind, p.strength)]
            assert p == same
        assert part.clean == final.clean and not part.sensitivity
