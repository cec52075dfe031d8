"""What the deployment checks read: the compose file, the rendered Kustomize trees, each image's settings."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
IMAGES = {
    "participants": REPO / "services" / "participants",
    "mentoring": REPO / "services" / "mentoring",
    "documents": REPO / "services" / "documents",
    "monitoring": REPO / "services" / "monitoring",
    "reports": REPO / "services" / "reports",
    "webhooks": REPO / "services" / "webhooks",
    "gateway": REPO / "gateway",
}
OVERLAYS = {"base": REPO / "deploy/k8s/base", "production": REPO / "deploy/k8s/overlays/production"}
# read without a prefix by every process (the kit's and the gateway's settings)
SHARED_ENV = {"SMARTCITY_ENVIRONMENT", "SMARTCITY_INTERNAL_SECRET", "DATABASE_URL"}


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return document


@cache
def rendered(overlay: str) -> str:
    result = subprocess.run(
        [str(BIN / "kubectl"), "kustomize", str(OVERLAYS[overlay])], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def resources(overlay: str, kind: str | None = None) -> list[dict[str, Any]]:
    docs = [d for d in yaml.safe_load_all(rendered(overlay)) if d]
    return [d for d in docs if kind is None or d["kind"] == kind]


def by_name(overlay: str, kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in resources(overlay, kind)}


def settings_fields(image: str) -> set[str]:
    """The environment variables an image's settings class reads, with its prefix."""
    settings: type[BaseSettings] = importlib.import_module(f"{image}.settings").Settings
    prefix = settings.model_config["env_prefix"]
    return {f"{prefix}{name}".upper() for name in settings.model_fields}


def unknown_env(image: str, names: set[str]) -> set[str]:
    extra = {"REDIS_URL"} if image == "gateway" else set()
    return names - settings_fields(image) - SHARED_ENV - extra


def image_of(reference: str) -> str:
    """`${SMARTCITY_REGISTRY:-smartcity}/mentoring:${SMARTCITY_TAG:-latest}` -> `smartcity/mentoring`."""
    resolved = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", reference)
    return resolved.rsplit(":", 1)[0] if ":" in resolved.rsplit("/", 1)[-1] else resolved


def pyproject_scripts(directory: Path) -> set[str]:
    import tomllib

    return set(tomllib.loads((directory / "pyproject.toml").read_text())["project"].get("scripts", {}))


SETTINGS_MODULES = {name: f"{name}.settings" for name in IMAGES}
# what a Secret key stands for when the settings are tried on the rendered manifests
SECRET_STAND_INS = {"redis-url": "redis://:password@redis:6379/0"}


def expand(value: str, env: dict[str, str]) -> str:
    """`$(VAR)` as the kubelet expands it: from the variables defined before."""
    return re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), value)


def pod_environments(overlay: str) -> list[tuple[str, str, dict[str, str]]]:
    """(image, workload, environment) of every container of every Deployment and Job, as the kubelet builds it."""
    maps = by_name(overlay, "ConfigMap")
    found = []
    for kind in ("Deployment", "Job"):
        for workload, resource in by_name(overlay, kind).items():
            (container,) = resource["spec"]["template"]["spec"]["containers"]
            env: dict[str, str] = {}
            for source in container.get("envFrom", []):
                env.update(maps[source["configMapRef"]["name"]]["data"])
            for item in container.get("env", []):
                if "value" in item:
                    env[item["name"]] = expand(item["value"], env)
                else:
                    key = item["valueFrom"]["secretKeyRef"]["key"]
                    env[item["name"]] = SECRET_STAND_INS.get(key, f"stand-in-for-the-secret-{key}-0123456789abcdef")
            found.append((workload.removesuffix("-migrate"), f"{kind.lower()}/{workload}", env))
    return found


def compose_environments() -> list[tuple[str, str, dict[str, str]]]:
    """(image, service, environment) of every container of ours, `.env.example` filled in."""
    example = dict(
        line.split("=", 1) for line in (REPO / ".env.example").read_text().splitlines() if re.match(r"^[A-Z_]+=", line)
    )

    def interpolate(value: object) -> str:
        return re.sub(
            r"\$\{(\w+)(?::[-?]([^}]*))?\}", lambda m: example.get(m.group(1)) or (m.group(2) or ""), str(value)
        )

    found = []
    for service, spec in compose()["services"].items():
        image = service.removesuffix("-migrate")
        if image in IMAGES:
            found.append((image, service, {k: interpolate(v) for k, v in spec.get("environment", {}).items()}))
    return found
