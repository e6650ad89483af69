"""Checking a written file against its provenance, and re-running its recipe.

:func:`verify` answers with a :class:`Verification` (the result protocol):
``verdict`` is ``"verified"`` when every check holds, else ``"failed"``, and
``checks`` names each one. A provenance file that cannot be read, or that
describes another output file, raises :class:`ProvenanceError` (bad input).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from ..results import ResultMixin, Severity
from .recipes import RECIPES, load_input
from .record import Provenance, ProvenanceError, product_version, read_provenance, sha256_hex

__all__ = ["Check", "Verification", "verify"]


@dataclass(frozen=True)
class Check:
    """One check: its name (``output_sha256``, ``input_sha256``, ``input_present``, ``product_version``,
    ``reproduced``, ``input_provenance``), whether it held, and what was found."""

    name: str
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass(frozen=True, eq=False)
class Verification(ResultMixin):
    """What ``verify`` found: every check, the record it checked against, and whether the recipe was re-run."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"verified": "ok", "failed": "critical"}

    output: str
    record: Provenance
    checks: tuple[Check, ...]
    reran: bool
    notes: tuple[str, ...] = ()

    @property
    def verdict(self) -> str:  # type: ignore[override]
        return "verified" if all(c.ok for c in self.checks) else "failed"

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.checks if not c.ok)

    @property
    def verdict_text(self) -> str:
        r = self.record
        if self.verdict == "verified":
            what = (f"reproduced byte for byte by re-running '{r.command}' on {r.input_name}"
                    if self.reran else "its sha256 matches the record (recipe not re-run: give --input to re-run it)")
            return f"{self.output}: verified; {what}."
        return f"{self.output}: FAILED: " + "; ".join(c.detail for c in self.checks if not c.ok) + "."

    def to_dict(self) -> dict[str, Any]:
        r = self.record
        return {
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "output": self.output,
            "command": r.command,
            "written_by": r.written_by,
            "reproduced": self.reran and self.verdict == "verified",
            "reran": self.reran,
            "failed": list(self.failed),
            "checks": [c.to_dict() for c in self.checks],
            "rows": dict(r.rows),
            "chain": [{"command": p.command, "output": p.output_name, "sha256": p.output_sha256,
                       "input": p.input_name, "input_sha256": p.input_sha256} for p in r.chain],
            "notes": list(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_dict() for c in self.checks], columns=["name", "ok", "detail"])


def verify(output: str | Path, provenance: str | Path | Provenance, *, input: str | Path | None = None) -> Verification:
    """Check ``output`` against its provenance; with ``input``, check it and re-run the recorded recipe.

    Raises
    ------
    ProvenanceError
        The provenance cannot be read or is not valid, describes another file name,
        the output cannot be read, or (with ``input``) it names a recipe this version cannot re-run.
    """
    record = provenance if isinstance(provenance, Provenance) else read_provenance(provenance)
    out = Path(output)
    if record.output_name != out.name:
        raise ProvenanceError(f"The provenance describes '{record.output_name}', not '{out.name}': give the "
                              f"provenance written beside this file ({out.name}.provenance.json).")
    try:
        data = out.read_bytes()
    except OSError as exc:
        raise ProvenanceError(f"Cannot read the output '{out}': {exc.strerror or exc}.") from None
    checks = [_hash_check("output_sha256", "output", data, record.output_sha256, record.output_size)]
    if record.parent is not None:
        linked = record.parent.output_sha256 == record.input_sha256
        checks.append(Check("input_provenance", linked,
                            f"the input's own provenance ({record.parent.command}, {record.parent.output_name}) is linked"
                            if linked else "the linked input provenance describes another file than the input"))
    version = product_version()
    if input is None:
        notes = () if version == record.product_version else (
            f"Written by dataset-diagnostics {record.product_version}; this is {version}.",)
        return Verification(str(out), record, tuple(checks), reran=False, notes=notes)
    RECIPES[record.command]  # a recipe this version cannot re-run is bad input (exit 2), before any work
    source = Path(input)
    if not source.is_file():
        checks.append(Check("input_present", False, f"missing input: '{source}' does not exist"))
        return Verification(str(out), record, tuple(checks), reran=False)
    raw = source.read_bytes()
    checks.append(_hash_check("input_sha256", "input", raw, record.input_sha256 or "", None))
    same_version = version == record.product_version
    checks.append(Check("product_version", same_version, f"product version {version}" if same_version else
                        f"different product version: recorded {record.product_version}, this is {version}"))
    if not checks[-2].ok:
        return Verification(str(out), record, tuple(checks), reran=False)
    dataset = load_input(source, record.input_steps, max_bytes=max(len(raw), 1))
    _result, outputs = RECIPES[record.command].run(dataset, record.parameters)
    again = outputs.get(record.output_role)
    if again is None:
        checks.append(Check("reproduced", False, f"reproduced output differs: the re-run wrote no '{record.output_role}' file"))
    else:
        checks.append(_reproduced(again.data, data))
    return Verification(str(out), record, tuple(checks), reran=True)


def _hash_check(name: str, what: str, data: bytes, recorded: str, size: int | None) -> Check:
    found = sha256_hex(data)
    if found == recorded:
        return Check(name, True, f"{what} sha256 {found[:12]}… matches")
    extra = f", {len(data):,} bytes (recorded {size:,})" if size is not None and size != len(data) else ""
    return Check(name, False, f"{what} hash mismatch: sha256 {found[:12]}… is not the recorded {recorded[:12]}…{extra}")


def _reproduced(again: bytes, data: bytes) -> Check:
    if again == data:
        return Check("reproduced", True, f"re-run output identical ({len(data):,} bytes)")
    at = next((i for i, (a, b) in enumerate(zip(again, data)) if a != b), min(len(again), len(data)))
    line = data[:at].count(b"\n") + 1
    return Check("reproduced", False, f"reproduced output differs from byte {at:,} (line {line:,}); re-run wrote "
                                      f"{len(again):,} bytes, the file has {len(data):,}")
