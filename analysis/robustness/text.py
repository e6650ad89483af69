"""Text perturbations: character typos, word dropout and word swap, with no downloaded resources.

Tokens are the whitespace-separated words of a text column. A strength ``p``
chooses exactly ``round(p x N)`` of the column's ``N`` tokens (without
replacement, over the whole column), so the share of tokens changed is the
stated one up to rounding, not only on average:

- ``typos``: each chosen token gets one typo: two adjacent characters swapped,
  one dropped, one inserted, or one replaced by a neighbouring key on a QWERTY
  keyboard (the map below); a typo that would leave the token unchanged falls
  back to an insertion, so every chosen token changes and stays one token;
- ``word_dropout``: the chosen tokens are removed;
- ``word_swap``: ``round(p x N / 2)`` disjoint pairs of adjacent tokens of one
  text trade places (about ``p x N`` tokens move).

Texts with no chosen token are returned exactly as they were; changed texts are
re-joined with single spaces.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd

from .perturbations import PERTURBATIONS, Perturbation

__all__ = ["QWERTY_NEIGHBOURS", "drop_tokens", "swap_tokens", "typo", "typo_tokens"]

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    """Keys touching each key on a staggered QWERTY keyboard: left and right on its row, and the two keys
    above and below it (each row sits half a key to the right of the one above)."""
    pos = {ch: (r, c) for r, row in enumerate(_ROWS) for c, ch in enumerate(row)}
    out = {}
    for ch, (r, c) in pos.items():
        touching = {(r, c - 1), (r, c + 1), (r - 1, c), (r - 1, c + 1), (r + 1, c - 1), (r + 1, c)}
        out[ch] = "".join(sorted(o for o, p in pos.items() if p in touching))
    return out


#: key -> the keys next to it (lower case letters and digits), written in code.
QWERTY_NEIGHBOURS: dict[str, str] = _neighbours()
_LETTERS = string.ascii_lowercase


def typo(token: str, rng: np.random.Generator) -> str:
    """One typo in ``token`` (swap, drop, insert or neighbour key; see the module doc); always a change.

    >>> typo("house", np.random.default_rng(0)) != "house"
    True
    """
    op = int(rng.integers(0, 4))
    n = len(token)
    if op == 0 and n >= 2:  # swap two adjacent, different characters
        spots = [i for i in range(n - 1) if token[i] != token[i + 1]]
        if spots:
            i = spots[int(rng.integers(0, len(spots)))]
            return token[:i] + token[i + 1] + token[i] + token[i + 2:]
    elif op == 1 and n >= 2:  # drop one character
        i = int(rng.integers(0, n))
        return token[:i] + token[i + 1:]
    elif op == 3:  # a neighbouring key instead of one character (case kept)
        spots = [i for i in range(n) if token[i].lower() in QWERTY_NEIGHBOURS]
        if spots:
            i = spots[int(rng.integers(0, len(spots)))]
            near = QWERTY_NEIGHBOURS[token[i].lower()]
            ch = near[int(rng.integers(0, len(near)))]
            return token[:i] + (ch.upper() if token[i].isupper() else ch) + token[i + 1:]
    # insert one letter (also the fallback: it always changes the token and keeps it one word)
    i = int(rng.integers(0, n + 1))
    return token[:i] + _LETTERS[int(rng.integers(0, 26))] + token[i:]


def _split(col: pd.Series) -> tuple[np.ndarray, list[list[str]], np.ndarray]:
    """Positions of the present cells, their tokens, and each cell's first position among all tokens."""
    present = np.flatnonzero(col.notna().to_numpy())
    tokens = [str(v).split() for v in col.iloc[present]]
    starts = np.cumsum([0] + [len(t) for t in tokens])
    return present, tokens, starts


def _chosen(n_tokens: int, share: float, rng: np.random.Generator) -> np.ndarray:
    k = int(np.floor(share * n_tokens + 0.5))
    return np.sort(rng.choice(n_tokens, size=min(k, n_tokens), replace=False)) if k else np.zeros(0, dtype=np.int64)


def _rejoin(col: pd.Series, present: np.ndarray, tokens: list[list[str]], changed: set[int]) -> pd.Series:
    out = col.astype(object).copy()
    for j in sorted(changed):
        out.iloc[present[j]] = " ".join(tokens[j])
    return out


def typo_tokens(col: pd.Series, share: float, rng: np.random.Generator) -> pd.Series:
    """The column with one typo in each of exactly ``round(share x N)`` of its ``N`` tokens."""
    present, tokens, starts = _split(col)
    chosen = _chosen(int(starts[-1]), share, rng)
    cells = np.searchsorted(starts, chosen, side="right") - 1
    for flat, j in zip(chosen, cells):
        i = int(flat - starts[j])
        tokens[j][i] = typo(tokens[j][i], rng)
    return _rejoin(col, present, tokens, set(cells.tolist()))


def drop_tokens(col: pd.Series, share: float, rng: np.random.Generator) -> pd.Series:
    """The column without exactly ``round(share x N)`` of its ``N`` tokens."""
    present, tokens, starts = _split(col)
    chosen = _chosen(int(starts[-1]), share, rng)
    cells = np.searchsorted(starts, chosen, side="right") - 1
    gone: dict[int, set[int]] = {}
    for flat, j in zip(chosen, cells):
        gone.setdefault(int(j), set()).add(int(flat - starts[j]))
    for j, idx in gone.items():
        tokens[j] = [t for i, t in enumerate(tokens[j]) if i not in idx]
    return _rejoin(col, present, tokens, set(gone))


def swap_tokens(col: pd.Series, share: float, rng: np.random.Generator) -> pd.Series:
    """The column with ``round(share x N / 2)`` disjoint pairs of adjacent tokens swapped."""
    present, tokens, starts = _split(col)
    n = int(starts[-1])
    want = int(np.floor(share * n / 2 + 0.5))
    # candidate pairs: (flat position of the left token) where the right token is in the same text
    left = np.array([starts[j] + i for j, t in enumerate(tokens) for i in range(len(t) - 1)], dtype=np.int64)
    used = np.zeros(n, dtype=bool)
    changed: set[int] = set()
    done = 0
    for flat in rng.permutation(left) if want else ():
        if done == want:
            break
        if used[flat] or used[flat + 1]:
            continue
        used[flat] = used[flat + 1] = True
        j = int(np.searchsorted(starts, flat, side="right") - 1)
        i = int(flat - starts[j])
        tokens[j][i], tokens[j][i + 1] = tokens[j][i + 1], tokens[j][i]
        changed.add(j)
        done += 1
    return _rejoin(col, present, tokens, changed)


class Typos(Perturbation):
    name = "typos"
    title = "Typos"
    explanation = ("Puts one typo (swapped, dropped, inserted or neighbouring-key character) in a share of the "
                   "words of each text column.")
    applies_to = ("text",)
    strength_label = "share of words"

    def describe(self, strength: float) -> str:
        return f"typos in {strength:.0%} of words"

    def _column(self, col, kind, strength, rng, reference, name):
        return typo_tokens(col, strength, rng)


class WordDropout(Perturbation):
    name = "word_dropout"
    title = "Word dropout"
    explanation = "Removes a share of the words of each text column."
    applies_to = ("text",)
    strength_label = "share of words"

    def describe(self, strength: float) -> str:
        return f"{strength:.0%} of words dropped"

    def _column(self, col, kind, strength, rng, reference, name):
        return drop_tokens(col, strength, rng)


class WordSwap(Perturbation):
    name = "word_swap"
    title = "Word swap"
    explanation = "Swaps neighbouring words, so that a share of the words of each text column move."
    applies_to = ("text",)
    strength_label = "share of words"

    def describe(self, strength: float) -> str:
        return f"{strength:.0%} of words swapped with a neighbour"

    def _column(self, col, kind, strength, rng, reference, name):
        return swap_tokens(col, strength, rng)


for _kind in (Typos(), WordDropout(), WordSwap()):
    PERTURBATIONS.register(_kind)
