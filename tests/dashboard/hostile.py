"""A table whose file, column, value and label names are hostile markdown/HTML (issue 15, item 5).

Shared by the AppTest scan (tests/dashboard/test_hostile_text.py) and the browser test
(tests/e2e/test_hostile_browser.py). Every name carries one of the payloads below; rendered
raw, each would fetch from ``evil.invalid`` (an image), make a link, or render bold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HOST = "evil.invalid"  # RFC 2606: never resolves
IMG_MD = f"![i](http://{HOST}/md.png)"
LINK_HTML = f'<a href="http://{HOST}/a">link</a>'
BOLD_HTML = "<b>bold</b>"
IMG_HTML = f'<img src="http://{HOST}/h.png">'
TICKS = "`**x**`$y$"

# A file name cannot hold "/": "http:evil.invalid" is still an absolute URL to a browser.
FILE_NAME = f"d{TICKS}![f](http:{HOST})<img src=http:{HOST}><b>bold.csv"
GROUP = f"grp{IMG_MD}"
TARGET = f"label{BOLD_HTML}"
TEXT = f"text{LINK_HTML}"
GROUP_VALUES = [IMG_MD, LINK_HTML, BOLD_HTML, IMG_HTML]
LABELS = [f"**yes**{IMG_HTML}", f"no{LINK_HTML}"]
ANNOTATORS = [f"ann{BOLD_HTML}", f"ann{TICKS}", f"ann{IMG_MD}"]

#: Raw payloads that must never reach a markdown element or a plotly label unescaped.
RAW = (IMG_MD, "](http://", LINK_HTML, "<a href", BOLD_HTML, "<b>bold", IMG_HTML, "<img", TICKS)


def frame(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.3, LABELS[0], LABELS[1])
    out = {
        "x": rng.normal(size=n).round(3),
        GROUP: rng.choice(GROUP_VALUES, n, p=[0.4, 0.3, 0.2, 0.1]),
        TEXT: rng.choice([f"great {LINK_HTML}", f"bad {IMG_MD}", f"ok {BOLD_HTML}"], n),
        TARGET: y,
    }
    for i, name in enumerate(ANNOTATORS):  # annotators agree with the target most of the time
        flip = rng.random(n) < 0.1 + 0.05 * i
        out[name] = np.where(flip, np.where(y == LABELS[0], LABELS[1], LABELS[0]), y)
    return pd.DataFrame(out)


def csv_bytes() -> bytes:
    return frame().to_csv(index=False).encode()
