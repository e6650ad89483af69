"""One local SparkSession for the engine tests (module-scoped users share it; stopped at the end)."""

from __future__ import annotations

import os
import shutil
import warnings

import pytest
from tiers import FAST_TIER

#: The JVM of a short test session: the client compiler only, and one garbage-collector thread.
#: The default (C2 compiler threads and parallel GC threads warming up for a long job) took
#: about 1.8 cores for the Spark tests' minute, and starved the other pytest worker: the Spark
#: tests alone measured 104 s of busy CPU against 57 s with these options (`/proc/stat` deltas).
#: Jobs on real data keep the JVM's defaults; this is set only here.
TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

#: The fast tier (``make test-fast``) runs Spark's plans interpreted: no whole-stage Java code is
#: generated and compiled (Janino) for every query of these few-hundred-row tables. The Spark tests
#: alone took 54 to 58 s instead of 60 to 61 s (busy CPU 67 to 70 s against 74 to 75 s; two runs
#: each, alternating). The numbers are the same either way (Spark's two execution modes); ``make
#: test`` and CI keep Spark's default, code generation, so the path real jobs take stays tested.
FAST_TIER_SQL_CONF = {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}


def _group(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    return None if mark is None else str(mark.args[0] if mark.args else mark.kwargs.get("name"))


def pytest_collection_finish(session):
    # pytest-xdist groups by a suffix it writes into each marked test's node id; when that stops
    # working (pytest 9.2 computes node ids from a structured id: pytest-dev/pytest-xdist#1386),
    # the Spark tests silently spread over both workers again. Say so.
    config = session.config
    if getattr(config, "workerinput", None) is None or not config.getvalue("loadgroup"):
        return
    lost = [item.nodeid for item in session.items
            if _group(item) == "spark" and not item.nodeid.endswith("@spark")]
    if lost:
        warnings.warn(pytest.PytestWarning(
            f"{len(lost)} Spark tests lost their xdist group (e.g. {lost[0]}): each worker will start "
            "its own JVM. Check the pytest / pytest-xdist versions (pyproject.toml pins pytest < 9.2)."), stacklevel=1)


@pytest.fixture(scope="session")
def spark():
    """Spark in local mode, one core, one shuffle partition: these tables have hundreds of rows."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("Spark tests need Java (.ci/run installs openjdk-17-jre-headless)")
        pytest.skip("no Java: Spark tests skipped (install openjdk-17-jre-headless)")
    os.environ["DD_SPARK_SHUFFLE_PARTITIONS"] = "1"
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f'--driver-java-options "{TEST_JVM_OPTIONS}" pyspark-shell')
    from analysis.engines.backends import spark_session

    session = spark_session("local[1]")
    if FAST_TIER:
        for key, value in FAST_TIER_SQL_CONF.items():
            session.conf.set(key, value)
    yield session
    session.stop()
