"""The provenance record of a file the product writes: what it was made from, by what, and how.

A :class:`Provenance` is frozen and serialises to JSON (``to_dict`` /
``from_dict``, with a ``schema_version`` key). It is written beside its output
as ``OUT.provenance.json`` (CLI) or offered with the download (dashboard), and
``dataset-diagnostics verify`` checks an output against it.

The one function every writer calls is :func:`provenance_for`; the CLI then
calls :func:`write_beside`, the dashboard offers :meth:`Provenance.to_json`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import DiagnosticsError

if TYPE_CHECKING:
    from ..io import Dataset

__all__ = [
    "IS_SYNTHETIC",
    "PROVENANCE_SUFFIX",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Provenance",
    "ProvenanceError",
    "input_provenance",
    "product_version",
    "provenance_for",
    "provenance_name",
    "read_provenance",
    "row_kinds",
    "sha256_hex",
    "write_beside",
    "write_output",
]

SCHEMA = "dataset-diagnostics/provenance"
SCHEMA_VERSION = 1
PROVENANCE_SUFFIX = ".provenance.json"
#: The column that marks synthetic rows; every writer keeps its marks (see analysis.rebalance.fix).
IS_SYNTHETIC = "is_synthetic"
_PRODUCT = "dataset-diagnostics"


class ProvenanceError(DiagnosticsError):
    """A provenance record that cannot be read, or that does not describe the file it is given with."""

    code = "bad_provenance"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def product_version() -> str:
    """The installed version of dataset-diagnostics (``importlib.metadata``), else the source tree's."""
    try:
        return metadata.version(_PRODUCT)
    except metadata.PackageNotFoundError:  # pragma: no cover - running from an uninstalled source tree
        return _source_version()


def _source_version() -> str:  # pragma: no cover - only without an installed distribution
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def provenance_name(file_name: str) -> str:
    """The name of a file's provenance record: ``OUT.provenance.json``.

    >>> provenance_name("data_smote.csv")
    'data_smote.csv.provenance.json'
    """
    return f"{file_name}{PROVENANCE_SUFFIX}"


def row_kinds(frame: pd.DataFrame | None, *, synthetic: int | None = None) -> dict[str, Any]:
    """How many rows of a written table are original and how many synthetic, and what says so.

    The ``is_synthetic`` column decides when the table has one (true/1/yes are
    synthetic); otherwise ``synthetic``, the count the writer knows (a fix without
    the column); otherwise every row counts as original (the command adds none).

    >>> row_kinds(pd.DataFrame({"x": [1, 2, 3], "is_synthetic": [False, True, True]}))
    {'total': 3, 'original': 1, 'synthetic': 2, 'basis': 'is_synthetic column'}
    >>> row_kinds(pd.DataFrame({"x": [1, 2]}), synthetic=1)["original"]
    1
    """
    if frame is None:
        return {"total": None, "original": None, "synthetic": None, "basis": "not a table"}
    total = int(len(frame))
    if IS_SYNTHETIC in frame.columns:
        marks = frame[IS_SYNTHETIC]
        if pd.api.types.is_bool_dtype(marks.dtype) or pd.api.types.is_numeric_dtype(marks.dtype):
            count = int(marks.fillna(0).astype(bool).sum())
        else:
            count = int(marks.astype("string").str.strip().str.lower().isin(["true", "1", "yes"]).sum())
        basis = "is_synthetic column"
    elif synthetic is not None:
        count, basis = int(synthetic), "counted by the command that wrote it (no is_synthetic column)"
    else:
        count, basis = 0, "no is_synthetic column: every row counted as original"
    return {"total": total, "original": total - count, "synthetic": count, "basis": basis}


@dataclass(frozen=True)
class Provenance:
    """Where one written file came from. Build it with :func:`provenance_for`.

    ``command`` is the recipe that made the file (a name of
    :data:`analysis.provenance.RECIPES`, e.g. ``"fix"``), in the form the CLI
    takes; ``written_by`` says who ran it (``"cli fix"``, ``"dashboard: Rebalancing lab"``).
    ``parameters`` holds every parameter of the recipe (the seed among them, and
    also in ``seed``); ``output_role`` says which of the recipe's files this is
    (``"train"``, ``"test"``, ``"data"``). ``parent`` is the input's own provenance,
    so a chain of fixes stays linked.
    """

    command: str
    written_by: str
    parameters: Mapping[str, Any]
    output_name: str
    output_sha256: str
    output_size: int
    input_name: str | None
    input_sha256: str | None
    seed: int | None = None
    output_role: str = "data"
    rows: Mapping[str, Any] = field(default_factory=dict)
    input_steps: tuple[Mapping[str, Any], ...] = ()
    parent: Provenance | None = None
    product_version: str = ""
    created_utc: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "product": {"name": _PRODUCT, "version": self.product_version},
            "command": self.command,
            "written_by": self.written_by,
            "parameters": _plain(dict(self.parameters)),
            "seed": self.seed,
            "created_utc": self.created_utc,
            "input": {"name": self.input_name, "sha256": self.input_sha256, "steps": [dict(s) for s in self.input_steps]},
            "output": {"name": self.output_name, "sha256": self.output_sha256, "size": self.output_size,
                       "role": self.output_role},
            "rows": dict(self.rows),
            "input_provenance": self.parent.to_dict() if self.parent is not None else None,
            "notes": list(self.notes),
        }

    def to_json(self) -> bytes:
        """The record as UTF-8 JSON (strict: no NaN), what ``OUT.provenance.json`` holds."""
        return (json.dumps(self.to_dict(), indent=2, allow_nan=False, ensure_ascii=False) + "\n").encode("utf-8")

    @property
    def chain(self) -> tuple[Provenance, ...]:
        """This record and its ancestors, newest first."""
        out: list[Provenance] = []
        node: Provenance | None = self
        while node is not None:
            out.append(node)
            node = node.parent
        return tuple(out)

    @classmethod
    def from_dict(cls, raw: Any) -> Provenance:
        """Read a record written by :meth:`to_dict`; a missing or mistyped key raises :class:`ProvenanceError`."""
        if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
            raise ProvenanceError(f"This is not a dataset-diagnostics provenance record (no \"schema\": \"{SCHEMA}\").")
        version = raw.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ProvenanceError(f"Provenance schema version {version!r} is not supported; this version reads "
                                  f"{SCHEMA_VERSION}.")
        try:
            out, inp = raw["output"], raw["input"]
            parent = raw.get("input_provenance")
            record = cls(
                command=str(raw["command"]),
                written_by=str(raw.get("written_by", "")),
                parameters=dict(raw["parameters"]),
                output_name=str(out["name"]),
                output_sha256=str(out["sha256"]),
                output_size=int(out["size"]),
                output_role=str(out.get("role", "data")),
                input_name=None if inp.get("name") is None else str(inp["name"]),
                input_sha256=None if inp.get("sha256") is None else str(inp["sha256"]),
                input_steps=tuple(dict(s) for s in inp.get("steps") or ()),
                seed=None if raw.get("seed") is None else int(raw["seed"]),
                rows=dict(raw.get("rows") or {}),
                parent=None if parent is None else cls.from_dict(parent),
                product_version=str(raw["product"]["version"]),
                created_utc=str(raw.get("created_utc", "")),
                notes=tuple(str(n) for n in raw.get("notes") or ()),
            )
        except ProvenanceError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProvenanceError(f"The provenance record is incomplete or mistyped ({type(exc).__name__}: {exc}).") from None
        if len(record.output_sha256) != 64:
            raise ProvenanceError(f"The provenance record's output sha256 is not 64 hex digits: {record.output_sha256[:80]!r}.")
        return record

    @classmethod
    def from_json(cls, data: bytes | str) -> Provenance:
        try:
            raw = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ProvenanceError(f"The provenance file is not valid JSON ({exc}).") from None
        return cls.from_dict(raw)


def read_provenance(path: str | Path) -> Provenance:
    """The record in a ``*.provenance.json`` file (``ProvenanceError`` when unreadable or invalid)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ProvenanceError(f"Cannot read the provenance file '{path}': {exc.strerror or exc}.") from None
    return Provenance.from_json(data)


def input_provenance(dataset: Dataset | None, *, given: Provenance | bytes | None = None) -> tuple[Provenance | None, str | None]:
    """The input's own provenance, and a note when one was found but does not match the input.

    ``given`` is a record uploaded or passed with the data; otherwise ``<input>.provenance.json``
    beside an input read from a path is looked for. A record whose output hash is not the
    input's hash is not linked (the note says so): it describes another file.
    """
    if dataset is None:
        return None, None
    record: Provenance | None
    if isinstance(given, Provenance):
        record = given
    elif isinstance(given, (bytes, bytearray)):
        record = Provenance.from_json(bytes(given))
    else:
        source = dataset.source
        if not isinstance(source, Path):
            return None, None
        beside = source.with_name(provenance_name(source.name))
        if not beside.is_file():
            return None, None
        record = read_provenance(beside)
    if record.output_sha256 != dataset.input_sha256:
        return None, (f"A provenance record for the input was found ('{record.output_name}') but its output hash is "
                      "not the input's: it was not linked.")
    return record, None


def provenance_for(
    data: bytes,
    *,
    file_name: str,
    command: str,
    parameters: Mapping[str, Any],
    source: Dataset | None,
    written_by: str,
    frame: pd.DataFrame | None = None,
    synthetic: int | None = None,
    role: str = "data",
    parent: Provenance | bytes | None = None,
    notes: tuple[str, ...] = (),
) -> Provenance:
    """The provenance record of one written file: the one function every writer (CLI and dashboard) calls.

    Parameters
    ----------
    data : bytes
        The file exactly as written (its sha256 and size are recorded).
    file_name : str
        Its name (no folder): ``verify`` refuses a record for another name.
    command : str
        The recipe that made it, a name in :data:`analysis.provenance.RECIPES`.
    parameters : mapping
        Every parameter of the recipe, JSON-able, in the form its ``run`` takes
        (the seed included, under ``"seed"``, when the recipe has one).
    source : Dataset, optional
        The input it was made from (its file name, file sha256 and ``steps`` are recorded).
    written_by : str
        ``"cli <command>"`` or ``"dashboard: <page>"``.
    frame, synthetic : optional
        The written table, and the number of synthetic rows in it when it has no
        ``is_synthetic`` column, to count rows of each kind (:func:`row_kinds`).
    role : str
        Which of the recipe's files this is (``"train"``, ``"test"``, ``"data"``).
    parent : Provenance or bytes, optional
        The input's own record, when it came with the upload; otherwise
        ``<input>.provenance.json`` beside an input path is read.

    Examples
    --------
    >>> from analysis.io import load_csv
    >>> ds = load_csv(b"x,y\\n1,a\\n2,b\\n", name="d.csv")
    >>> p = provenance_for(b"x\\n1\\n", file_name="out.csv", command="fix", parameters={"seed": 3},
    ...                    source=ds, written_by="api")
    >>> p.seed, p.input_name, p.output_size, Provenance.from_dict(p.to_dict()) == p
    (3, 'd.csv', 4, True)
    """
    linked, note = input_provenance(source, given=parent)
    seed = parameters.get("seed")
    return Provenance(
        command=command,
        written_by=written_by,
        parameters=_plain(dict(parameters)),
        output_name=Path(file_name).name,
        output_sha256=sha256_hex(data),
        output_size=len(data),
        output_role=role,
        input_name=source.name if source is not None else None,
        input_sha256=source.input_sha256 if source is not None else None,
        input_steps=tuple(s.to_dict() for s in getattr(source, "steps", ())),
        seed=None if seed is None else int(seed),
        rows=row_kinds(frame, synthetic=synthetic),
        parent=linked,
        product_version=product_version(),
        created_utc=datetime.now(UTC).replace(microsecond=0).isoformat(),
        notes=tuple(notes) + ((note,) if note else ()),
    )


def write_beside(path: str | Path, record: Provenance) -> Path:
    """Write ``record`` as ``<path>.provenance.json`` beside the output; returns that path."""
    out = Path(path)
    target = out.with_name(provenance_name(out.name))
    target.write_bytes(record.to_json())
    return target


def write_output(
    path: str | Path,
    data: bytes,
    *,
    command: str,
    parameters: Mapping[str, Any],
    source: Dataset | None,
    written_by: str,
    frame: pd.DataFrame | None = None,
    synthetic: int | None = None,
    role: str = "data",
) -> Path:
    """Write ``data`` to ``path`` and its provenance beside it (what every CLI command that writes a file does).

    Returns the provenance file's path. The arguments are those of :func:`provenance_for`.
    """
    out = Path(path)
    out.write_bytes(data)
    record = provenance_for(data, file_name=out.name, command=command, parameters=parameters, source=source,
                            written_by=written_by, frame=frame, synthetic=synthetic, role=role)
    return write_beside(out, record)


def _plain(value: Any) -> Any:
    """JSON-able copy: numpy scalars as Python, tuples as lists, keys as text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
