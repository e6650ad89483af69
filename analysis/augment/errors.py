"""The augmentation lab's errors: each a :class:`analysis.errors.DiagnosticsError` (CLI exit 2, page error box)."""

from __future__ import annotations

from ..errors import DiagnosticsError

__all__ = ["AugmentError", "TemplateError", "UnknownAugmentationError"]


class AugmentError(DiagnosticsError):
    """Bad settings for an augmentation comparison or download."""

    code = "bad_augmentation_settings"


class UnknownAugmentationError(AugmentError):
    """A strategy name that is not in :data:`analysis.augment.AUGMENTATIONS`."""

    code = "unknown_augmentation"


class TemplateError(AugmentError):
    """Templates that cannot be expanded: unknown slot, empty value list, bad syntax, too many rows."""

    code = "bad_templates"
