"""What fuzzing the merged document found in the kit's conventions, fixed once for every service."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from smartcity_kit.schemas import INVISIBLE, SPACE, IsoDate, Rfc3339Time, StrictModel, not_blank_pattern

from .test_conventions import count

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_every_operation_documents_its_problems_as_problem_json(kit_app):
    document = kit_app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert "Problem" in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            expected = {"400", "401", "403", "404", "422"} | ({"409"} if method == "post" else set())
            for status in expected:
                assert operation["responses"][status]["content"] == PROBLEM, (method, path, status)


async def test_a_405_lists_every_method_of_the_resource(kit_client, as_role):
    wrong = await kit_client.delete("/api/v1/notes", headers=as_role("operator"))
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET, POST")
    options = await kit_client.options("/api/v1/notes/7", headers=as_role("operator"))
    assert (options.status_code, options.headers["allow"]) == (405, "GET, PATCH")
    assert options.headers["content-type"] == "application/problem+json"


async def test_a_literal_path_with_another_method_is_a_405_not_a_bad_id(kit_client, as_role):
    response = await kit_client.get("/api/v1/notes/import", headers=as_role("operator"))
    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    bad_id = await kit_client.get("/api/v1/notes/seven", headers=as_role("operator"))
    assert bad_id.status_code == 422


async def test_a_nul_character_is_refused_with_422_and_nothing_is_stored(kit_client, kit_engine, as_role):
    response = await kit_client.post("/api/v1/notes", json={"text": "a\u0000b"}, headers=as_role("operator"))
    assert (response.status_code, response.headers["content-type"]) == (422, "application/problem+json")
    assert response.json()["errors"] == [
        {
            "field": "text",
            "code": "invisible_character",
            "message": "Holds an invisible or control character (U+0000); only visible text is taken.",
        }
    ]
    assert await count(kit_engine, "notes") == 0
    assert await count(kit_engine, "events") == 0


class Named(StrictModel):
    name: str = Field(min_length=1, max_length=50)
    code: str = Field(min_length=3, pattern="^[A-Z]+$")
    tags: list[str] = Field(default_factory=list, json_schema_extra={"items": {"type": "string", "minLength": 2}})
    nickname: str | None = Field(None, min_length=2)


def test_stripped_text_says_in_its_schema_that_blanks_do_not_count():
    properties = Named.model_json_schema()["properties"]
    assert properties["name"]["pattern"] == not_blank_pattern(1)
    assert properties["code"]["pattern"] == "^[A-Z]+$"  # a pattern of its own is kept
    assert properties["nickname"]["anyOf"][0]["pattern"] == not_blank_pattern(2)
    with pytest.raises(ValidationError):
        Named(name="   ", code="ABC")


def test_the_space_class_is_exactly_what_pydantic_strips():
    """Found by fuzzing: `\\S` let U+0085 through in the fuzzer's regex, and pydantic stripped it to nothing."""
    import re

    class One(StrictModel):
        text: str = Field(min_length=1)

    def stripped(character: str) -> bool:
        try:
            One(text=character)
        except ValidationError as exc:  # blank once stripped (an invisible character is refused for another reason)
            return exc.errors()[0]["type"] == "string_too_short"
        return False

    for code in [*range(0x0, 0x3001), 0x180E, 0xFEFF]:
        character = chr(code)
        assert bool(re.fullmatch(SPACE, character)) is stripped(character), hex(code)


@pytest.mark.parametrize(
    ("text", "min_length", "matches"),
    [
        ("  ab ", 2, True),
        (" a  ", 2, False),
        ("a\n\tb", 3, True),
        ("a b", 3, True),
        ("ab ", 3, False),
        ("\x85a\u3000", 1, True),
        ("\x85\u3000", 1, False),
    ],
)
def test_the_not_blank_pattern_counts_what_is_left_after_stripping(text, min_length, matches):
    import re

    assert bool(re.search(not_blank_pattern(min_length), text)) is matches
    assert (len(text.strip()) >= min_length) is matches


class When(BaseModel):
    at: Rfc3339Time


@pytest.mark.parametrize("value", ["0.5", 1700000000, "1700000000", "2026-11-28", "2026-11-28T09:00:00"])
def test_a_time_is_rfc3339_with_an_offset_and_never_a_number(value):
    with pytest.raises(ValidationError):
        When(at=value)


@pytest.mark.parametrize("value", ["2026-11-28T09:00:00+07:00", "2026-11-28T02:00:00Z", "2026-11-28t02:00:00.5z"])
def test_rfc3339_times_are_taken(value):
    assert When(at=value).at.utcoffset() is not None
    assert TypeAdapter(Rfc3339Time).json_schema()["format"] == "date-time"


async def test_a_number_beyond_the_column_is_refused_with_422(kit_client, as_role):
    response = await kit_client.get("/api/v1/notes/99999999999", headers=as_role("partner"))
    assert (response.status_code, response.headers["content-type"]) == (422, "application/problem+json")


@pytest.mark.parametrize("value", ["0", 1531180800, "2018-07-10T00:00:00Z", "10-07-2018"])
def test_a_date_is_yyyy_mm_dd_and_never_a_number(value):
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_python(value)
    assert str(TypeAdapter(IsoDate).validate_python("2018-07-10")) == "2018-07-10"
    assert TypeAdapter(IsoDate).json_schema()["format"] == "date"


@pytest.mark.parametrize(
    "text",
    [
        "report\u202efdp.exe",  # a right-to-left override: shows as reportexe.pdf
        "\u2066Bandung\u2069",
        "Kota\u200bBandung",  # zero width space
        "Kota\u200dBandung",
        "\ufeffBandung",
        "Bandung\x9b",  # C1 control
        "a\x1bb",  # escape
        "a\x7f",
    ],
)
async def test_invisible_and_control_characters_are_refused_in_any_text_field(kit_client, kit_engine, as_role, text):
    response = await kit_client.post("/api/v1/notes", json={"text": text}, headers=as_role("operator"))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "text"
    assert (error["code"], error["message"]) == (
        "invisible_character",
        f"Holds an invisible or control character (U+{ord(INVISIBLE.search(text).group()):04X}); "  # type: ignore[union-attr]
        "only visible text is taken.",
    )
    assert await count(kit_engine, "notes") == 0


class Texts(StrictModel):
    free: str | None = None
    one: str = Field("x", min_length=1)
    three: str = Field("xyz", min_length=3)
    many: list[str] = Field(default_factory=list)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        " a b ",
        "a\tb\nc",
        "\x85ab\x85",
        "ab\u200e",
        "a\u202eb",
        "\u200b",
        "   ",
        "a\x00",
        "é ü",
        "a\x85b",
        "\x0bx\x0c",
    ],
)
@pytest.mark.parametrize("field", ["free", "one", "three", "many"])
def test_the_schema_pattern_says_exactly_which_text_is_taken(field, text):
    """What the document tells a client (and the fuzzer) is what the model takes, character for character."""
    import re

    schema = Texts.model_json_schema()["properties"][field]
    pattern = (schema.get("anyOf", [schema])[0] if field != "many" else schema["items"])["pattern"]
    try:
        Texts.model_validate({field: [text] if field == "many" else text})
        taken = True
    except ValidationError:
        taken = False
    assert bool(re.search(pattern, text)) is taken
