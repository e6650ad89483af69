"""Dataset card: measured facts in the Datasheets for Datasets layout, human fields, Markdown and Croissant.

The HTML report is drawn by ``dashboard.report`` (plotly lives there, never here).
"""

from .card import MEASURED_BY_CARD, PREVIEW_ROWS, RESULT_KEYS, DatasetCard, build_card, size_category
from .croissant import croissant, croissant_bytes, croissant_type
from .facts import FACTS, SECTIONS, Fact, FactSpec
from .human import FIELD_LABELS, HumanFields, HumanFieldsError
from .markdown import md_escape, to_markdown, yaml_header
from .recipes import AppliedRecipe, RecipeFileError, read_recipe

__all__ = [
    "FACTS",
    "AppliedRecipe",
    "RecipeFileError",
    "read_recipe",
    "FIELD_LABELS",
    "MEASURED_BY_CARD",
    "PREVIEW_ROWS",
    "RESULT_KEYS",
    "SECTIONS",
    "DatasetCard",
    "Fact",
    "FactSpec",
    "HumanFields",
    "HumanFieldsError",
    "build_card",
    "croissant",
    "croissant_bytes",
    "croissant_type",
    "md_escape",
    "size_category",
    "to_markdown",
    "yaml_header",
]
