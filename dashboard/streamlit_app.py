"""Entry point of the dashboard: page config and navigation (the shared sidebar draws before each page)."""

import streamlit as st

from dashboard import sidebar, warm
from dashboard.state import (
    augmentation,
    augmentation_strategies,
    card,
    features,
    labels,
    overview,
    rebalancing,
    sampling,
    session,
    weak,
)

st.set_page_config(
    page_title="dataset-diagnostics",
    # An emoji favicon is drawn from a data: URL; a ":material/...:" one is fetched from fonts.gstatic.com,
    # a request to a third party on every page load (issue 15: nothing leaves for another host).
    page_icon="🔎",
    layout="wide",
    menu_items={"About": "dataset-diagnostics: is this training data fit to learn from?"},
)

pages = st.navigation(
    [
        # In the order of the training-data chapter: the sample, its labels, then imbalance.
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/features.py", title="Features", icon=":material/view_column:"),
        st.Page("app_pages/sampling.py", title="Sampling bias", icon=":material/groups:"),
        st.Page("app_pages/labels.py", title="Labels", icon=":material/label:"),
        st.Page("app_pages/weak.py", title="Weak supervision", icon=":material/rule:"),
        st.Page("app_pages/augmentation.py", title="Augmentation lab", icon=":material/auto_awesome:"),
        st.Page("app_pages/rebalancing.py", title="Rebalancing lab", icon=":material/balance:"),
        st.Page("app_pages/card.py", title="Dataset card", icon=":material/description:"),  # last: it gathers the others
    ]
)
# What the user set on any page survives a visit to another one (each page lists its inputs).
session.keep_inputs(tuple(k for m in (overview, features, sampling, labels, weak, augmentation, augmentation_strategies, rebalancing,
                                               card)
                          for k in getattr(m, "PERSIST", ())))
sidebar.render()
pages.run()
# After the first page is drawn: the other pages' imports load while the user reads it (dashboard/warm.py).
warm.warm_imports()
