"""A file opened on DuckDB or Spark as the pandas ``Dataset`` the model-based commands take.

Commands whose diagnostics fit models (``compare``, ``fix``, ``label-issues``, ``features``,
``agreement``, ``weak``, ``shift``'s domain classifier) run on pandas; on DuckDB or Spark they
get the whole table when it has at most ``sample_rows`` rows, else the engine's stratified
sample (by the target, when the command has one), whose size and seed the JSON prints
under ``sample``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..io import Dataset
from ..results import py_scalar
from .registry import EngineSettings, open_table
from .sample import SampleInfo, draw_sample
from .table import is_parquet_source, parquet_files

__all__ = ["engine_dataset", "file_sha256"]


def file_sha256(path: str) -> str:
    """SHA-256 of the file's bytes (of the Parquet files' bytes in order, for a directory or a glob)."""
    digest = hashlib.sha256()
    files = parquet_files(path) if is_parquet_source(path) else [path]
    for f in files:
        with open(f, "rb") as fh:
            for chunk in iter(lambda: fh.read(16 * 1024 * 1024), b""):
                digest.update(chunk)
    return digest.hexdigest()


def engine_dataset(path: str, settings: EngineSettings, *, target: str | None) -> tuple[Dataset, SampleInfo | None]:
    """The rows of ``path`` as a ``Dataset`` (sampled on a large table) and how they were drawn."""
    table = open_table(path, settings)
    counts = None
    if target is not None and table.pandas is None and table.n_rows > settings.sample_rows and target in table.columns:
        from .overview import label_counts

        series, _ = label_counts(table, target)
        counts = {py_scalar(k): int(v) for k, v in series.items()}
    frame, sample = draw_sample(table, target=target, sample_rows=settings.sample_rows, seed=settings.seed,
                                class_counts=counts)
    notes = tuple(table.notes) + ((sample.note(),) if sample is not None else ())
    dataset = Dataset(frame=frame, name=table.name, sha256=file_sha256(path), notes=notes,
                      source=Path(path) if Path(path).is_file() else None)
    return dataset, sample
