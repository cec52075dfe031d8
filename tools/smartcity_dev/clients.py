"""The Python client of the API, generated from the committed document by openapi-python-client, for the tests.

The client is generated when a test run needs it, not committed: openapi/openapi.json is the one artifact the
code must keep current (tests/test_openapi_document.py), and a second one, generated from it, could only lag
behind. A warning of the generator fails: a schema it cannot read is a client a partner cannot use.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from .platform import BIN
from .testing import REPO

DOCUMENT = REPO / "openapi" / "openapi.json"
# how the generator reads binary and CSV bodies (bytes), shared with what the README tells partners
CONFIG = REPO / "openapi" / "python-client.yaml"
PACKAGE = "smartcity_client"


def generate_python_client(into: Path) -> ModuleType:
    """Generate `smartcity_client` from the committed document into `into` and import it from there."""
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            f"--path={DOCUMENT}",
            f"--config={CONFIG}",
            "--meta=none",
            f"--output-path={into / PACKAGE}",
        ],
        # its post-generation hooks run ruff, from this environment
        env=os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Warning" not in output and "Error" not in output, output
    sys.path.insert(0, str(into))
    return importlib.import_module(PACKAGE)
