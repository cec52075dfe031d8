"""The committed OpenAPI document, as front-end teams use it: TypeScript types from openapi-typescript that tsc
compiles with a typed example (clients/typescript); the Python client openapi-python-client generates, with a
function for every operation that reads every problem the document names. That client drives the programme year
(tests/test_programme_year.py, smartcity_dev.clients)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from types import ModuleType

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


def snake(name: str) -> str:
    """openapi-python-client's module name for an operation id or tag (`participants.listRegions`)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", re.sub(r"[^A-Za-z0-9]+", "_", name))
    return words.lower().strip("_")


def test_the_python_client_reads_every_operation_and_its_problems(python_client: ModuleType):
    api = Path(str(python_client.__file__)).parent / "api"
    generated = {p.relative_to(api).as_posix(): p for p in api.rglob("*.py") if p.name != "__init__.py"}
    expected: dict[str, list[str]] = {}
    for item in json.loads(DOCUMENT.read_text())["paths"].values():
        for operation in item.values():
            module = f"{snake(operation['tags'][0])}/{snake(operation['operationId'])}.py"
            expected[module] = [
                status
                for status, response in operation["responses"].items()
                if "application/problem+json" in response.get("content", {})
            ]
    assert sorted(generated) == sorted(expected)
    for module, problems in expected.items():
        code = generated[module].read_text()
        for status in problems:  # each refusal the document names is read as a Problem, none dropped
            assert f"if response.status_code == {status}:\n        response_{status} = Problem.from_dict(" in code, (
                module,
                status,
            )
