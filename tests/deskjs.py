"""Run the browser's own helpers (assets/recap.js, assets/incidents.js) in node, to compare them with Python."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ASSETS = Path(__file__).resolve().parent.parent / "dashboard" / "assets"


def evaluate(expression: str, **values: Any) -> Any:
    """The value of a JavaScript `expression` over `window.deskIncidents` (as `d`) and `values` (JSON constants);
    skips the test when node is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    constants = "".join(f"const {name} = {json.dumps(value)};\n" for name, value in values.items())
    program = (
        "global.window = {addEventListener() {}, dash_clientside: {}};\n"
        "global.document = {addEventListener() {}};\n"
        f"require({json.dumps(str(ASSETS / 'recap.js'))});\n"
        f"require({json.dumps(str(ASSETS / 'incidents.js'))});\n"
        "const d = window.deskIncidents;\n"
        f"{constants}console.log(JSON.stringify({expression}));\n"
    )
    return json.loads(subprocess.run([node, "-e", program], capture_output=True, text=True, check=True).stdout)
