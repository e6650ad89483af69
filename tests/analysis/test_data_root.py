"""The server-path opener's guard (``app --data-root DIR``): nothing outside DIR, symlinks included (issue 13)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analysis.errors import DataRootError
from analysis.intake import DATA_ROOT_ENV, data_root, resolve_under_root
from analysis.intake.paths import check_root, open_under_root


@pytest.fixture
def tree(tmp_path):
    """root/ (allowed) with a table, a sub-folder of Parquet, and links; secret/ beside it (not allowed)."""
    root, secret = tmp_path / "root", tmp_path / "secret"
    (root / "sub").mkdir(parents=True)
    secret.mkdir()
    pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}).to_csv(root / "ok.csv", index=False)
    pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}).to_parquet(root / "sub" / "p.parquet")
    (secret / "s.csv").write_text("x,y\n1,a\n")
    pd.DataFrame({"x": [3], "y": ["c"]}).to_parquet(secret / "s.parquet")
    os.symlink(secret / "s.csv", root / "link_out.csv")  # inside the root, pointing outside
    os.symlink(secret, root / "dir_out")  # a folder link pointing outside
    os.symlink(root / "ok.csv", root / "link_in.csv")  # inside, pointing inside: fine
    return root, secret


@pytest.mark.parametrize("text", [
    "../secret/s.csv",
    "sub/../../secret/s.csv",
    "./../secret",
    "..",
])
def test_dot_dot_escapes_are_refused(tree, text):
    root, _ = tree
    with pytest.raises(DataRootError, match="is outside the data folder this server allows"):
        resolve_under_root(text, root)


def test_absolute_paths_outside_are_refused_and_inside_are_taken(tree):
    root, secret = tree
    with pytest.raises(DataRootError, match="outside"):
        resolve_under_root(str(secret / "s.csv"), root)
    with pytest.raises(DataRootError, match="outside"):
        resolve_under_root("/etc/passwd", root)
    assert resolve_under_root(str(root / "ok.csv"), root) == root / "ok.csv"


def test_symlinks_pointing_outside_are_refused_whatever_their_name(tree):
    root, _ = tree
    for text in ("link_out.csv", "dir_out/s.csv", "dir_out", str(root / "link_out.csv")):
        with pytest.raises(DataRootError, match="outside"):
            resolve_under_root(text, root)
    assert resolve_under_root("link_in.csv", root) == root / "ok.csv"


def test_a_parquet_folder_holding_a_link_to_a_file_outside_is_refused(tree):
    root, secret = tree
    os.symlink(secret / "s.parquet", root / "sub" / "zz.parquet")
    with pytest.raises(DataRootError, match="outside"):
        open_under_root("sub", root)


def test_files_and_folders_inside_open_and_patterns_or_missing_paths_do_not(tree):
    root, _ = tree
    assert open_under_root("ok.csv", root).frame.shape == (2, 2)
    assert open_under_root("sub", root).format == "parquet"
    with pytest.raises(DataRootError, match="Patterns"):
        open_under_root("*.csv", root)
    with pytest.raises(DataRootError, match="no file or folder 'nope.csv'"):
        open_under_root("nope.csv", root)
    with pytest.raises(DataRootError, match="Type a path"):
        open_under_root("  ", root)


def test_the_root_comes_from_the_environment_and_is_off_by_default(tree, tmp_path):
    root, _ = tree
    assert data_root({}) is None
    assert data_root({DATA_ROOT_ENV: ""}) is None
    assert data_root({DATA_ROOT_ENV: str(tmp_path / "missing")}) is None
    os.symlink(root, tmp_path / "alias")
    assert data_root({DATA_ROOT_ENV: str(tmp_path / "alias")}) == root  # resolved, so links cannot widen it
    with pytest.raises(DataRootError, match="is not a directory"):
        check_root(root / "ok.csv")
