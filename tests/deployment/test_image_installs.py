"""Each Dockerfile's install steps, run here as written (offline, from uv's cache) into a fresh
environment: the lock alone must be enough to import, migrate and serve the package, and the
image's HEALTHCHECK command must pass against it. What the machine cannot do without a Docker
engine is the base image and the copy between stages.
"""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from smartcity_dev.deployment import IMAGES, REPO
from smartcity_dev.platform import free_port

UV = Path(sys.executable).parent / "uv"


def install_steps(dockerfile: Path) -> list[list[str]]:
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    return [shlex.split(line[len("RUN ") :]) for line in text.splitlines() if line.startswith("RUN uv pip install")]


def copy_sources(name: str, src: Path) -> None:
    """The build stage's `COPY libs/...` and `COPY <package>`: a copy, so that building leaves the tree alone."""
    ignore = shutil.ignore_patterns("build", "__pycache__", "*.egg-info", "tests")
    for directory in (REPO / "libs" / "kit", REPO / "libs" / "vocabulary", IMAGES[name]):
        shutil.copytree(directory, src / directory.relative_to(REPO), ignore=ignore)


def in_here(argument: str, name: str, venv: Path, src: Path) -> str:
    """The image's paths, as they are on this machine."""
    if argument == "/opt/venv/bin/python":
        return str(venv / "bin" / "python")
    if argument == "/tmp/requirements.lock":
        return str(IMAGES[name] / "requirements.lock")
    return argument.replace("/src/", f"{src}/", 1)


@pytest.mark.parametrize("name", list(IMAGES))
def test_the_image_steps_install_a_package_that_migrates_serves_and_passes_its_healthcheck(
    name: str, tmp_path: Path, new_database: Callable[[], str]
):
    venv = tmp_path / "venv"
    subprocess.run([str(UV), "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    copy_sources(name, tmp_path / "src")
    steps = install_steps(IMAGES[name] / "Dockerfile")
    assert len(steps) == 2
    for step in steps:
        command = [str(UV), *[in_here(a, name, venv, tmp_path / "src") for a in step[1:]], "--offline", "--quiet"]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
    check = subprocess.run(
        [str(UV), "pip", "check", "--python", str(venv / "bin" / "python")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr

    bin_ = venv / "bin"
    env = {
        "PATH": f"{bin_}:/usr/bin:/bin",
        "DATABASE_URL": new_database(),
        "SMARTCITY_INTERNAL_SECRET": "image-test-secret-of-at-least-32-characters",
        f"{name.upper()}_HOST": "127.0.0.1",
        f"{name.upper()}_PORT": str(free_port()),
        "DOCUMENTS_STORAGE_DIR": str(tmp_path / "documents"),
        "GATEWAY_SIGNING_KEY_PATH": str(tmp_path / "signing-key.pem"),
        "GATEWAY_SERVICES": "",
    }
    subprocess.run([str(bin_ / f"{name}-migrate")], env=env, check=True, cwd=tmp_path)
    process = subprocess.Popen([str(bin_ / f"{name}-serve")], env=env, cwd=tmp_path)
    try:
        healthcheck = [str(bin_ / "smartcity-healthcheck"), f"http://127.0.0.1:{env[f'{name.upper()}_PORT']}/healthz"]
        deadline = time.monotonic() + 120
        while subprocess.run(healthcheck, capture_output=True, check=False).returncode != 0:
            assert process.poll() is None, f"{name}-serve exited with {process.returncode}"
            assert time.monotonic() < deadline, f"{name}-serve did not pass its healthcheck in time"
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) in (0, -signal.SIGTERM)  # a clean exit: uvicorn re-raises the signal
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
