"""The architecture rules of `make lint` really fail: a stats import of Django, an upward
import between apps, an app missing from the layers, a function over complexity 10, an untyped
statistics function. Each probe is planted in a copy of the package, never in the real one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _plant(copy: Path, relative: str, code: str) -> None:
    path = copy / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code))


def test_import_contracts_fail_on_django_in_stats_and_an_upward_import(copy):
    _plant(copy, "laktasi/stats/_probe_django.py", "import django.conf\n")
    _plant(copy, "laktasi/core/_probe_upward.py", "import laktasi.demo.past\n")
    result = _run([str(BIN / "lint-imports"), "--no-cache"], copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "laktasi.stats._probe_django -> django (l.1)" in output
    assert "laktasi.core._probe_upward -> laktasi.demo.past (l.1)" in output
    assert "0 kept, 2 broken" in output


def test_import_contracts_fail_on_an_app_missing_from_the_layers(copy):
    _plant(copy, "laktasi/newapp/__init__.py", "")
    result = _run([str(BIN / "lint-imports"), "--no-cache"], copy)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "laktasi.newapp" in output
    assert "every child of every container" in " ".join(output.split())


def test_import_contracts_hold_on_the_unchanged_copy(copy):
    result = _run([str(BIN / "lint-imports"), "--no-cache"], copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_refuses_a_function_over_complexity_ten(copy):
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(11))
    _plant(copy, "laktasi/core/_probe_complex.py", f"def branchy(x):\n{branches}    return -1\n")
    result = _run(
        [str(BIN / "ruff"), "check", "--no-cache", "laktasi/core/_probe_complex.py"], copy
    )
    assert result.returncode != 0
    assert "C901 `branchy` is too complex (12 > 10)" in result.stdout


def test_every_complexity_exception_is_still_needed():
    """A `# noqa: C901` left on a function that was simplified must go: the list only shrinks."""
    result = _run(
        [
            str(BIN / "ruff"),
            "check",
            "--no-cache",
            "--select",
            "C901,RUF100",
            "--exit-zero",
            "--output-format",
            "concise",
            ".",
        ],
        ROOT,
    )
    stale = [line for line in result.stdout.splitlines() if "RUF100" in line and "C901" in line]
    assert stale == []


def test_mypy_strict_refuses_an_untyped_statistics_function(copy):
    _plant(copy, "laktasi/stats/_probe_untyped.py", "def mean(values):\n    return sum(values)\n")
    result = _run([str(BIN / "mypy"), "--no-incremental"], copy)
    assert result.returncode != 0
    assert "_probe_untyped.py:1: error: Function is missing a type annotation" in result.stdout
