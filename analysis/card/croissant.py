"""The card as Croissant 1.0 JSON-LD (MLCommons), with its Responsible-AI (``rai:``) fields.

One ``cr:FileObject`` describes the CSV (``contentUrl``, ``encodingFormat``
``text/csv``, ``sha256`` of its bytes); one ``cr:RecordSet`` holds one ``cr:Field``
per column with its ``dataType`` mapped from the column's type. The RAI fields
the diagnostics can fill (data collection, biases, limitations, annotation
protocol and annotations per item, preprocessing) carry the measured facts'
sentences; the ones only a person knows (use cases, sensitive information,
maintenance) carry the human fields.

The format is checked in the tests with ``mlcroissant validate`` and by loading
the records back with ``mlcroissant.Dataset`` (a test dependency, not a core one).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from .card import DatasetCard
from .markdown import DEFAULT_TASK

__all__ = ["CROISSANT_CONTEXT", "croissant", "croissant_bytes", "croissant_type"]

#: The standard Croissant 1.0 ``@context`` (croissant spec, 1.0, "Appendix: JSON-LD context").
CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_RECORDS = "records"


def croissant_type(series: pd.Series) -> str:
    """The Croissant ``dataType`` of a column: sc:Boolean, sc:Integer, sc:Float, sc:Date or sc:Text.

    An integer column with missing cells is sc:Float (a CSV reader gives floats there).
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "sc:Boolean" if not series.isna().any() else "sc:Text"
    if pd.api.types.is_integer_dtype(dtype):
        return "sc:Integer" if not series.isna().any() else "sc:Float"
    if pd.api.types.is_float_dtype(dtype):
        return "sc:Float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "sc:Date"
    return "sc:Text"


def _slug(text: str, used: set[str]) -> str:
    """A field id made of safe characters, unique within the record set."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "column"
    slug, i = base, 2
    while slug in used:
        slug, i = f"{base}_{i}", i + 1
    used.add(slug)
    return slug


def _texts(card: DatasetCard, *keys: str) -> list[str]:
    return [f"{card.fact(k).title} ({'measured on the ' + card.fact(k).page + ' page' if card.fact(k).measured else 'not measured'}): "
            f"{card.fact(k).text}" for k in keys]


def croissant(card: DatasetCard, *, content_url: str | None = None, frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """The Croissant JSON-LD object of a card.

    Parameters
    ----------
    card : DatasetCard
    content_url : str, optional
        Where the CSV is, relative to the JSON-LD file (default: the file name, i.e. published beside it).
    frame : DataFrame, optional
        The data, for the column types (default: the card's preview; an integer column whose
        missing cells come later would then be typed sc:Integer, so pass the data when you have it).
    """
    h = card.human
    file_id = card.name or "data.csv"
    sample = frame if frame is not None else card.preview
    used: set[str] = set()
    fields = []
    for column in sample.columns:
        series = sample[column]
        slug = _slug(str(column), used)
        fields.append({
            "@type": "cr:Field",
            "@id": f"{_RECORDS}/{slug}",
            "name": slug,
            "description": f"Column '{column}'" + (" (the target)" if column == card.target else "") + ".",
            "dataType": croissant_type(series),
            "source": {"fileObject": {"@id": file_id}, "extract": {"column": str(column)}},
        })
    file_object: dict[str, Any] = {
        "@type": "cr:FileObject",
        "@id": file_id,
        "name": file_id,
        "contentUrl": content_url or file_id,
        "encodingFormat": "text/csv",
    }
    if card.sha256:
        file_object["sha256"] = card.sha256
    description = (f"{card.rows:,} rows × {card.columns:,} columns, target '{card.target}'. {card.verdict_text}")
    if h.motivation.strip():
        description = h.motivation.strip() + "\n\n" + description
    out: dict[str, Any] = {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "name": card.title,
        "description": description,
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "license": h.licence.strip() or "unknown",
        "url": content_url or file_id,
        "keywords": [h.task_category.strip() or DEFAULT_TASK],
        "distribution": [file_object],
        "recordSet": [{"@type": "cr:RecordSet", "@id": _RECORDS, "name": _RECORDS,
                       "description": f"One record per row of {file_id}.", "field": fields}],
        # --- Responsible AI: filled from the measured facts ---
        "rai:dataCollection": " ".join(([h.collection.strip()] if h.collection.strip() else [])
                                       + _texts(card, "size", "representativeness")),
        "rai:dataBiases": _texts(card, "class_balance", "representativeness", "shift"),
        "rai:dataLimitations": _texts(card, "missing", "duplicates", "leakage", "label_errors", "robustness"),
        "rai:dataAnnotationProtocol": _texts(card, "agreement", "weak"),
        "rai:dataAnnotationAnalysis": _texts(card, "agreement", "label_errors"),
        "rai:dataPreprocessingProtocol": _texts(card, "fixes") + [
            json.dumps(f["recipe"], ensure_ascii=False, default=str)
            for f in (card.fact("fixes").data.get("fixes") or []) if f.get("recipe") is not None],
    }
    if h.languages:
        out["inLanguage"] = list(h.languages)
    agreement = card.fact("agreement")
    if agreement.measured and agreement.data.get("annotations_per_item") is not None:
        out["rai:annotationsPerItem"] = (f"{agreement.data['annotations_per_item']:.2f} ratings per rated item on "
                                         f"average, from {len(agreement.data['annotators'])} annotators")
    if card.fact("weak").measured:
        out["rai:machineAnnotationTools"] = ["labeling functions with a Dawid-Skene label model (dataset-diagnostics)"]
    # --- Responsible AI: written by a person ---
    uses = [t for t in (h.intended_uses.strip(), h.out_of_scope_uses.strip() and
                        "Out of scope: " + h.out_of_scope_uses.strip()) if t]
    if uses:
        out["rai:dataUseCases"] = uses
    if h.sensitive_information.strip():
        out["rai:personalSensitiveInformation"] = [h.sensitive_information.strip()]
    if h.maintenance.strip():
        out["rai:dataReleaseMaintenancePlan"] = h.maintenance.strip()
    return out


def croissant_bytes(card: DatasetCard, *, content_url: str | None = None, frame: pd.DataFrame | None = None) -> bytes:
    return json.dumps(croissant(card, content_url=content_url, frame=frame), indent=2, ensure_ascii=False,
                      allow_nan=False).encode()
