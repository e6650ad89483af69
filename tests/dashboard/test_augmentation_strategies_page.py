"""AppTest of the Augmentation lab's strategy sections on the bundled reviews sample (text)."""

import json

import pytest
from pagetest import button, open_page, table

from analysis.augment import AugmentCompareSettings, compare_augmentations, load_templates
from dashboard.state import augmentation_strategies as state
from sample_data import sample_path


@pytest.fixture(scope="module")
def page():
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page(sample="reviews_annotated.csv", timeout=300)
    at.switch_page("app_pages/augmentation.py").run()
    assert not at.exception, at.exception
    return at


def test_templates_compare_and_download_sections(page):
    at = page
    at.checkbox(key=state.AS_USE_TEMPLATES).check().run()
    templates = load_templates(at.text_area(key=state.AS_TEMPLATES).value)
    assert any(f"**{templates.n_combinations:,}** rows" in m.value for m in at.markdown)
    preview = table(at, "text")
    assert len(preview) == min(20, templates.n_combinations) and set(preview["label"]) <= {"negative", "positive"}

    at.multiselect(key=state.AS_STRATEGIES).set_value(["none", "eda", "templates", "mixup"])
    at.number_input(key=state.AS_FOLDS).set_value(3)
    button(at, "Compare strategies").click().run()  # the strategy form's submit button
    assert not at.exception, at.exception
    shown = table(at, "strategy").set_index("strategy")
    # Reference: the Python API on the same data and settings.
    import pandas as pd

    ref = compare_augmentations(pd.read_csv(sample_path("reviews_annotated.csv")), AugmentCompareSettings(
        target="annotator_1", strategies=("none", "eda", "templates", "mixup"), folds=3, templates=templates))
    for name in ("none", "eda", "templates"):  # shown with 3 decimals
        assert shown.loc[name, "clean mean"] == f"{ref.result(name).clean['balanced_accuracy'].mean:.3f}"
        assert shown.loc[name, "perturbed mean"] == f"{ref.result(name).perturbed['balanced_accuracy'].mean:.3f}"
    assert "numeric" in shown.loc["mixup", "skipped"]
    # A skipped strategy has no numbers: blank cells, not the word None.
    assert (shown.loc["mixup", ["clean mean", "perturbed mean", "rows added per fold"]] == "").all()
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"]["title"]["text"].startswith("balanced accuracy: clean"))
    points = {t["customdata"][0]: t for t in spec["data"] if t.get("mode") == "markers"}
    assert set(points) == {"none", "eda", "templates"}
    assert points["eda"]["x"][0] == pytest.approx(ref.result("eda").clean["balanced_accuracy"].mean)
    assert points["eda"]["y"][0] == pytest.approx(ref.result("eda").perturbed["balanced_accuracy"].mean)

    at.selectbox(key=state.AS_DL_STRATEGY).set_value("templates")
    at.button(key=state.AS_PREPARE).click().run()
    assert not at.exception, at.exception
    assert any("synthetic rows added" in s.value for s in at.success)
    assert at.code and "apply_augmentation" in at.code[0].value
