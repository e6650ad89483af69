"""The provenance offered with every download: a small second button beside it (zips carry it inside).

Each page hands over the bytes it offers, the recipe's name and parameters (the
``analysis.provenance.*_parameters`` helpers turn its settings into the form the
CLI takes), and the dataset; :func:`analysis.provenance.provenance_for` builds
the record, so a dashboard download verifies with ``dataset-diagnostics verify``
exactly as a CLI output does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from analysis.io import Dataset
from analysis.provenance import Provenance, provenance_for, provenance_name

__all__ = ["PROVENANCE_HELP", "input_parent", "protect_on", "provenance_button", "provenance_key"]

PROVENANCE_HELP = (
    "Where this file came from: the input's name and sha256, the file's sha256, the product version, "
    "the recipe with every parameter and the seed, and how many rows are original or synthetic. Check it with "
    "`dataset-diagnostics verify FILE --provenance FILE.provenance.json --input INPUT`, which re-runs the recipe."
)


def protect_on(protect_key: str) -> bool:
    """Whether the download's "protect formulas" switch (``components.download_with_protection``) is on."""
    return bool(st.session_state.get(protect_key, True))


def input_parent() -> bytes | None:
    """The uploaded file's own provenance record (the sidebar's optional second upload), as bytes.

    Every record the dashboard writes passes it as ``parent``: when its output hash is the
    upload's hash it is linked, so chains of fixes made in the browser stay linked as on the CLI.
    """
    from dashboard import keys

    uploaded = st.session_state.get(keys.UPLOAD_PROVENANCE)
    return None if uploaded is None else bytes(uploaded.getvalue())


def provenance_key(download_key: str) -> str:
    """The provenance button's key, derived from its download's key constant (one per download)."""
    return f"{download_key}_provenance"


def provenance_button(
    data: bytes,
    *,
    file_name: str,
    command: str,
    parameters: Mapping[str, Any],
    dataset: Dataset,
    page: str,
    download_key: str,
    frame: pd.DataFrame | None = None,
    synthetic: int | None = None,
    role: str = "data",
    container: Any = None,
) -> Provenance:
    """Offer ``FILE.provenance.json`` for the download ``data`` (named ``file_name``) and return the record."""
    record = provenance_for(data, file_name=file_name, command=command, parameters=parameters, source=dataset,
                            written_by=f"dashboard: {page}", frame=frame, synthetic=synthetic, role=role,
                            parent=input_parent())
    (container or st).download_button(
        "Download its provenance (JSON)", data=record.to_json(), file_name=provenance_name(file_name),
        mime="application/json", icon=":material/verified:", key=provenance_key(download_key), on_click="ignore",
        help=PROVENANCE_HELP,
    )
    return record
