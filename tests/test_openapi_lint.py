"""openapi/openapi.json lints clean with Redocly CLI and the rules of openapi/redocly.yaml.

Redocly CLI comes from npm, pinned by openapi/package-lock.json and installed
into openapi/node_modules by the `node_tools` fixture; without node the test
is skipped, saying so (a failure under CI=true).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from smartcity_dev import openapidoc

RULES = openapidoc.TARGET.parent / "redocly.yaml"
# no telemetry, no update notice: the lint reads only the files it is given
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true", "NO_UPDATE_NOTIFIER": "1"}


def lint(node_tools: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(node_tools / "redocly"), "lint", str(document), "--config", str(RULES), "--format", "stylish"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **QUIET},
    )


def test_the_committed_document_lints_clean(node_tools: Path):
    result = lint(node_tools, openapidoc.TARGET)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]


def test_the_rules_refuse_a_tag_without_description_and_an_operation_without_id(node_tools: Path, tmp_path: Path):
    document = json.loads(openapidoc.TARGET.read_text())
    del document["tags"][0]["description"]
    del document["paths"]["/api/v1/regions"]["get"]["operationId"]
    flawed = tmp_path / "openapi.json"
    flawed.write_text(json.dumps(document))
    result = lint(node_tools, flawed)
    assert result.returncode == 1
    assert "tag-description" in result.stdout and "operation-operationId" in result.stdout, result.stdout[-5000:]
