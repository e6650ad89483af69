"""Keys and cached wrappers of the Features page (prefix "ft_"), and the two choices other pages honour.

- "Exclude suspected leaking features" (:data:`FT_EXCLUDE`): the rebalancing and
  label-issue labs put :func:`excluded_columns` into their settings' ``excluded``.
- "Read the tokens as missing" (:data:`FT_TOKENS_MISSING` + dataset): the sidebar
  hands every page :func:`effective_dataset` (downloads still write the uploaded text).
"""

from __future__ import annotations

import streamlit as st

from analysis.columns import (
    Correlations,
    FeatureByClass,
    FeatureReport,
    Integrity,
    LeakageSettings,
    correlations,
    feature_by_class,
    feature_report,
    integrity,
    read_tokens_as_missing,
)
from analysis.io import Dataset
from dashboard.state.session import CACHE_TTL, get_schema

FT_EXCLUDE = "ft_exclude_leaking"  # checkbox: one choice for every dataset (the suspects are per dataset)
FT_TOKENS_MISSING = "ft_tokens_missing_"  # + original sha256[:16]: read mixed-type tokens as missing
FT_FEATURE = "ft_feature_"  # + sha256[:16]: the feature viewed by class
FT_BINS = "ft_bins"
FT_TABLE = "ft_table"
FT_LEAK_TABLE = "ft_leak_table"
FT_WANTED = "ft_wanted"  # (sha256, target) pairs whose feature report this session computed or asked for (not a widget)
FT_INTEGRITY_TABLE = "ft_integrity_table"
FT_BY_CLASS_CHART = "ft_by_class_chart"
FT_CORR_NUMERIC = "ft_corr_numeric"
FT_CORR_CATEGORICAL = "ft_corr_categorical"
FT_AUC_CHART = "ft_auc_chart"

#: Value widgets kept when the user changes page (dashboard.state.session.keep_inputs).
PERSIST: tuple[str, ...] = (FT_EXCLUDE, FT_TOKENS_MISSING, FT_FEATURE, FT_BINS)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ft_report(sha256: str, target: str, settings: LeakageSettings, _dataset: Dataset) -> FeatureReport:
    # the schema the sidebar inferred already (cached by the same hash): not inferred twice per upload
    return feature_report(_dataset.frame, target=target, settings=settings, schema=get_schema(sha256, _dataset))


#: The settings of the feature report every page shows (Overview, Features, the labs' exclusion, the card).
PAGE_SETTINGS = LeakageSettings()


def page_report(dataset: Dataset, target: str) -> FeatureReport:
    """The feature report the pages show (:data:`PAGE_SETTINGS`, cached), noted as wanted in this session, so
    that the Dataset card, which only reads what the session computed, counts its leakage suspects as measured."""
    want(dataset, target)
    return ft_report(dataset.sha256, target, PAGE_SETTINGS, dataset)


def want(dataset: Dataset, target: str) -> None:
    """Note that this session computed, or asked for, the page feature report of ``dataset`` and ``target``."""
    st.session_state.setdefault(FT_WANTED, set()).add((dataset.sha256, target))


def wanted(dataset: Dataset, target: str) -> bool:
    """Whether this session computed, or asked for, the page feature report of ``dataset`` and ``target``."""
    return (dataset.sha256, target) in st.session_state.get(FT_WANTED, set())


@st.cache_data(max_entries=32, ttl=CACHE_TTL, show_spinner=False)
def ft_by_class(sha256: str, target: str, feature: str, bins: int, _dataset: Dataset) -> FeatureByClass:
    return feature_by_class(_dataset.frame, target=target, feature=feature, bins=bins)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ft_correlations(sha256: str, target: str, settings: LeakageSettings, _dataset: Dataset) -> Correlations:
    """Pairwise measures of the 20 features most associated with the target."""
    ranked = [f.feature for f in ft_report(sha256, target, settings, _dataset).associations.features]
    return correlations(_dataset.frame, columns=ranked)


@st.cache_data(max_entries=16, ttl=CACHE_TTL, show_spinner=False)
def ft_integrity(sha256: str, _dataset: Dataset) -> Integrity:
    return integrity(_dataset.frame)


@st.cache_resource(max_entries=4, ttl=CACHE_TTL, show_spinner=False)
def _tokens_missing(sha256: str, _dataset: Dataset) -> Dataset:
    return read_tokens_as_missing(_dataset, ft_integrity(sha256, _dataset))  # type: ignore[return-value]


def tokens_key(dataset: Dataset) -> str:
    return FT_TOKENS_MISSING + dataset.sha256[:16]


def effective_dataset(original: Dataset) -> Dataset:
    """The dataset every page analyses: with mixed-type tokens read as missing when the user chose so."""
    if not st.session_state.get(tokens_key(original)):
        return original
    return _tokens_missing(original.sha256, original)


def excluded_columns(dataset: Dataset, target: str | None) -> tuple[str, ...]:
    """The suspected leaks the labs leave out (none unless "exclude suspected leaking features" is on)."""
    if target is None or not st.session_state.get(FT_EXCLUDE):
        return ()
    return page_report(dataset, target).leakage.suspects
