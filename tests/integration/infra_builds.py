"""Packaged templates shared by the infra tests, built at most once per test session.

`chalice package` with the real deployment zip runs once (Đắk Lắk: the zip is
the same for every province); the other stages get the same template without
the zip (infra/chalice_template.py), which takes about a second.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PROVINCE_STAGES = ("daklak", "hue", "danang")
ZIP_STAGE = "daklak"


@cache
def _workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="phananh-infra-tests-"))
    import atexit

    atexit.register(shutil.rmtree, path, True)
    return path


@cache
def packaged(stage: str) -> Path:
    """build/<stage>-like directory for a stage: sam.json (and deployment.zip for ZIP_STAGE)."""
    from infra.build import build

    out = _workdir() / stage
    build(stage, out, code=stage == ZIP_STAGE)
    return out


def template(stage: str) -> dict[str, Any]:
    return json.loads((packaged(stage) / "sam.json").read_text(encoding="utf-8"))


def cfn_lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    """cfn-lint from this venv over the given templates (exit 0 means clean)."""
    cmd = [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())", *map(str, paths)]
    return subprocess.run(cmd, capture_output=True, text=True, check=False)
