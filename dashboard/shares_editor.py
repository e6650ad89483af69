"""The value/share editor of the Sampling bias page: typed expected shares and raking margins.

Streamlit drops a data editor's edits when its page is not drawn; this editor
keeps them (see :func:`editor`). What the user typed is handed to the analysis
as typed: reading "22%" or "0,22" as a number is the only interpretation done
here, and anything else goes on to the analysis, which names what is wrong.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components
from dashboard.state import sampling as sb

__all__ = ["editor", "shares_from_editor", "untyped"]


def shares_from_editor(frame: pd.DataFrame) -> dict:
    """Rows of the shares editor -> {value: share as typed}; empty rows are skipped, the analysis validates the rest."""
    out = {}
    for value, share in zip(frame["value"], frame["share"]):
        if _blank(value):
            continue
        out[str(value).strip()] = _typed_number(share)
    return out


def _typed_number(share):
    """A typed share: a number stays, text is read as a number ("0.22", "22%" -> 0.22); other text goes to the analysis to refuse."""
    if _blank(share):
        return float("nan")
    if isinstance(share, str):
        text = share.strip().replace(",", ".") if share.count(",") == 1 and "." not in share else share.strip()
        try:
            return float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            return text
    return share


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""


def untyped(frame: pd.DataFrame) -> list[str]:
    """Values of the editor whose share is still empty."""
    return [str(v).strip() for v, s in zip(frame["value"], frame["share"]) if not _blank(v) and _blank(s)]


def editor(key: str, shares: dict, *, blank: bool) -> pd.DataFrame:
    """A value/share editor whose rows survive a change of page.

    Streamlit drops a data editor's edits when its page is not drawn, and its
    value cannot be set through session state. So the edited rows are kept
    under ``SB_KEPT_PREFIX + key``; when the editor is drawn afresh (first
    visit, or back from another page) it is seeded from them. While it stays
    on screen its seed does not change (a new seed would reset the editor).
    ``blank``: shares start empty (typed shares: nothing is assumed), else
    they start at ``shares`` (raking margins, pre-filled with the sample's).
    """
    seed_key, kept_key = sb.SB_SEED_PREFIX + key, sb.SB_KEPT_PREFIX + key
    if key not in st.session_state or seed_key not in st.session_state:
        kept = st.session_state.get(kept_key)
        # Typed shares start as empty text (an empty number cell would read "None"); raking margins start at the sample's.
        start = [""] * len(shares) if blank else [f"{s:.4f}" for s in shares.values()]
        shown = [components.clip(v) for v in shares]  # a huge value is shown clipped; read back in full below
        st.session_state[seed_key] = kept if kept is not None else pd.DataFrame({"value": shown, "share": start}, dtype="object")
    edited = st.data_editor(
        st.session_state[seed_key],
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "value": st.column_config.TextColumn("value", required=True),
            "share": st.column_config.TextColumn("expected share", help="A share (0.22), a percentage (22%) or a count."),
        },
    )
    st.session_state[kept_key] = edited
    full = {components.clip(v): v for v in shares}
    if any(k != v for k, v in full.items()):
        edited = edited.assign(value=[full.get(v, v) if isinstance(v, str) else v for v in edited["value"]])
    return edited
