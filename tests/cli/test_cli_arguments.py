"""Every numeric argument of every command is range-checked by the parser (issue 15, item 8).

A value outside its range (``--jobs 0``, ``--max-mb nan``, ``--folds -1``, ...) exits 2 with one
line on stderr naming the argument and the range, before any file is read.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest
from cli_run import run

from analysis.cli.main import build_parser

D = "does-not-matter.csv"  # the parser refuses before the file is opened

BAD = [
    (["compare", D, "--target", "y", "--jobs", "0"], "--jobs", "1 to 64"),
    (["compare", D, "--target", "y", "--jobs", "-3"], "--jobs", "1 to 64"),
    (["compare", D, "--target", "y", "--folds", "0"], "--folds", "2 to 20"),
    (["compare", D, "--target", "y", "--folds", "-1"], "--folds", "2 to 20"),
    (["compare", D, "--target", "y", "--repeats", "0"], "--repeats", "1 to 20"),
    (["compare", D, "--target", "y", "--seed", "-5"], "--seed", "0 to"),
    (["compare", D, "--target", "y", "--subsample", "-10"], "--subsample", "at least 4"),
    (["compare", D, "--target", "y", "--cost-ratio", "nan"], "--cost-ratio", "greater than 0"),
    (["compare", D, "--target", "y", "--cost-ratio", "-2"], "--cost-ratio", "greater than 0"),
    (["report", D, "--max-mb", "nan"], "--max-mb", "greater than 0"),
    (["report", D, "--max-mb", "inf"], "--max-mb", "greater than 0"),
    (["report", D, "--max-mb", "-1"], "--max-mb", "greater than 0"),
    (["report", D, "--max-mb", "0"], "--max-mb", "greater than 0"),
    (["report", D, "--folds", "0"], "--folds", "2 to 20"),
    (["report", D, "--folds", "-1"], "--folds", "2 to 20"),
    (["report", D, "--folds", "2.5"], "--folds", "whole number"),
    (["fix", D, "--target", "y", "--strategy", "none", "-o", "o.csv", "--test-size", "1"], "--test-size", "below 1"),
    (["fix", D, "--target", "y", "--strategy", "none", "-o", "o.csv", "--test-size", "-0.1"], "--test-size",
     "at least 0"),
    (["bias", D, "--group", "g", "--expected", "a=1", "--alpha", "0"], "--alpha", "greater than 0"),
    (["bias", D, "--group", "g", "--expected", "a=1", "--tolerance", "inf"], "--tolerance", "below 1"),
    (["shift", D, D, "--alpha", "1.5"], "--alpha", "below 1"),
    (["shift", D, D, "--classifier-rows", "0"], "--classifier-rows", "at least 10"),
    (["agreement", D, "--annotators", "a,b", "--bootstrap", "-1"], "--bootstrap", "0 to 100000"),
    (["label-issues", D, "--target", "y", "--folds", "1"], "--folds", "2 to 20"),
    (["label-issues", D, "--target", "y", "--top", "-1"], "--top", "at least 0"),
    (["weak", D, "--lfs", "a,b", "--max-mb", "1e400"], "--max-mb", "greater than 0"),
    (["app", "--port", "99999"], "--port", "1 to 65535"),
]


@pytest.mark.parametrize(("argv", "argument", "range_text"), BAD, ids=[" ".join(a[0:1] + a[-2:]) for a, _, _ in BAD])
def test_out_of_range_arguments_exit_2_with_one_line(capsys, argv, argument, range_text):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert f"argument {argument}" in err and range_text in err, err


def _numeric_actions():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for command, subparser in sub.choices.items():
        for action in subparser._actions:
            if action.type is not None:
                yield command, action


def test_no_numeric_argument_is_read_with_a_bare_int_or_float():
    """A bare ``type=int``/``type=float`` accepts 0, -3, nan and inf: every number goes through cli.number."""
    numeric = [(c, a.option_strings[0]) for c, a in _numeric_actions() if a.type in (int, float)]
    assert numeric == []
    checked = {(c, a.option_strings[0]) for c, a in _numeric_actions() if getattr(a.type, "__name__", "") in ("int", "float")}
    assert {("compare", "--jobs"), ("report", "--max-mb"), ("report", "--folds"), ("app", "--port")} <= checked


def test_values_in_range_are_accepted():
    args = build_parser().parse_args(["compare", D, "--target", "y", "--jobs", "2", "--folds", "3",
                                      "--cost-ratio", "2.5", "--max-mb", "0.5"])
    assert (args.jobs, args.folds, args.cost_ratio, args.max_mb) == (2, 3, 2.5, 0.5)


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def test_each_command_group_lists_exactly_the_commands_its_module_registers():
    """``main`` builds only the named command's group (COMMAND_GROUPS' names), so the names must be the
    module's own: each group alone yields its listed commands, with the same help as in the whole parser."""
    from analysis.cli.main import COMMAND_GROUPS

    whole = _subparsers(build_parser())
    listed = ["app"]
    for _, _, commands in COMMAND_GROUPS:
        for command in commands:
            alone = _subparsers(build_parser(command))
            assert sorted(alone) == sorted(commands), command
            assert alone[command].format_help() == whole[command].format_help()
        listed += commands
    assert sorted(listed) == sorted(whole)
    assert sorted(_subparsers(build_parser("app"))) == ["app"]


def test_one_command_loads_only_its_own_group():
    code = ("import sys; from analysis.cli.main import build_parser; build_parser('weak'); "
            "print(sorted(m for m in ('analysis.rebalance', 'analysis.augment', 'analysis.robustness', "
            "'analysis.labels', 'analysis.weak') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['analysis.weak']"


def test_help_and_unknown_commands_get_the_whole_parser(capsys):
    code, out, err = run(capsys, "reprot", "x.csv")
    assert code == 2 and "invalid choice: 'reprot'" in err and "label-issues" in err
