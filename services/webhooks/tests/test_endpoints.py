"""Registering endpoints and managing them: who may, what is refused, what is shown."""

from __future__ import annotations

import base64
import uuid

import pytest
import sqlalchemy as sa
from webhooks.endpoints.secrets import unseal

from .conftest import identity

RECEIVER = "http://127.0.0.1:9/hooks"


async def register(client, role="operator", region=None, subject=None, **body):
    body = {"url": RECEIVER, "event_types": ["participant.*"], **body}
    return await client.post("/api/v1/webhooks", json=body, headers=identity(role, region, subject))


async def count(session_factory, table: str) -> int:
    async with session_factory() as s:
        return (await s.execute(sa.text(f"SELECT count(*) FROM webhooks.{table}"))).scalar_one()


async def test_registering_shows_the_secret_once_and_stores_it_sealed(client, session_factory, settings):
    response = await register(client, description="Kemenkeu fiscal sync", event_types=["participant.*", "mou.signed"])
    assert response.status_code == 201, response.text
    created = response.json()
    assert response.headers["location"] == f"/api/v1/webhooks/{created['id']}"
    secret = created["secret"]
    assert secret.startswith("whsec_")
    raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    assert len(raw) == 32
    assert {k: created[k] for k in ("url", "event_types", "description", "region_code", "ordered", "status")} == {
        "url": RECEIVER,
        "event_types": ["participant.*", "mou.signed"],
        "description": "Kemenkeu fiscal sync",
        "region_code": None,
        "ordered": True,
        "status": "active",
    }
    assert [s["expires_at"] for s in created["secrets"]] == [None]

    read = await client.get(f"/api/v1/webhooks/{created['id']}", headers=identity("operator"))
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert secret not in read.text
    async with session_factory() as s:
        (sealed,) = (await s.execute(sa.text("SELECT sealed FROM webhooks.endpoint_secrets"))).one()
    assert raw not in sealed and secret.encode() not in sealed
    assert unseal(settings.key(), uuid.UUID(created["id"]), sealed) == raw


async def test_a_region_subscribes_to_its_own_region_only(client):
    response = await register(client, "region", "32.73")
    assert response.status_code == 201
    assert response.json()["region_code"] == "32.73"
    other = await register(client, "region", "32.73", region_code="31.71")
    assert other.status_code == 422
    assert other.json()["errors"] == [
        {"field": "region_code", "code": "not_own_region", "message": "Must be 32.73 or left out."}
    ]


async def test_each_subscriber_sees_its_own_endpoints_and_others_get_404(client):
    partner = (await register(client, "partner", subject="api-key:1")).json()
    region = (await register(client, "region", "32.73")).json()
    staff = (await register(client, "operator")).json()

    def ids(response):
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert ids(await client.get("/api/v1/webhooks", headers=identity("partner", subject="api-key:1"))) == [
        partner["id"]
    ]
    assert ids(await client.get("/api/v1/webhooks", headers=identity("partner", subject="api-key:2"))) == []
    assert ids(await client.get("/api/v1/webhooks", headers=identity("region", "32.73"))) == [region["id"]]
    assert ids(await client.get("/api/v1/webhooks", headers=identity("region", "31.71"))) == []
    assert set(ids(await client.get("/api/v1/webhooks", headers=identity("admin")))) == {
        partner["id"],
        region["id"],
        staff["id"],
    }
    for endpoint_id, headers in (
        (partner["id"], identity("partner", subject="api-key:2")),
        (region["id"], identity("region", "31.71")),
        (staff["id"], identity("partner", subject="api-key:1")),
    ):
        assert (await client.get(f"/api/v1/webhooks/{endpoint_id}", headers=headers)).status_code == 404
        assert (await client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=headers)).status_code == 404


async def test_mentors_may_not_subscribe(client):
    response = await register(client, "mentor")
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("url", "code", "message"),
    [
        ("http://10.0.0.1/hooks", "address_not_public", "resolves to 10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data", "address_not_public", "resolves to 169.254.169.254"),
        ("http://192.168.1.20/hooks", "address_not_public", "resolves to 192.168.1.20"),
        ("http://[fd00::1]/hooks", "address_not_public", "resolves to fd00::1"),
        ("http://0.0.0.0/hooks", "address_not_public", "resolves to 0.0.0.0"),
        ("http://user:pw@example.org/hooks", "credentials_in_url", "Credentials in the URL"),
        ("ftp://example.org/hooks", "scheme_not_allowed", "Only http(s) URLs"),
        ("http:///hooks", "no_host", "no host"),
        ("http://example.org/hooks#top", "fragment_in_url", "with a fragment"),
        ("http://nonexistent.invalid/hooks", "host_does_not_resolve", "does not resolve"),
        ("http://example.org:99999/hooks", "not_a_url", "Not a URL"),
    ],
)
async def test_destinations_inside_our_network_are_refused_and_nothing_is_stored(
    client, session_factory, url, code, message
):
    response = await register(client, url=url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["code"], response.json()["detail"]) == ("webhook-url-refused", "The URL is refused.")
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("url", code)
    assert message in error["message"]
    assert await count(session_factory, "endpoints") == 0
    assert await count(session_factory, "endpoint_secrets") == 0


async def test_a_name_resolving_to_loopback_is_refused_without_the_allow_list(settings, engine, session_factory):
    import httpx
    from webhooks.main import create_app

    closed = create_app(settings.model_copy(update={"allowed_networks": ""}))
    closed.state.engine, closed.state.sessionmaker = engine, session_factory
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=closed), base_url="http://webhooks") as c:
        for url in ("http://localhost:8080/hooks", "http://127.0.0.1:8080/hooks", "http://[::1]:8080/hooks"):
            response = await register(c, url=url)
            assert response.status_code == 422, url
            assert "loopback, private, link-local or reserved" in response.json()["errors"][0]["message"]
    assert await count(session_factory, "endpoints") == 0


async def test_only_https_outside_development(settings, engine, session_factory):
    import httpx
    from webhooks.main import create_app
    from webhooks.settings import Settings

    production = Settings(**{**settings.model_dump(), "environment": "production", "secret_key": "k" * 32})
    app = create_app(production)
    app.state.engine, app.state.sessionmaker = engine, session_factory
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://webhooks") as c:
        response = await register(c, url=RECEIVER)
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == "Only https URLs are accepted."
        in_indonesian = await c.post(
            "/api/v1/webhooks",
            json={"url": RECEIVER, "event_types": ["participant.*"]},
            headers={**identity("operator"), "accept-language": "id"},
        )
        assert in_indonesian.json() == {
            "type": "https://smartcity.kominfo.go.id/problems/webhook-url-refused",
            "code": "webhook-url-refused",
            "title": "URL webhook ditolak",
            "status": 422,
            "detail": "URL ini ditolak.",
            "errors": [{"field": "url", "code": "scheme_not_allowed", "message": "Hanya URL https yang diterima."}],
        }


def test_production_refuses_the_placeholder_key(settings):
    from webhooks.settings import DEV_SECRET_KEY, Settings

    with pytest.raises(ValueError, match="WEBHOOKS_SECRET_KEY must be set outside development"):
        Settings(**{**settings.model_dump(), "environment": "production", "secret_key": DEV_SECRET_KEY})
    with pytest.raises(ValueError, match="at least 32 characters"):
        Settings(**{**settings.model_dump(), "secret_key": "short"})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_types": []}, "event_types"),
        ({"event_types": ["Participant.*"]}, "event_types[0]"),
        ({"event_types": ["participant.*", "participant.*"]}, "event_types"),
        ({"event_types": ["participant.*.x"]}, "event_types[0]"),
        ({"event_types": ["%"]}, "event_types[0]"),
        ({"secret": "whsec_mine"}, "secret"),
        ({"region_code": "Bandung"}, "region_code"),
        ({"url": "x"}, "url"),
    ],
)
async def test_hostile_bodies_are_refused_field_by_field(client, session_factory, body, field):
    response = await register(client, **body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await count(session_factory, "endpoints") == 0


async def test_update_needs_the_current_etag(client):
    created = (await register(client)).json()
    path = f"/api/v1/webhooks/{created['id']}"
    ops = identity("operator")
    read = await client.get(path, headers=ops)
    etag = read.headers["etag"]
    assert (await client.patch(path, json={"description": "x"}, headers=ops)).status_code == 428
    stale = await client.patch(path, json={"description": "x"}, headers={**ops, "if-match": '"stale"'})
    assert stale.status_code == 412
    changed = await client.patch(path, json={"event_types": ["*"], "ordered": False}, headers={**ops, "if-match": etag})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["event_types"], changed.json()["ordered"]) == (["*"], False)
    assert changed.headers["etag"] != etag
    again = await client.patch(path, json={"description": "y"}, headers={**ops, "if-match": etag})
    assert again.status_code == 412
    bad = await client.patch(
        path, json={"url": "http://10.1.2.3/"}, headers={**ops, "if-match": changed.headers["etag"]}
    )
    assert bad.status_code == 422
    assert (await client.get(path, headers=ops)).json()["url"] == RECEIVER


async def test_disable_enable_and_delete(client, session_factory):
    created = (await register(client, "partner", subject="api-key:7")).json()
    path = f"/api/v1/webhooks/{created['id']}"
    me = identity("partner", subject="api-key:7")
    disabled = (await client.post(f"{path}/disable", headers=me)).json()
    assert (disabled["status"], disabled["disabled_reason"]) == ("disabled", "Disabled by partner api-key:7.")
    enabled = (await client.post(f"{path}/enable", headers=me)).json()
    assert (enabled["status"], enabled["disabled_reason"], enabled["disabled_at"]) == ("active", None, None)
    assert (await client.delete(path, headers=me)).status_code == 204
    assert (await client.get(path, headers=me)).status_code == 404
    assert await count(session_factory, "endpoint_secrets") == 0


async def test_rotation_keeps_the_old_secret_for_the_overlap(client, session_factory, settings):
    created = (await register(client)).json()
    path = f"/api/v1/webhooks/{created['id']}"
    ops = identity("operator")
    rotated = await client.post(f"{path}/rotate-secret", json={"overlap_seconds": 600}, headers=ops)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != created["secret"]
    secrets = (await client.get(path, headers=ops)).json()["secrets"]
    assert [s["expires_at"] is None for s in secrets] == [True, False]
    assert secrets[1]["expires_at"] == rotated.json()["previous_expires_at"]
    # a rotation without a body takes the configured overlap; one with overlap 0 ends the others at once
    assert (await client.post(f"{path}/rotate-secret", headers=ops)).status_code == 200
    assert len((await client.get(path, headers=ops)).json()["secrets"]) == 3
    assert (await client.post(f"{path}/rotate-secret", json={"overlap_seconds": 0}, headers=ops)).status_code == 200
    assert len((await client.get(path, headers=ops)).json()["secrets"]) == 1
    refused = await client.post(f"{path}/rotate-secret", json={"overlap_seconds": -1}, headers=ops)
    assert refused.status_code == 422


async def test_a_pattern_that_matches_no_event_type_is_refused(client, feeds, session_factory):
    ops = identity("operator")
    # while the services' documents cannot be read, the types are not known: any pattern is taken
    unknown = await register(client, event_types=["participant.status_change"])
    assert unknown.status_code == 201, unknown.text
    feeds.event_types = ["participant.status_changed", "participant.applied", "mou.signed"]
    for good in (["participant.*"], ["mou.signed", "*"], ["webhook.test"], ["participant.applied"]):
        response = await register(client, event_types=good)
        assert response.status_code == 201, (good, response.text)
    refused = await register(client, event_types=["participant.*", "participant.status_change", "track.*"])
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "event_types[1]",
            "code": "unknown_event_type",
            "message": "No event type is or starts with 'participant.status_change'.",
        },
        {
            "field": "event_types[2]",
            "code": "unknown_event_type",
            "message": "No event type is or starts with 'track.*'.",
        },
    ]
    assert await count(session_factory, "endpoints") == 5
    # a change of the patterns is checked the same way
    path = f"/api/v1/webhooks/{unknown.json()['id']}"
    etag = (await client.get(path, headers=ops)).headers["etag"]
    changed = await client.patch(path, json={"event_types": ["mou.*"]}, headers={**ops, "if-match": etag})
    assert changed.status_code == 200, changed.text
    etag = changed.headers["etag"]
    typo = await client.patch(path, json={"event_types": ["mou.sign"]}, headers={**ops, "if-match": etag})
    assert (typo.status_code, typo.json()["errors"][0]["field"]) == (422, "event_types[0]")
