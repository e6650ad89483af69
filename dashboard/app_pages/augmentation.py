"""Augmentation lab: robustness under perturbations, augmentation strategies side by side, the download.

(This file holds the strategy sections only; the robustness sections come with the robustness work.)
"""

from __future__ import annotations

import streamlit as st

from dashboard import sidebar
from dashboard.app_pages import augmentation_strategies


def main() -> None:
    st.title("Augmentation lab")
    current = sidebar.require_dataset()
    augmentation_strategies.render(current)


main()
