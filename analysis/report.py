"""Compatibility re-export: the overview lives in :mod:`analysis.overview`.

This module exists only until the integrator updates the last importers of
``analysis.report`` (other packages moved concurrently); it is then deleted.
"""

from .overview import DuplicateSummary, Overview, duplicate_summary, overview  # noqa: F401
