"""Problem codes and languages: every refusal carries its code, in the language the request asks for."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic_core import PydanticCustomError
from smartcity_kit.db import install_db_error_handlers
from smartcity_kit.fielderrors import field_error, field_refusal
from smartcity_kit.generic_problems import INVALID_CURSOR, KIT
from smartcity_kit.i18n import ENGLISH, INDONESIAN, negotiate, render
from smartcity_kit.pagination import encode_cursor
from smartcity_kit.problems import install_problem_handlers, problem_body, problem_responses
from smartcity_kit.problemtypes import FieldError, ProblemTypes

ID = {"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, ENGLISH),
        ("", ENGLISH),
        ("id", INDONESIAN),
        ("id-ID", INDONESIAN),
        ("ID-id", INDONESIAN),
        ("en-US,en;q=0.9", ENGLISH),
        ("en;q=0.9, id;q=0.8", ENGLISH),
        ("id;q=0.5, en", ENGLISH),
        ("fr, id;q=0.1", INDONESIAN),  # French is not spoken: the next one that is
        ("fr, de", ENGLISH),
        ("*", ENGLISH),
        ("id;q=0", ENGLISH),  # q=0 means "not this one"
        ("id;q=1, en;q=1", INDONESIAN),  # at equal weight the first named
        ("jv, id-ID;q=0.7, *;q=0.1", INDONESIAN),
        ("garbage;;q=x, id", INDONESIAN),
    ],
)
def test_the_language_follows_accept_language_with_its_weights(header, language):
    assert negotiate(header) == language


def test_values_are_written_as_the_language_writes_them():
    signed = "Signed on {day}, recorded at {moment}."
    day, moment = date(2026, 11, 30), datetime(2026, 11, 30, 2, 5, tzinfo=UTC).astimezone(ZoneInfo("Asia/Jayapura"))
    assert render(signed, {"day": day, "moment": moment}, ENGLISH) == (
        "Signed on November 30, 2026, recorded at November 30, 2026 11:05\u202fAM WIT."
    )
    # no catalogue has this message: the English is kept, the values are still Indonesian
    assert render(signed, {"day": day, "moment": moment}, INDONESIAN) == (
        "Signed on 30 November 2026, recorded at 30 November 2026 11.05 WIT."
    )
    assert render("{count} of {share}", {"count": 2026, "share": 0.5}, INDONESIAN) == "2026 of 0,5"


def test_a_problem_body_in_each_language():
    refused = FieldError("cursor", "not_a_cursor", "Not a cursor from this list.")
    english = problem_body(INVALID_CURSOR, ENGLISH, "The cursor is not valid.", errors=[refused])
    indonesian = problem_body(INVALID_CURSOR, INDONESIAN, "The cursor is not valid.", errors=[refused])
    assert english == {
        "type": "https://smartcity.kominfo.go.id/problems/invalid-cursor",
        "code": "invalid-cursor",
        "title": "Cursor not valid",
        "status": 422,
        "detail": "The cursor is not valid.",
        "errors": [{"field": "cursor", "code": "not_a_cursor", "message": "Not a cursor from this list."}],
    }
    assert indonesian == {
        **english,
        "title": "Kursor tidak sah",
        "detail": "Kursor tidak sah.",
        "errors": [{"field": "cursor", "code": "not_a_cursor", "message": "Bukan kursor dari daftar ini."}],
    }


def test_pydantic_errors_become_field_codes_and_our_refusals_keep_theirs():
    too_long = {"type": "string_too_long", "loc": ("body", "name"), "msg": "...", "ctx": {"max_length": 200}}
    assert field_error(too_long).render(INDONESIAN) == {
        "field": "name",
        "code": "too_long",
        "message": "Paling banyak 200 karakter.",
    }
    missing = {"type": "missing", "loc": ("body", "contacts", 0, "email"), "msg": "Field required"}
    assert field_error(missing).render(ENGLISH) == {
        "field": "contacts[0].email",
        "code": "required",
        "message": "Required.",
    }
    refusal = field_refusal("not_a_date", "Must be a date as YYYY-MM-DD.")
    assert isinstance(refusal, PydanticCustomError)
    ours = {"type": refusal.type, "loc": ("query", "since"), "msg": refusal.message(), "ctx": refusal.context}
    assert field_error(ours).render(INDONESIAN) == {
        "field": "since",
        "code": "not_a_date",
        "message": "Harus berupa tanggal dengan format YYYY-MM-DD.",
    }
    email = {
        "type": "value_error",
        "loc": ("body", "contacts", 0, "email"),
        "msg": "value is not a valid email address: An email address must have an @-sign.",
        "ctx": {"reason": "An email address must have an @-sign."},
    }
    assert field_error(email).render(INDONESIAN) == {
        "field": "contacts[0].email",
        "code": "not_an_email",
        "message": "Bukan alamat e-mail yang sah: An email address must have an @-sign.",
    }
    unknown = {"type": "complex_type", "loc": ("body", "z"), "msg": "..."}
    assert field_error(unknown).render(ENGLISH) == {"field": "z", "code": "invalid", "message": "Not valid."}


def test_a_code_is_defined_once_and_in_its_form(tmp_path: Path):
    elsewhere = ProblemTypes("elsewhere", tmp_path)
    with pytest.raises(ValueError, match="already defined by smartcity_kit"):
        elsewhere.define("not-found", 404, "Nothing", meaning="m", action="a")
    with pytest.raises(ValueError, match="kebab-case"):
        elsewhere.define("Not_Found", 404, "Nothing", meaning="m", action="a")
    with pytest.raises(ValueError, match="snake_case"):
        FieldError("name", "too-long", "At most {max_length} characters.")


def test_responses_list_the_codes_of_each_status():
    assert problem_responses(401, 422, INVALID_CURSOR) == {
        401: {
            "description": "Unauthorized",
            "x-problem-codes": ["unauthorized"],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
        422: {
            "description": "Unprocessable Entity",
            "x-problem-codes": ["invalid-cursor", "validation-failed"],
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        },
    }


async def test_an_unknown_route_answers_in_indonesian_when_asked(kit_client, as_role):
    response = await kit_client.get("/api/v1/nothing-here", headers={**as_role("partner"), **ID})
    assert response.status_code == 404
    assert (response.headers["content-language"], response.headers["vary"]) == ("id", "Accept-Language")
    assert response.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/not-found",
        "code": "not-found",
        "title": "Tidak ditemukan",
        "status": 404,
        "detail": "Tidak ada sumber daya di jalur ini.",
    }
    english = await kit_client.get("/api/v1/nothing-here", headers=as_role("partner"))
    assert english.headers["content-language"] == "en"
    assert (english.json()["title"], english.json()["detail"]) == ("Not found", "No resource at this path.")


async def test_validation_errors_carry_a_code_per_field_in_both_languages(kit_client, as_role):
    body = {"colour": "red"}
    english = await kit_client.post("/api/v1/notes", json=body, headers=as_role("operator"))
    indonesian = await kit_client.post("/api/v1/notes", json=body, headers={**as_role("operator"), **ID})
    assert english.status_code == indonesian.status_code == 422
    assert english.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/validation-failed",
        "code": "validation-failed",
        "title": "Request not valid",
        "status": 422,
        "detail": "The request is not valid.",
        "errors": [
            {"field": "text", "code": "required", "message": "Required."},
            {"field": "colour", "code": "extra_forbidden", "message": "Unknown field."},
        ],
    }
    assert indonesian.json() == {
        **english.json(),
        "title": "Permintaan tidak sah",
        "detail": "Permintaan tidak sah.",
        "errors": [
            {"field": "text", "code": "required", "message": "Wajib diisi."},
            {"field": "colour", "code": "extra_forbidden", "message": "Isian tidak dikenal."},
        ],
    }


async def test_a_cursor_not_given_out_is_invalid_cursor_and_documented(kit_client, as_role):
    response = await kit_client.get(
        "/api/v1/notes", params={"cursor": encode_cursor(["x"])}, headers={**as_role("partner"), **ID}
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["errors"]) == (
        "invalid-cursor",
        [{"field": "cursor", "code": "not_a_cursor", "message": "Bukan kursor dari daftar ini."}],
    )
    document = (await kit_client.get("/openapi.json")).json()
    listed = document["paths"]["/api/v1/notes"]["get"]["responses"]["422"]
    assert listed["x-problem-codes"] == ["invalid-cursor", "validation-failed", "value-not-storable"]
    assert [p["code"] for p in document["x-problem-types"]] == sorted(p.code for p in KIT)


async def test_no_identity_and_a_role_that_may_not_in_indonesian(kit_client, as_role):
    anonymous = await kit_client.get("/api/v1/notes", headers=ID)
    assert (anonymous.status_code, anonymous.json()["code"], anonymous.json()["title"]) == (
        401,
        "unauthorized",
        "Belum masuk",
    )
    assert anonymous.json()["detail"] == "Layanan ini hanya dapat diakses melalui gateway."
    partner = await kit_client.post("/api/v1/notes", json={"text": "x"}, headers={**as_role("partner"), **ID})
    assert (partner.status_code, partner.json()["code"], partner.json()["detail"]) == (
        403,
        "forbidden",
        "Peran 'partner' tidak boleh melakukan ini.",
    )


async def test_a_value_the_database_cannot_take_is_value_not_storable(kit_engine):
    app = FastAPI()
    install_problem_handlers(app)
    install_db_error_handlers(app)

    @app.get("/echo")
    async def echo(text: str) -> dict[str, str]:
        async with kit_engine.connect() as conn:
            return {"text": (await conn.execute(sa.text("SELECT CAST(:text AS text)"), {"text": text})).scalar_one()}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        assert (await client.get("/echo", params={"text": "ok"})).json() == {"text": "ok"}
        refused = await client.get("/echo", params={"text": "a\x00b"}, headers=ID)
    assert refused.status_code == 422
    assert refused.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/value-not-storable",
        "code": "value-not-storable",
        "title": "Nilai tidak dapat disimpan",
        "status": 422,
        "detail": "Permintaan memuat nilai yang tidak dapat disimpan (karakter NUL, angka di luar jangkauan).",
    }


async def test_a_change_breaking_a_unique_rule_is_conflict(kit_engine):
    """A unique rule a concurrent change broke (the database refuses the second insert): 409 `conflict`."""
    app = FastAPI()
    install_problem_handlers(app)
    install_db_error_handlers(app)

    @app.post("/twice")
    async def twice() -> None:
        async with kit_engine.connect() as conn:
            await conn.execute(sa.text("CREATE TEMPORARY TABLE once (id int PRIMARY KEY)"))
            await conn.execute(sa.text("INSERT INTO once VALUES (1)"))
            await conn.execute(sa.text("INSERT INTO once VALUES (1)"))

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        refused = await client.post("/twice", headers=ID)
    assert refused.status_code == 409
    assert refused.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/conflict",
        "code": "conflict",
        "title": "Bertentangan dengan keadaan saat ini",
        "status": 409,
        "detail": "Perubahan ini bertentangan dengan keadaan saat ini; muat ulang lalu coba lagi.",
    }
