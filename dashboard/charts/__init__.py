"""Pure chart builders: analysis result -> plotly Figure, one module per page.

No Streamlit here, so every builder is tested alone (tests/dashboard/test_charts*.py).
"""
