"""The catalogue's machinery: a model per event type, its example checked, its schema in an OpenAPI document."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from pydantic import Field
from smartcity_kit.catalogue import Catalogue, EventData, add_webhooks


class NoteCreated(EventData):
    """A note was written."""

    event_type = "note.created"
    example: ClassVar[dict[str, Any]] = {"note_id": 7, "from": "draft", "region_code": None}

    note_id: int
    from_: str = Field(alias="from")
    region_code: str | None = None


def test_a_payload_uses_public_names_and_every_field_is_required_in_the_schema():
    assert NoteCreated(note_id=1, from_="x").payload() == {"note_id": 1, "from": "x", "region_code": None}
    document = add_webhooks(
        {"components": {"schemas": {"NoteCreated": {"type": "string"}}}}, Catalogue([NoteCreated]), "kit"
    )
    # the API's schema of the same name stays: the event's is under `event.`
    assert document["components"]["schemas"]["NoteCreated"] == {"type": "string"}
    schema = document["components"]["schemas"]["event.NoteCreated"]
    assert (schema["required"], schema["additionalProperties"], schema["description"]) == (
        ["note_id", "from", "region_code"],
        False,
        "A note was written.",
    )
    post = document["webhooks"]["note.created"]["post"]
    assert post["requestBody"]["content"]["application/json"]["example"] == {
        "type": "note.created",
        "timestamp": "2027-03-01T02:30:00.123456+00:00",
        "data": {"note_id": 7, "from": "draft", "region_code": None},
    }
    assert post["requestBody"]["content"]["application/json"]["schema"]["properties"]["data"] == {
        "$ref": "#/components/schemas/event.NoteCreated"
    }


def test_a_type_twice_or_an_example_the_model_does_not_emit_is_refused():
    with pytest.raises(ValueError, match="two models"):
        Catalogue([NoteCreated, NoteCreated])

    class Drifted(NoteCreated):
        event_type = "note.drifted"
        example: ClassVar[dict[str, Any]] = {"note_id": 7, "from": "draft"}  # region_code left out

    with pytest.raises(ValueError, match="not what its model emits"):
        Catalogue([Drifted])
