"""Provenance of every file the product writes, and verifying a file against it.

- :func:`provenance_for` builds the record of one written file (the one
  function the CLI and the dashboard call); :func:`write_beside` writes it as
  ``OUT.provenance.json``; :meth:`Provenance.to_json` gives its bytes for a download.
- :data:`RECIPES` holds every kind of written file (``fix``, ``sampling-fix``,
  ``weak``, ``consensus``, ``label-corrections``, ``outliers``) with the code that
  makes it; the ``*_parameters`` helpers turn a page's or command's settings into
  the recorded parameters.
- :func:`verify` checks a file against its record and, given the input, re-runs
  the recipe and compares the bytes.
"""

from .recipes import (
    RECIPES,
    Output,
    Recipe,
    augment_parameters,
    consensus_parameters,
    corrections_parameters,
    fix_parameters,
    load_input,
    outliers_parameters,
    sampling_fix_parameters,
    weak_parameters,
)
from .record import (
    IS_SYNTHETIC,
    PROVENANCE_SUFFIX,
    SCHEMA,
    SCHEMA_VERSION,
    Provenance,
    ProvenanceError,
    input_provenance,
    product_version,
    provenance_for,
    provenance_name,
    read_provenance,
    row_kinds,
    sha256_hex,
    write_beside,
    write_output,
)
from .verify import Check, Verification, verify

__all__ = [
    "IS_SYNTHETIC",
    "PROVENANCE_SUFFIX",
    "RECIPES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Check",
    "Output",
    "Provenance",
    "ProvenanceError",
    "Recipe",
    "Verification",
    "augment_parameters",
    "consensus_parameters",
    "corrections_parameters",
    "fix_parameters",
    "input_provenance",
    "load_input",
    "outliers_parameters",
    "product_version",
    "provenance_for",
    "provenance_name",
    "read_provenance",
    "row_kinds",
    "sampling_fix_parameters",
    "sha256_hex",
    "verify",
    "weak_parameters",
    "write_beside",
    "write_output",
]
