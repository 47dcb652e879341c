"""The instruments layer (all but the management command) must not import Django."""

from __future__ import annotations

import subprocess
import sys


def test_core_modules_do_not_import_django():
    code = (
        "import sys\n"
        "import laktasi.instruments.registry, laktasi.instruments.scoring\n"
        "import laktasi.instruments.xlsform, laktasi.instruments.synthesis\n"
        "import laktasi.instruments.recall\n"
        "laktasi.instruments.registry.load_all()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={}
    )
    assert out.stdout.strip() == "[]"
