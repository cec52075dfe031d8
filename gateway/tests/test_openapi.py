"""The merged OpenAPI document: every path and schema once, no clashes, valid 3.1, tolerant of a missing service.

Participants' and monitoring's documents are the real services'; mentoring's and documents' are
built here from small FastAPI apps with the shared kit's pieces (those services
are written elsewhere), made to clash on purpose: the same schema names, the
events feed at the same path, and one path mentoring does not own.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import gateway.openapi
import orjson
import pytest
import structlog
from aiohttp import web
from fastapi import APIRouter, FastAPI
from gateway.openapi import Namer, add_gateway_responses, merge, shared_components
from gateway.problems import GATEWAY
from jsonschema import Draft202012Validator
from monitoring.main import create_app as monitoring_app
from monitoring.settings import Settings as MonitoringSettings
from openapi_spec_validator import validate
from participants.main import create_app as participants_app
from participants.settings import Settings as ParticipantsSettings
from pydantic import BaseModel
from reports.main import create_app as reports_app
from reports.settings import Settings as ReportsSettings
from smartcity_kit.app import add_problem_schema
from smartcity_kit.db import make_metadata
from smartcity_kit.generic_problems import KIT
from smartcity_kit.outbox import events_router, outbox_table
from smartcity_kit.pagination import Page
from smartcity_kit.problems import problem_responses
from structlog.testing import capture_logs
from webhooks.main import create_app as webhooks_app
from webhooks.settings import Settings as WebhooksSettings


class RegionOut(BaseModel):  # mentoring's idea of a region: clashes by name with participants' RegionOut
    code: str
    mentor_count: int


class Track(BaseModel):
    id: str
    region: RegionOut


class Document(BaseModel):
    id: str
    title: str


def _service_document(service: str) -> dict[str, Any]:
    app = FastAPI(title=service)
    add_problem_schema(app)
    router = APIRouter()
    if service == "mentoring":

        @router.get("/api/v1/tracks", response_model=Page[Track], responses=problem_responses(401))
        async def list_tracks() -> None: ...

        @router.post("/api/v1/tracks/{track_id}/advance", response_model=Track, responses=problem_responses(409))
        async def advance(track_id: str) -> None: ...

        @router.get("/api/v1/regions/{code}/mentors", response_model=list[RegionOut])  # not mentoring's path
        async def rogue(code: str) -> None: ...

    else:

        @router.get("/api/v1/documents", response_model=Page[Document], responses=problem_responses(401))
        async def list_documents() -> None: ...

        @router.get("/api/v1/documents/{document_id}", response_model=Document, responses=problem_responses(404))
        async def get_document(document_id: str) -> None: ...

    app.include_router(router)
    app.include_router(events_router(service, outbox_table(make_metadata(service))))
    return app.openapi()


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    participants = participants_app(ParticipantsSettings(database_url="postgresql://unused/none"))
    return {
        "participants": participants.openapi(),
        "mentoring": _service_document("mentoring"),
        "documents": _service_document("documents"),
        "monitoring": monitoring_app(MonitoringSettings(database_url="postgresql://unused/none")).openapi(),
        "reports": reports_app(ReportsSettings(database_url="postgresql://unused/none")).openapi(),
        # the real webhooks document: a service without a feed of its own
        "webhooks": webhooks_app(WebhooksSettings(database_url="postgresql://unused/none")).openapi(),
    }


@pytest.fixture
async def services(documents, serve_app):
    """Each service's document served over HTTP on its own port; `stop(name)` / `start(name)` to take one away."""
    runners: dict[str, web.AppRunner] = {}
    ports: dict[str, int] = {}

    async def start(name: str) -> None:
        async def openapi(_: web.Request) -> web.Response:
            return web.Response(body=orjson.dumps(documents[name]), content_type="application/json")

        app = web.Application()
        app.router.add_get("/openapi.json", openapi)
        runners[name], ports[name] = await serve_app(app, ports.get(name))

    async def stop(name: str) -> None:
        await runners.pop(name).cleanup()

    for name in documents:
        await start(name)

    class Services:
        urls = {f"{name}_url": f"http://127.0.0.1:{port}" for name, port in ports.items()}

    Services.start, Services.stop = staticmethod(start), staticmethod(stop)
    yield Services
    for runner in runners.values():
        await runner.cleanup()


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, item in document["paths"].items() for method in item]


async def test_every_path_of_every_service_once_with_schemas_named_by_service(
    start_gateway, make_settings, services, documents
):
    client = await start_gateway(make_settings(**services.urls))
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    merged = response.json()
    validate(merged)  # a valid OpenAPI 3.1 document

    expected_paths = {
        "/api/v1/me",
        "/api/v1/event-types",
        "/api/v1/problem-types",
        "/api/v1/api-keys",
        "/api/v1/api-keys/{key_id}",
        "/api/v1/events/{service}",
    }
    for document in documents.values():
        expected_paths |= {p for p in document["paths"] if p.startswith("/api/v1/") and "events" not in p}
    expected_paths.discard("/api/v1/regions/{code}/mentors")  # mentoring does not own /api/v1/regions
    assert set(merged["paths"]) == expected_paths

    schemas = merged["components"]["schemas"]
    # each service's under its name, the kit's (alike in every document) once under their own
    assert {"ParticipantsRegionOut", "MentoringRegionOut", "GatewayApiKeyCreated", "Problem", "AuditEntry"} <= set(
        schemas
    )
    assert schemas["MentoringRegionOut"]["properties"].keys() == {"code", "mentor_count"}
    assert schemas["MentoringRegionOut"]["title"] == "MentoringRegionOut"  # generators name classes by the title
    assert "time_zone" in schemas["ParticipantsRegionOut"]["properties"]
    assert schemas["ParticipantsPageRegionOut"]["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/ParticipantsRegionOut"
    }
    assert not [name for name in schemas if not name.isalnum()]
    assert not [name for name in schemas if name.endswith("Problem") and name not in ("Problem", "FieldProblem")]
    for ref in _refs(merged):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref

    track = merged["paths"]["/api/v1/tracks/{track_id}/advance"]["post"]
    assert track["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MentoringTrack"
    }
    operation_ids = [op["operationId"] for item in merged["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


async def test_the_feeds_are_one_path_with_an_enum_of_the_services_that_have_one(
    start_gateway, make_settings, services
):
    client = await start_gateway(make_settings(**services.urls))
    merged = (await client.get("/openapi.json")).json()
    feeds = [p for p in merged["paths"] if p.startswith("/api/v1/events")]
    assert feeds == ["/api/v1/events/{service}"]
    parameter = next(p for p in merged["paths"][feeds[0]]["get"]["parameters"] if p["name"] == "service")
    assert parameter["schema"] == {
        "type": "string",
        "enum": ["participants", "mentoring", "documents", "monitoring"],
        "title": "Service",
    }


async def test_the_event_catalogue_is_the_webhooks_of_every_service_and_a_list(
    start_gateway, make_settings, services, documents, bearer
):
    client = await start_gateway(make_settings(**services.urls))
    merged = (await client.get("/openapi.json")).json()
    validate(merged)
    # participants' and monitoring's real catalogues (the fake mentoring and documents declare none)
    expected = sorted([*documents["participants"]["webhooks"], *documents["monitoring"]["webhooks"]])
    assert list(merged["webhooks"]) == expected
    post = merged["webhooks"]["participant.status_changed"]["post"]
    assert post["operationId"] == "participants.eventParticipantStatusChanged"
    content = post["requestBody"]["content"]["application/json"]
    assert content["schema"]["properties"]["data"] == {
        "$ref": "#/components/schemas/ParticipantsEventParticipantStatusChanged"
    }
    assert content["example"]["type"] == "participant.status_changed"

    response = await client.get("/api/v1/event-types", headers=bearer("region", "32.73"))
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [i["type"] for i in items] == expected
    assessed = next(i for i in items if i["type"] == "participant.assessed")
    assert (assessed["service"], assessed["description"]) == (
        "participants",
        "An applied participant was assessed, or an assessed one re-scored (`rescored`).",
    )
    schema = assessed["schema"]
    # a schema that stands alone: the participants' event schemas it reaches, under its own $defs
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert sorted(schema["$defs"]) == ["ParticipantsEventAssessment", "ParticipantsEventScoreSource"]
    assert schema["properties"]["scores"] == {
        "$ref": "#/$defs/ParticipantsEventAssessment",
        "description": "The four official indicators and three interview scores, 0-100.",
    }
    Draft202012Validator.check_schema(schema)
    for item in items:  # every example is valid under its own schema
        Draft202012Validator(item["schema"]).validate(item["example"])
    bad = {**assessed["example"], "readiness_score": "high"}
    assert [e.json_path for e in Draft202012Validator(schema).iter_errors(bad)] == ["$.readiness_score"]
    assert (await client.get("/api/v1/event-types")).status_code == 401


async def test_the_problem_types_of_every_process_are_one_list(
    start_gateway, make_settings, services, documents, bearer
):
    client = await start_gateway(make_settings(**services.urls))
    merged = (await client.get("/openapi.json")).json()
    response = await client.get("/api/v1/problem-types", headers=bearer("partner"))
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    own = {p["code"] for document in documents.values() for p in document["x-problem-types"]}
    assert [i["code"] for i in items] == sorted(own | {p.code for p in GATEWAY} | {p.code for p in KIT})
    assert items == merged["x-problem-types"]
    assert next(i for i in items if i["code"] == "credentials-expired") == {
        "code": "credentials-expired",
        "type": "https://smartcity.kominfo.go.id/problems/credentials-expired",
        "status": 401,
        "title": {"en": "Credentials expired", "id": "Kredensial kedaluwarsa"},
        "meaning": "The bearer token (or the API key) has expired.",
        "action": "Obtain a new token from the provider (a refresh), or a new API key, and retry.",
    }
    # each operation lists what the gateway answers besides the service
    regions = merged["paths"]["/api/v1/regions"]["get"]["responses"]
    assert regions["401"]["x-problem-codes"] == ["credentials-expired", "unauthorized"]
    assert regions["429"]["x-problem-codes"] == ["too-many-failed-authentications", "too-many-requests"]
    upload: dict[str, Any] = {"/api/v1/documents": {"post": {"responses": {}}}}
    add_gateway_responses(upload, "#/components/schemas/Problem")
    assert upload["/api/v1/documents"]["post"]["responses"]["429"]["x-problem-codes"] == [
        "too-many-failed-authentications",
        "too-many-requests",
        "too-many-uploads",
    ]
    assert (await client.get("/api/v1/problem-types")).status_code == 401


async def test_security_schemes_are_declared_for_bearer_tokens_and_api_keys(start_gateway, make_settings, services):
    client = await start_gateway(make_settings(**services.urls))
    merged = (await client.get("/openapi.json")).json()
    assert merged["openapi"] == "3.1.0"
    assert merged["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A token from the organisation's OpenID Connect provider, or from `gateway-token`.",
    }
    assert merged["components"]["securitySchemes"]["apiKeyAuth"]["name"] == "X-API-Key"
    assert merged["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]


async def test_a_service_that_is_down_is_left_out_and_fills_in_when_it_comes_back(
    start_gateway, make_settings, services
):
    await services.stop("documents")
    client = await start_gateway(make_settings(**services.urls, openapi_retry_missing=0))
    merged = (await client.get("/openapi.json")).json()
    assert merged["info"]["x-services"] == {
        "participants": "present",
        "mentoring": "present",
        "documents": "unavailable",
        "monitoring": "present",
        "reports": "present",
        "webhooks": "present",
    }
    assert "/api/v1/documents" not in merged["paths"]
    assert "/api/v1/regions" in merged["paths"]
    assert merged["info"]["description"].endswith("Not available right now (retried on the next read): documents.")

    await services.start("documents")
    merged = (await client.get("/openapi.json")).json()
    assert merged["info"]["x-services"]["documents"] == "present"
    assert {"/api/v1/documents", "/api/v1/documents/{document_id}"} <= set(merged["paths"])
    validate(merged)


async def test_docs_page_and_its_assets_come_from_the_gateway(client):
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text and "http" not in page.text.replace("http-equiv", "")
    bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("text/javascript")
    assert len(bundle.content) > 1_000_000
    assert (await client.get("/docs/assets/..%2Fsettings.py")).status_code == 404
    assert (await client.get("/docs/assets/index.html")).status_code == 404


async def test_every_operation_declares_what_the_gateway_itself_answers(start_gateway, make_settings, services):
    client = await start_gateway(make_settings(**services.urls))
    merged = (await client.get("/openapi.json")).json()
    validate(merged)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, item in merged["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for status in ("429", "503", "504"):
                assert responses[status]["content"] == problem, (method, path, status)
                assert responses[status]["headers"]["Retry-After"]["required"] is True
            assert {"401", "403"} <= responses.keys(), (method, path)
            # and the service's own problems, no longer FastAPI's application/json validation error
            assert "application/json" not in responses["422"]["content"], (method, path)
    assert not [name for name in merged["components"]["schemas"] if name.endswith("HTTPValidationError")]


async def test_reads_of_the_document_are_limited_per_address(start_gateway, make_settings):
    client = await start_gateway(make_settings(openapi_rate_limit="0.1:3"))
    statuses = [(await client.get("/openapi.json")).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = await client.get("/openapi.json")
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 10
    assert (await client.get("/healthz")).status_code == 200  # nothing else is counted


def _document(**schemas: Any) -> dict[str, Any]:
    return {"paths": {}, "components": {"schemas": schemas}}


STRING = {"type": "string"}
LIST_OF_ITEM = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        # alike in two documents: shared; in one only: not shared, however plain
        ([_document(Problem=STRING), _document(Problem=STRING)], {("schemas", "Problem")}),
        ([_document(Problem=STRING), _document()], set()),
        # one name, two bodies: each its own
        ([_document(Item=STRING), _document(Item={"type": "integer"})], set()),
        # alike, but referring to a component that is not shared: the reference would mean two things
        ([_document(Page=LIST_OF_ITEM, Item=STRING), _document(Page=LIST_OF_ITEM, Item={"type": "integer"})], set()),
        (
            [_document(Page=LIST_OF_ITEM, Item=STRING), _document(Page=LIST_OF_ITEM, Item=STRING)],
            {("schemas", "Page"), ("schemas", "Item")},
        ),
    ],
)
def test_shared_components_are_those_alike_in_every_document_that_has_them(documents, expected):
    assert shared_components(documents) == expected


def test_names_take_the_service_and_lose_what_generators_cannot_resolve():
    namer = Namer({("schemas", "Problem")})
    assert namer.name("participants", "schemas", "Page_RegionOut_") == "ParticipantsPageRegionOut"
    assert namer.name("participants", "schemas", "event.ScoreSource") == "ParticipantsEventScoreSource"
    assert namer.name("participants", "schemas", "Problem") == "Problem"
    assert namer.ref("mentoring", "#/components/schemas/Track") == "#/components/schemas/MentoringTrack"
    assert namer.component("mentoring", "schemas", "Track", {"title": "Track", "type": "object"}) == (
        "MentoringTrack",
        {"title": "MentoringTrack", "type": "object"},
    )


def test_two_names_alike_once_made_letters_and_digits_keep_the_first_and_say_so():
    service = {"paths": {}, "components": {"schemas": {"Page_Item_": STRING, "PageItem": {"type": "integer"}}}}
    # capture_logs sees only a logger first used within it, and the kit's logging caches each logger on its first use:
    # an earlier test of the session may have used the merge's; it gets one made within
    with capture_logs() as logs, patch.object(gateway.openapi, "log", structlog.get_logger("openapi")):
        merged = merge(_document(), {"mentoring": service}, event_services=[])
    assert merged["components"]["schemas"]["MentoringPageItem"] == STRING
    assert [(e["event"], e["component"]) for e in logs] == [
        ("component name taken twice left out", "MentoringPageItem")
    ]
