"""Session state and cached wrappers around the analysis layer: one module per page.

``session`` holds the active dataset every page reads; each page's module holds its
keys (with the page's prefix) and its cached wrappers.
"""

from dashboard.keys import *  # noqa: F403  (interim: pages still read keys as state.X)
from dashboard.state.labels import *  # noqa: F403
from dashboard.state.rebalancing import *  # noqa: F403
from dashboard.state.sampling import *  # noqa: F403
from dashboard.state.session import *  # noqa: F403
from dashboard.state.weak import *  # noqa: F403
