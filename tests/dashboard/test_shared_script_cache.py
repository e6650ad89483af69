"""The session-wide script cache of the AppTest suites (tests/dashboard/pagetest.py, installed by conftest.py) recompiles a changed file."""

import os

from pagetest import SharedScriptCache


def _run(code) -> dict:
    scope: dict = {}
    exec(code, scope)
    return scope


def test_one_compile_per_file_version_shared_by_every_cache(tmp_path):
    script = tmp_path / "page.py"
    script.write_text("value = 1\n")
    first, second = SharedScriptCache(), SharedScriptCache()  # as two AppTest runs make
    code = first.get_bytecode(str(script))
    assert second.get_bytecode(str(script)) is code
    assert _run(code)["value"] == 1
    script.write_text("value = 22\n")  # a new size
    assert _run(second.get_bytecode(str(script)))["value"] == 22
    stat = os.stat(script)
    script.write_text("value = 33\n")  # the same size: the modification time tells it apart
    os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert _run(first.get_bytecode(str(script)))["value"] == 33
