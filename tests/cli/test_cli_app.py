"""`dataset-diagnostics app`: the settings it passes wherever it starts, and its argument checks (issue 15, items 4 and 8)."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

import pytest
from cli_run import run

from analysis.cli.main import APP_SETTINGS, app_command

ROOT = Path(__file__).resolve().parents[2]


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def test_every_setting_of_the_checked_in_config_is_passed_on_the_command_line():
    # Reference: .streamlit/config.toml, which Streamlit reads only when started from the repository root.
    config = _flatten(tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text()))
    assert config == {k: v for k, v in APP_SETTINGS.items() if k in config}
    assert APP_SETTINGS["client.showErrorDetails"] == "none"  # no traceback reaches the browser
    cmd = app_command(ROOT / "dashboard" / "streamlit_app.py", port=8765, address="127.0.0.1")
    pairs = dict(zip(cmd[5::2], cmd[6::2]))
    for key, value in APP_SETTINGS.items():
        assert pairs[f"--{key}"] == value
    assert pairs["--server.port"] == "8765"


@pytest.mark.parametrize("port", ["99999", "0", "-1", "abc", "80.5"])
def test_a_port_outside_1_to_65535_is_refused_in_one_line(capsys, port):
    code, out, err = run(capsys, "app", "--port", port)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "1 to 65535" in err


def test_a_port_already_in_use_is_refused_in_one_line(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run(capsys, "app", "--port", port, "--address", "127.0.0.1")
    assert code == 2
    assert err.strip().splitlines() == [
        f"dataset-diagnostics app: error: port {port} on 127.0.0.1 is already in use; pass another one with --port N."
    ]
