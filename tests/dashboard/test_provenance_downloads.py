"""Dashboard downloads carry a provenance that ``dataset-diagnostics verify --input`` re-runs byte for byte.

AppTest cannot read a download button's bytes (STREAMLIT_NOTES), so the page is
driven with AppTest and the bytes are taken from the cached wrapper the button is
given (the same cache entry). The reference is the CLI itself: ``verify`` re-runs
the recorded recipe from the input file and must reproduce the offered file exactly.
"""

from __future__ import annotations

import io
import json
import zipfile

import pagetest
import pytest

from analysis.io import load_csv
from analysis.provenance import (
    consensus_parameters,
    corrections_parameters,
    outliers_parameters,
    provenance_for,
    provenance_name,
    sampling_fix_parameters,
    weak_parameters,
)
from dashboard.state import rebalancing as rb_state
from sample_data import sample_path

WINE = sample_path("wine_imbalanced.csv").read_bytes()
REVIEWS = sample_path("reviews_annotated.csv").read_bytes()


@pytest.fixture
def capsys_run(capsys):
    """(exit code, stdout, stderr) of ``dataset-diagnostics *argv``, run in-process."""
    from analysis.cli import main

    def run(*argv):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:
            code = exc.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _verify(run_cli, folder, name, data, record, input_bytes):
    (folder / name).write_bytes(data)
    (folder / provenance_name(name)).write_bytes(record)
    (folder / "input.csv").write_bytes(input_bytes)
    return run_cli("verify", folder / name, "--provenance", folder / provenance_name(name), "--input",
                   folder / "input.csv")


def test_a_rebalancing_download_carries_its_provenance_and_verifies_with_the_cli(tmp_path, capsys_run):
    from streamlit.testing.v1 import AppTest

    from dashboard import keys

    at = AppTest.from_file(pagetest.APP, default_timeout=120)
    at.switch_page("app_pages/rebalancing.py")
    at.session_state[keys.SAMPLE] = "wine_imbalanced.csv"  # the small sample from the first run (no 20k-row default)
    at.session_state[rb_state.RB_STRATEGIES] = ["none"]
    at.run()
    at.button(key=rb_state.RB_APPLY_FIX).click().run()
    assert not at.exception, at.exception
    settings = at.session_state[rb_state.RB_FIX_RUN]
    offered = rb_state.rb_fix_download(settings, True, load_csv(sample_path("wine_imbalanced.csv")))
    with zipfile.ZipFile(io.BytesIO(offered["data"])) as z:
        files = {n: z.read(n) for n in z.namelist()}
    stem = "wine_imbalanced_smote"
    assert {f"{stem}.csv.provenance.json", f"{stem}_test.csv.provenance.json"} <= set(files)
    record = json.loads(files[f"{stem}.csv.provenance.json"])
    assert (record["command"], record["written_by"]) == ("fix", "dashboard: Rebalancing lab")
    for name in (f"{stem}.csv", f"{stem}_test.csv"):
        code, out, err = _verify(capsys_run, tmp_path, name, files[name], files[provenance_name(name)], WINE)
        assert code == 0 and "reproduced byte for byte" in out, (out, err[-500:])
    # Without a test split the CSV comes alone: its provenance is a second button beside it.
    at.toggle(key=rb_state.RB_HOLDOUT).set_value(False).run()
    at.button(key=rb_state.RB_APPLY_FIX).click().run()
    labels = [b.proto.label for b in at.download_button]
    assert labels[:2] == [f"Download {stem}.csv", "Download its provenance (JSON)"]


def _wrapper_cases():
    from analysis.labels import ConsensusSettings, Corrections
    from analysis.overview import OutlierSettings
    from analysis.sampling import FixSettings, ReferenceShares
    from analysis.weak import LabelModelSettings, LFColumns
    from dashboard.state import labels, overview, sampling, weak

    ann = ("annotator_1", "annotator_2", "annotator_3", "annotator_4")
    shares = ReferenceShares("product_category", {"books": 0.5, "toys": 0.25, "beauty": 0.25}, "typed shares")
    resample = FixSettings("stratified resample", (shares,), rows=120, replace=True, seed=3)
    return [
        ("consensus", REVIEWS, lambda ds: labels.lb_consensus_csv(ds.sha256, ConsensusSettings(ann), ds, True),
         consensus_parameters(ConsensusSettings(ann), protect=True)),
        ("label-corrections", WINE,
         lambda ds: labels.lb_corrected_csv(ds.sha256, Corrections.of("cultivar", {0: "class_2", 5: "class_0"}), ds, True),
         corrections_parameters(Corrections.of("cultivar", {0: "class_2", 5: "class_0"}), protect=True)),
        ("outliers", WINE, lambda ds: overview.ov_outliers_csv(ds.sha256, "cultivar", OutlierSettings(top=10), ds, True),
         outliers_parameters("cultivar", OutlierSettings(top=10), protect=True)),
        ("sampling-fix", REVIEWS, lambda ds: sampling.sb_fix_download(ds.sha256, resample, False, ds)[0],
         sampling_fix_parameters(resample, protect=False)),
        ("weak", REVIEWS, lambda ds: weak.ws_labeled_csv(ds.sha256, LFColumns(ann, abstain=None), LabelModelSettings(), ds),
         weak_parameters(LFColumns(ann, abstain=None), LabelModelSettings(), protect=True)),
    ]


@pytest.mark.parametrize("case", range(5), ids=["consensus", "label-corrections", "outliers", "sampling-fix", "weak"])
def test_every_page_download_verifies_with_the_cli(case, tmp_path, capsys_run):
    command, raw, build, parameters = _wrapper_cases()[case]
    dataset = load_csv(raw, name="input.csv")
    data = build(dataset).data  # what the page's download button is given
    record = provenance_for(data, file_name="download.csv", command=command, parameters=parameters, source=dataset,
                            written_by="dashboard: test", frame=dataset.frame)
    code, out, err = _verify(capsys_run, tmp_path, "download.csv", data, record.to_json(), raw)
    assert code == 0 and "reproduced byte for byte" in out, (out, err[-500:])


def test_the_augmentation_zip_carries_each_csvs_provenance_and_verifies_with_the_cli(tmp_path, capsys_run):
    # The Augmentation lab's zip (the cached wrapper its button is given): both CSVs' records are
    # inside, and the CLI re-runs recipe 'augment' from the input to the same bytes.
    from analysis.augment import AugmentSettings
    from dashboard.state import augmentation_strategies as aug_state

    dataset = load_csv(WINE, name="wine_imbalanced.csv")
    settings = AugmentSettings(target="cultivar", strategy="mixup", seed=2, source_name=dataset.name,
                               source_sha256=dataset.input_sha256)
    offered = aug_state.as_download(settings, True, dataset)
    with zipfile.ZipFile(io.BytesIO(offered["data"])) as z:
        files = {n: z.read(n) for n in z.namelist()}
    stem = "wine_imbalanced_mixup"
    for name in (f"{stem}.csv", f"{stem}_holdout.csv"):
        record = json.loads(files[provenance_name(name)])
        assert (record["command"], record["written_by"]) == ("augment", "dashboard: Augmentation lab")
        code, out, err = _verify(capsys_run, tmp_path, name, files[name], files[provenance_name(name)], WINE)
        assert code == 0 and "reproduced byte for byte" in out, (out, err[-500:])


def test_an_uploaded_files_provenance_is_linked_into_every_download_made_from_it(tmp_path, capsys_run):
    # Issue 12: chains of fixes stay linked in the browser too. The first fix is the CLI's (with its
    # record); the user uploads that file and its record; the sidebar says it is linked, and the
    # second fix's record holds the first record whole (reference: the JSON the CLI wrote).
    from dashboard import keys

    first = tmp_path / "first.csv"
    code, _, err = capsys_run("fix", sample_path("wine_imbalanced.csv"), "--target", "cultivar", "--strategy",
                              "random_over", "--is-synthetic", "--test-size", "0", "-o", first)
    assert code == 0, err
    record = (tmp_path / "first.csv.provenance.json").read_bytes()
    at = pagetest.open_page("rebalancing", sample="wine_imbalanced.csv")
    pagetest.upload(at, "first.csv", first.read_bytes())
    at.file_uploader(key=keys.UPLOAD_PROVENANCE).set_value(("first.csv.provenance.json", record,
                                                             "application/json")).run()
    assert not at.exception, at.exception
    assert any("Linked: this file is 'first.csv', written by cli fix" in c.value.replace("\\", "")
               for c in at.sidebar.caption)
    at.button(key=rb_state.RB_APPLY_FIX).click().run()
    assert not at.exception, at.exception
    settings = at.session_state[rb_state.RB_FIX_RUN]
    offered = rb_state.rb_fix_download(settings, True, at.session_state[keys.ACTIVE].dataset, record)
    second = json.loads(offered["provenance"])
    assert second["input_provenance"] == json.loads(record)
    # A record of another file is not linked, and the sidebar says so.
    other = json.loads(record)
    other["output"]["sha256"] = "0" * 64
    at.file_uploader(key=keys.UPLOAD_PROVENANCE).set_value(("x.provenance.json", json.dumps(other).encode(),
                                                             "application/json")).run()
    assert any("not linked" in w.value for w in at.sidebar.warning)
