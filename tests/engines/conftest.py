"""One local SparkSession for the engine tests (module-scoped users share it; stopped at the end)."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def spark():
    """Spark in local mode, one core, one shuffle partition: these tables have hundreds of rows."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        if os.environ.get("CI"):
            pytest.fail("Spark tests need Java (.ci/run installs openjdk-17-jre-headless)")
        pytest.skip("no Java: Spark tests skipped (install openjdk-17-jre-headless)")
    os.environ["DD_SPARK_SHUFFLE_PARTITIONS"] = "1"
    from analysis.engines.backends import spark_session

    session = spark_session("local[1]")
    yield session
    session.stop()
