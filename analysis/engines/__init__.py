"""Counting diagnostics over pandas, DuckDB or Spark, with the same numbers on each.

``registry``  the engine registry (``ENGINES``), ``EngineSettings``, ``auto``'s choice, ``open_table``
``backends``  the three engines: how each opens a path, a pandas frame or its own native table
``table``     :class:`Table`: one table on one engine, with each row's source position
``counts``    the counting queries, written once over narwhals (GROUP BY, null counts, duplicates)
``sample``    the stratified sample model-based diagnostics use on a large table
``overview``  the overview from engine counts; ``bias`` the sampling-bias report from engine counts
``weak``      LF vote patterns and their counts, for the LF summary and the label model
"""

from typing import Any

from . import backends as _backends  # noqa: F401  (registers the engines)
from .registry import (
    AUTO_PANDAS_MAX_BYTES,
    DEFAULT_SAMPLE_ROWS,
    ENGINES,
    Engine,
    EngineSettings,
    UnknownEngineError,
    choose_engine,
    is_native_table,
    open_table,
)
from .sample import SampleInfo, draw_sample, whole_table
from .table import ROW, Table

__all__ = [
    "AUTO_PANDAS_MAX_BYTES",
    "DEFAULT_SAMPLE_ROWS",
    "ENGINES",
    "ROW",
    "Engine",
    "EngineOverview",
    "EngineSettings",
    "SampleInfo",
    "Table",
    "UnknownEngineError",
    "choose_engine",
    "draw_sample",
    "is_native_table",
    "engine_bias_report",
    "engine_overview",
    "engine_weak_labels",
    "label_counts",
    "open_table",
    "whole_table",
]

#: Heavy names (they import the overview and sampling packages) load on first use, so the CLI's
#: argument parser can list the engines without importing scipy.
_LAZY = {
    "engine_bias_report": ".bias",
    "EngineOverview": ".overview",
    "engine_overview": ".overview",
    "label_counts": ".overview",
    "engine_weak_labels": ".weak",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
