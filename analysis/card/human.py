"""The fields of a dataset card only a person can write, and their small save file.

Measured facts fill themselves in (:mod:`analysis.card.facts`); these do not:
why the data exists, what it is for and not for, its licence, what sensitive
information it holds and who maintains it (the "motivation", "uses" and
"maintenance" questions of Gebru et al., *Datasheets for Datasets*, 2021),
plus the language and task category the Hugging Face metadata header asks for.

They are saved as a small JSON file (or YAML when PyYAML is installed), so a
card can be finished later.

>>> h = HumanFields(licence="cc-by-4.0", motivation="Fraud research.")
>>> HumanFields.from_json(h.to_json()) == h
True
>>> HumanFields.from_dict({"licence": 3})
Traceback (most recent call last):
analysis.card.human.HumanFieldsError: The human fields file has a non-text value for 'licence' (int); every field is text.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..errors import DiagnosticsError

__all__ = ["FIELD_LABELS", "MAX_FIELD_CHARS", "MAX_FILE_BYTES", "HumanFields", "HumanFieldsError"]

#: A saved file is a few kilobytes; anything far larger is not one.
MAX_FILE_BYTES = 1_000_000
#: One field holds at most this much text (a page of prose is ~3,000 characters).
MAX_FIELD_CHARS = 20_000

#: field -> (label, what to write): the page's text areas and the card's prompts, in card order.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "pretty_name": ("Dataset name", "A readable name for the card's title (default: the file name)."),
    "motivation": ("Motivation", "Why was the dataset created? By whom, for which task, funded by whom?"),
    "intended_uses": ("Intended uses", "What should the data be used for?"),
    "out_of_scope_uses": ("Out-of-scope uses", "What should it not be used for, and why?"),
    "licence": ("Licence", "A licence identifier such as cc-by-4.0, mit or other."),
    "sensitive_information": (
        "Sensitive information",
        "Does it hold personal or sensitive data (names, health, finances, protected groups)? How is it protected?",
    ),
    "maintenance": ("Maintenance", "Who maintains it, how are errors reported, will it be updated?"),
    "collection": ("Collection process", "How, when and by whom were the rows collected or sampled?"),
    "language": ("Language", "Language codes of any text, comma-separated (e.g. en, fr); empty when none."),
    "task_category": ("Task category", "A Hugging Face task category (default: tabular-classification)."),
}


class HumanFieldsError(DiagnosticsError):
    """A human fields file that cannot be read, or holds something other than text fields."""

    code = "human_fields"


@dataclass(frozen=True)
class HumanFields:
    """What a person writes on a card; every field is plain text, empty when not written yet."""

    pretty_name: str = ""
    motivation: str = ""
    intended_uses: str = ""
    out_of_scope_uses: str = ""
    licence: str = ""
    sensitive_information: str = ""
    maintenance: str = ""
    collection: str = ""
    language: str = ""
    task_category: str = ""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.language.replace(";", ",").split(",") if p.strip())

    @property
    def filled(self) -> tuple[str, ...]:
        """The fields written so far."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name).strip())

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def to_json(self) -> bytes:
        return json.dumps({"dataset_card_human_fields": 1, **self.to_dict()}, indent=2, ensure_ascii=False).encode()

    def to_yaml(self) -> bytes:
        try:
            import yaml
        except ImportError:
            raise HumanFieldsError("Writing YAML needs PyYAML (pip install pyyaml); save as .json instead.") from None

        return yaml.safe_dump({"dataset_card_human_fields": 1, **self.to_dict()}, allow_unicode=True,
                              sort_keys=False).encode()

    def with_values(self, **values: str) -> HumanFields:
        return HumanFields.from_dict({**self.to_dict(), **values})

    @classmethod
    def from_dict(cls, raw: Any) -> HumanFields:
        if not isinstance(raw, dict):
            raise HumanFieldsError(
                f"The human fields file must hold one object of text fields; got {type(raw).__name__}.")
        known = {f.name for f in fields(cls)}
        values: dict[str, str] = {}
        for key, value in raw.items():
            if key == "dataset_card_human_fields":
                continue
            key = "licence" if key == "license" else key  # the American spelling (Hugging Face's key)
            if key not in known:
                raise HumanFieldsError(
                    f"The human fields file has an unknown field {str(key)[:60]!r}; expected some of: "
                    f"{', '.join(sorted(known))}.")
            if value is None:
                continue
            if not isinstance(value, str):
                raise HumanFieldsError(
                    f"The human fields file has a non-text value for {key!r} ({type(value).__name__}); "
                    "every field is text.")
            if len(value) > MAX_FIELD_CHARS:
                raise HumanFieldsError(
                    f"The field {key!r} holds {len(value):,} characters; at most {MAX_FIELD_CHARS:,} are kept.")
            values[key] = value
        return replace(cls(), **values)

    @classmethod
    def from_json(cls, data: bytes | str) -> HumanFields:
        try:
            raw = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HumanFieldsError(f"The human fields file is not valid JSON ({exc}).") from None
        return cls.from_dict(raw)

    @classmethod
    def from_bytes(cls, data: bytes, *, name: str = "human fields") -> HumanFields:
        """Read a saved file: JSON, or YAML (by its name's suffix, or when it is not JSON and PyYAML is present)."""
        if len(data) > MAX_FILE_BYTES:
            raise HumanFieldsError(
                f"'{name}' is {len(data):,} bytes; a human fields file is at most {MAX_FILE_BYTES:,}.")
        suffix = os.path.splitext(name)[1].lower()
        stripped = data.lstrip()
        if suffix == ".json" or stripped.startswith(b"{") or not stripped:
            if not stripped:
                raise HumanFieldsError(f"'{name}' is empty; save the human fields from the card page or write JSON.")
            return cls.from_json(data)
        try:
            import yaml
        except ImportError:
            raise HumanFieldsError(
                f"'{name}' is not JSON, and reading YAML needs PyYAML (pip install pyyaml).") from None
        try:
            raw = yaml.safe_load(data.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise HumanFieldsError(f"'{name}' is neither valid JSON nor valid YAML ({first}).") from None
        return cls.from_dict(raw)

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> HumanFields:
        p = Path(path)
        try:
            size = p.stat().st_size
            if size > MAX_FILE_BYTES:
                raise HumanFieldsError(
                    f"'{p.name}' is {size:,} bytes; a human fields file is at most {MAX_FILE_BYTES:,}.")
            data = p.read_bytes()
        except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
            raise HumanFieldsError(f"Cannot read the human fields file '{p}': {exc.strerror}.") from None
        return cls.from_bytes(data, name=p.name)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the fields as YAML for a ``.yaml``/``.yml`` path, else JSON."""
        p = Path(path)
        p.write_bytes(self.to_yaml() if p.suffix.lower() in (".yaml", ".yml") else self.to_json())
        return p
