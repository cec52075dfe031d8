"""deploy/k8s: the base and the production overlay as Kustomize renders them, strictly valid and wired right."""

from __future__ import annotations

import re

import httpx
import pytest
import yaml
from kubernetes_validate import validate
from smartcity_dev.deployment import (
    IMAGES,
    OVERLAYS,
    REPO,
    by_name,
    compose,
    image_of,
    rendered,
    resources,
    unknown_env,
)

KUBERNETES = "1.30"  # the oldest version the manifests promise (preStop `sleep` is 1.30+)
OVERLAY_NAMES = list(OVERLAYS)


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_rendered_resource_is_strictly_valid(overlay: str):
    kinds = set()
    for resource in resources(overlay):
        validate(resource, KUBERNETES, strict=True)  # raises on an unknown field or a wrong type
        kinds.add(resource["kind"])
    expected = {
        "ConfigMap",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "Job",
        "Ingress",
    }
    assert expected <= kinds


def test_strict_validation_catches_a_misspelt_field():
    deployment = by_name("base", "Deployment")["gateway"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/readyz"}}
    with pytest.raises(Exception, match="readinesProbe"):
        validate(deployment, KUBERNETES, strict=True)


def containers(deployment: dict) -> list[dict]:
    return deployment["spec"]["template"]["spec"]["containers"]


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_each_image_has_a_deployment_a_service_a_budget_an_autoscaler_and_a_migration_job(overlay: str):
    deployments, services = by_name(overlay, "Deployment"), by_name(overlay, "Service")
    budgets, scalers, jobs = (
        by_name(overlay, "PodDisruptionBudget"),
        by_name(overlay, "HorizontalPodAutoscaler"),
        by_name(overlay, "Job"),
    )
    assert set(deployments) == set(services) == set(budgets) == set(scalers) == set(IMAGES)
    assert set(jobs) == {f"{name}-migrate" for name in IMAGES}
    for name, deployment in deployments.items():
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        assert services[name]["spec"]["selector"].items() <= pod_labels.items()
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
        assert scalers[name]["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert "replicas" not in deployment["spec"]  # the autoscaler owns it
        port_names = {p["name"] for c in containers(deployment) for p in c["ports"]}
        assert {p["targetPort"] for p in services[name]["spec"]["ports"]} <= port_names
        job = jobs[f"{name}-migrate"]["spec"]["template"]["spec"]["containers"][0]
        assert job["command"] == [f"{name}-migrate"]
        assert job["image"] == containers(deployment)[0]["image"]


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_pods_run_non_root_on_a_read_only_root_with_probes_limits_and_a_scratch_tmp(overlay: str):
    for name, deployment in by_name(overlay, "Deployment").items():
        pod = deployment["spec"]["template"]["spec"]
        assert (pod["securityContext"]["runAsNonRoot"], pod["securityContext"]["runAsUser"]) == (True, 10001)
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }
        # the gateway's readiness is its own: one service down must not take every gateway replica out
        ready = "/readyz/gateway" if name == "gateway" else "/readyz"
        assert (container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]) == (
            {"path": ready, "port": "http"},
            {"path": "/healthz", "port": "http"},
        ), name
        assert set(container["resources"]) == {"requests", "limits"}
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
        assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in pod["volumes"]
        grace = int(config(overlay, name)[f"{name.upper()}_SHUTDOWN_GRACE_SECONDS"])
        prestop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pod["terminationGracePeriodSeconds"] > prestop + grace, name


def config(overlay: str, name: str) -> dict[str, str]:
    maps = by_name(overlay, "ConfigMap")
    return {**maps["smartcity-shared"]["data"], **maps[name]["data"]}


@pytest.mark.parametrize("overlay", OVERLAY_NAMES)
def test_every_variable_a_pod_gets_is_read_by_its_settings_or_builds_one_that_is(overlay: str):
    maps = by_name(overlay, "ConfigMap")
    pods = [(name, d["spec"]["template"]["spec"]) for name, d in by_name(overlay, "Deployment").items()]
    pods += [
        (name.removesuffix("-migrate"), j["spec"]["template"]["spec"]) for name, j in by_name(overlay, "Job").items()
    ]
    for name, pod in pods:
        (container,) = pod["containers"]
        names = {e["name"] for e in container.get("env", [])}
        for source in container.get("envFrom", []):
            names |= set(maps[source["configMapRef"]["name"]]["data"])
        # $(VAR) pieces (host, port, password) are only there to build a URL the settings read
        values = " ".join(e.get("value", "") for e in container.get("env", []))
        pieces = set(re.findall(r"\$\(([A-Z_]+)\)", values))
        assert pieces <= names, name
        assert unknown_env(name, names - pieces) == set(), (overlay, name)


def test_image_names_match_compose_and_the_overlay_only_moves_them():
    base = {name: containers(d)[0]["image"] for name, d in by_name("base", "Deployment").items()}
    assert base == {name: f"smartcity/{name}:latest" for name in IMAGES}
    assert {name: image_of(compose()["services"][name]["image"]) for name in IMAGES} == {
        name: f"smartcity/{name}" for name in IMAGES
    }
    production = {name: containers(d)[0]["image"] for name, d in by_name("production", "Deployment").items()}
    assert production == {name: f"registry.smartcity.go.id/smartcity/{name}:1.0.0" for name in IMAGES}


def test_the_container_ports_are_the_ports_the_images_listen_on():
    for name, deployment in by_name("base", "Deployment").items():
        (container,) = containers(deployment)
        dockerfile = (IMAGES[name] / "Dockerfile").read_text()
        (exposed,) = re.findall(r"^EXPOSE (\d+)$", dockerfile, re.M)
        assert container["ports"] == [{"name": "http", "containerPort": int(exposed)}]
        assert f"{name.upper()}_PORT={exposed}" in dockerfile


def test_the_gateway_is_the_only_way_in():
    (ingress,) = resources("production", "Ingress")
    backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert backends == {"gateway"}
    # the public paths only: every process's /metrics (and its probes) is reached inside the cluster, not through here
    paths = {(p["path"], p["pathType"]) for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
    assert paths == {("/api/", "Prefix"), ("/docs", "Prefix"), ("/openapi.json", "Exact")}
    for inside in ("/metrics", "/healthz", "/readyz"):
        assert not any(inside.startswith(path) for path, _ in paths), inside
    assert ingress["spec"]["tls"] == [{"hosts": ["api.smartcity.go.id"], "secretName": "gateway-tls"}]
    for service in resources("production", "Service"):
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP"


def test_production_points_at_external_services_and_oidc_only():
    data = {k: v for m in resources("production", "ConfigMap") for k, v in m["data"].items()}
    assert data["DATABASE_HOST"] != "postgresql" and data["DATABASE_OPTIONS"] == "?ssl=require"
    assert data["DOCUMENTS_STORAGE_BACKEND"] == "s3" and data["DOCUMENTS_S3_ENDPOINT_URL"] == ""
    assert data["GATEWAY_EMBEDDED_ISSUER"] == "false"
    assert data["GATEWAY_OIDC_ISSUER"].startswith("https://") and data["GATEWAY_OIDC_AUDIENCE"]
    assert data["GATEWAY_DOCS_OIDC_CLIENT_ID"] == "smartcity-docs"  # operators sign in to /docs there
    assert {r["metadata"].get("namespace") for r in resources("production") if r["kind"] != "Namespace"} == {
        "smartcity"
    }


def test_the_readme_names_every_secret_key_the_manifests_read():
    keys = {
        ref["key"]
        for overlay in OVERLAY_NAMES
        for doc in yaml.safe_load_all(rendered(overlay))
        if doc
        for ref in _secret_refs(doc)
    }
    readme = (REPO / "README.md").read_text()
    assert keys, "no secret is referenced"
    for key in keys:
        assert f"--from-literal={key}=" in readme, key


def _secret_refs(node):
    if isinstance(node, dict):
        if "secretKeyRef" in node:
            yield node["secretKeyRef"]
        for value in node.values():
            yield from _secret_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _secret_refs(value)


def test_the_probes_answer_on_the_real_processes(platform):
    for name, deployment in by_name("base", "Deployment").items():
        (container,) = containers(deployment)
        for probe in ("readinessProbe", "livenessProbe"):
            response = httpx.get(platform.url(name) + container[probe]["httpGet"]["path"], timeout=10)
            assert response.status_code == 200, (name, probe, response.text)
