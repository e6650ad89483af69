"""Session state and cached wrappers around the analysis layer: one module per page.

``session`` holds the active dataset every page reads; each page's module
(``overview``, ``sampling``, ``labels``, ``weak``, ``rebalancing``) holds its
widget keys (with the page's prefix) and its cached wrappers, which take the
analysis layer's typed settings objects. Import the module you need:
``from dashboard.state import sampling as sb``.
"""
