"""A fix applied before the card was made, read from the recipe JSON the fix wrote (``fix``, ``bias -o``, the pages).

The card's "fixes applied" fact reads result objects; a recipe file read back is one
(:class:`AppliedRecipe`), so a card of a fixed file can say what was done to it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..results import ResultMixin, Severity
from .human import HumanFieldsError

__all__ = ["AppliedRecipe", "RecipeFileError", "read_recipe"]

_MAX_BYTES = 5_000_000


class RecipeFileError(HumanFieldsError):
    """A recipe file that cannot be read or is not a dataset-diagnostics recipe."""

    code = "recipe_file"


@dataclass(frozen=True)
class AppliedRecipe(ResultMixin):
    """One recipe JSON as a result: what was applied, to which input, with how many rows in and out."""

    SEVERITY: ClassVar[dict[str, Severity]] = {"applied": "info"}

    name: str
    recipe: dict[str, Any]
    verdict: str = "applied"

    @property
    def verdict_text(self) -> str:
        s = self.recipe.get("settings") or {}
        what = s.get("strategy") or s.get("method") or "a fix"
        src = self.recipe.get("source") or {}
        rows = f" ({src.get('rows', '?'):,} rows in, {self.recipe.get('output_rows', '?'):,} out)" if isinstance(
            src.get("rows"), int) and isinstance(self.recipe.get("output_rows"), int) else ""
        return f"{what} applied to '{src.get('name', 'the input')}'{rows}, recipe {self.name}."

    def to_dict(self) -> dict[str, Any]:
        s = self.recipe.get("settings") or {}
        before, after = s.get("counts_before") or {}, s.get("counts_after") or {}
        grown = sum(int(v) for v in after.values()) - sum(int(v) for v in before.values()) if before and after else 0
        return {"recipe": self.recipe, "n_synthetic": max(grown, 0) if s.get("family") == "over" else None,
                "n_removed": None}


def read_recipe(path: str | os.PathLike) -> AppliedRecipe:
    p = Path(path)
    try:
        if p.stat().st_size > _MAX_BYTES:
            raise RecipeFileError(f"'{p.name}' is larger than {_MAX_BYTES:,} bytes: not a recipe file.")
        raw = json.loads(p.read_bytes())
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise RecipeFileError(f"Cannot read the recipe file '{p}': {exc.strerror}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecipeFileError(f"The recipe file '{p.name}' is not valid JSON ({exc}).") from None
    if not isinstance(raw, dict) or raw.get("tool") != "dataset-diagnostics" or "settings" not in raw:
        raise RecipeFileError(f"'{p.name}' is not a dataset-diagnostics recipe (no 'tool' and 'settings' keys); "
                              "pass the *_recipe.json a fix wrote.")
    return AppliedRecipe(p.name, raw)
