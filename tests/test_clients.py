"""The committed OpenAPI document, as front-end teams use it: TypeScript types from openapi-typescript that tsc
compiles with a typed example (clients/typescript). The Python client it generates drives the programme year
(tests/test_programme_year.py, smartcity_dev.clients)."""

from __future__ import annotations

import subprocess

from smartcity_dev.clients import DOCUMENT
from smartcity_dev.testing import REPO, npm_packages

TYPESCRIPT = REPO / "clients" / "typescript"


def test_the_typescript_types_of_the_document_compile_with_a_typed_example():
    tools = npm_packages(TYPESCRIPT)
    schema = TYPESCRIPT / "generated" / "schema.d.ts"
    generated = subprocess.run(
        [str(tools / "openapi-typescript"), str(DOCUMENT), "--output", str(schema)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "warn" not in (generated.stdout + generated.stderr).lower(), generated.stdout + generated.stderr
    types = schema.read_text()
    assert 'get: operations["gateway.readMe"];' in types
    assert 'post: operations["participants.apply"];' in types

    compiled = subprocess.run(
        [str(tools / "tsc"), "--noEmit", "--project", str(TYPESCRIPT)], capture_output=True, text=True, timeout=300
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
