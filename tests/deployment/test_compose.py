"""docker-compose.yml: valid against the compose specification, and wired the way the platform needs."""

from __future__ import annotations

import subprocess

from smartcity_dev.deployment import BIN, IMAGES, REPO, compose, image_of, unknown_env


def test_compose_file_follows_the_compose_specification():
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(REPO / "docker-compose.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_service_starts_after_its_migration_which_waits_for_postgres():
    services = compose()["services"]
    for name in IMAGES:
        assert services[name]["depends_on"][f"{name}-migrate"] == {"condition": "service_completed_successfully"}
        migrate = services[f"{name}-migrate"]
        assert migrate["command"] == [f"{name}-migrate"]
        assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        assert migrate["restart"] == "no"
        assert image_of(migrate["image"]) == image_of(services[name]["image"]) == f"smartcity/{name}"
    assert services["documents"]["depends_on"]["minio-setup"] == {"condition": "service_completed_successfully"}
    assert services["gateway"]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_the_gateway_is_healthy_on_its_own_readiness_not_every_services():
    gateway = compose()["services"]["gateway"]
    assert gateway["healthcheck"]["test"] == [
        "CMD",
        "smartcity-healthcheck",
        "http://127.0.0.1:8000/readyz/gateway",
    ]
    assert gateway["environment"].get("GATEWAY_PORT", "8000") == "8000"


def test_only_the_gateway_publishes_a_port():
    published = {name for name, service in compose()["services"].items() if service.get("ports")}
    assert published == {"gateway"}
    assert compose()["services"]["gateway"]["ports"] == ["${GATEWAY_PUBLISHED_PORT:-8000}:8000"]


def test_images_are_built_from_their_dockerfiles_at_the_repository_root():
    services = compose()["services"]
    for name, directory in IMAGES.items():
        build = services[name]["build"]
        assert build["context"] == "."
        assert (REPO / build["dockerfile"]) == directory / "Dockerfile"


def test_every_variable_given_to_a_process_is_one_its_settings_read():
    services = compose()["services"]
    for name in IMAGES:
        for container in (name, f"{name}-migrate"):
            assert unknown_env(name, set(services[container]["environment"])) == set(), container


def test_each_service_logs_in_as_its_own_role_and_the_documents_use_minio():
    services = compose()["services"]
    for name in IMAGES:
        url = services[name]["environment"][f"{name.upper()}_DATABASE_URL"]
        assert url == f"postgresql://{name}:${{{name.upper()}_DB_PASSWORD}}@postgres:5432/smartcity"
    documents = services["documents"]["environment"]
    assert (documents["DOCUMENTS_STORAGE_BACKEND"], documents["DOCUMENTS_S3_ENDPOINT_URL"]) == (
        "s3",
        "http://minio:9000",
    )
    assert services["postgres"]["image"].startswith("postgres:16")


def test_no_secret_is_written_in_the_compose_file():
    """Every password, key and secret comes from .env: the file holds only references to it."""
    secrets = ("PASSWORD", "SECRET", "ACCESS_KEY")
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in secrets):
                assert str(value).startswith("${"), (name, key)
    env_example = (REPO / ".env.example").read_text()
    for line in env_example.splitlines():
        key, _, value = line.partition("=")
        if any(word in key for word in ("PASSWORD", "SECRET_ACCESS_KEY")):
            assert value == "change-me", key
    assert ".env" in (REPO / ".gitignore").read_text().split()


def test_the_database_script_gives_each_image_a_role_and_a_schema_it_owns():
    sql = (REPO / "deploy/postgres/roles.sql").read_text()
    initdb = (REPO / "deploy/postgres/initdb.sh").read_text()
    postgres_env = compose()["services"]["postgres"]["environment"]
    for name in IMAGES:
        assert f"CREATE ROLE {name} LOGIN PASSWORD :'{name}_password';" in sql
        assert f"CREATE SCHEMA {name} AUTHORIZATION {name};" in sql
        assert f'-v {name}_password="${name.upper()}_DB_PASSWORD"' in initdb
        assert f"{name.upper()}_DB_PASSWORD" in postgres_env
