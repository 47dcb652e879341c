"""Dependency audit for `make test`: pip-audit over the pinned requirements.lock.

Fails on any known vulnerability. Tolerates only the advisory database being out of reach
(no network, or a registry mirror without PyPI's JSON API): then it says plainly that the
packages were NOT audited, and exits 0. Regenerate the lock with `make lock`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
NETWORK = re.compile(
    r"ConnectionError|NewConnectionError|NameResolutionError|Max retries exceeded|"
    r"Temporary failure in name resolution|ConnectTimeout|ReadTimeout|Network is unreachable",
)


def main() -> int:
    if not LOCK.exists():
        print(f"audit: {LOCK.name} is missing: run `make lock`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        result = subprocess.run(  # noqa: S603
            [
                sys.executable, "-m", "pip_audit", "--requirement", str(LOCK), "--no-deps",
                "--disable-pip", "--progress-spinner", "off", "--format", "json",
                "--output", str(report),
            ],
            capture_output=True, text=True, check=False, timeout=600,
        )  # fmt: skip
        data = json.loads(report.read_text()) if report.exists() else None
    if data is None:
        if NETWORK.search(result.stderr):
            print("audit: pip-audit could not reach the vulnerability database (network): "
                  "dependencies NOT audited here; run `make audit` where PyPI/OSV is reachable.")  # fmt: skip
            return 0
        print(result.stderr[-4000:], file=sys.stderr)
        return result.returncode or 1
    dependencies = data.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"audit: {dep['name']} {dep['version']}: {ids}", file=sys.stderr)
    if vulnerable:
        return 1
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if skipped and audited == 0:
        print(f"audit: the package index here has no vulnerability data for any of the "
              f"{len(skipped)} pinned packages (a mirror without PyPI's JSON API): "
              "dependencies NOT audited here; run `make audit` where pypi.org is reachable.")  # fmt: skip
        return 0
    for dep in skipped:
        print(f"audit: skipped {dep['name']} {dep.get('version', '')}: {dep['skip_reason']}")
    print(f"audit: {audited} packages audited, no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
