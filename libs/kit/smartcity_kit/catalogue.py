"""The event catalogue: each event type's `data` as a pydantic model, its JSON Schema and an example.

A service declares one `EventData` subclass per event type it records (in its
own `events.py`: the domain stays in the service) and lists them in a
`Catalogue`. The outbox records an event from its model (`outbox.record`), so
a payload cannot drift from the schema published for it: the service's
OpenAPI document carries the catalogue under `webhooks` (one entry per event
type, the body a webhook receiver gets, with the schema of `data` in
`components` and an example), and the gateway merges those into the platform's
document and `GET /api/v1/event-types`.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.json_schema import models_json_schema

from .openapi import camel_case

# the event schemas have their own names among a document's components: `event.ScoreSource` may differ from
# the API's `ScoreSource`
PREFIX = "event."
REF_TEMPLATE = "#/components/schemas/" + PREFIX + "{model}"
ENVELOPE_EXAMPLE_TIMESTAMP = "2027-03-01T02:30:00.123456+00:00"


class EventData(BaseModel):
    """The `data` of one event type: a subclass names the type, is its JSON Schema and carries an example.

    Unknown fields are refused, so the schema (`additionalProperties: false`)
    says everything an event of the type may carry. A field named like a Python
    keyword takes an alias (`from_` is sent as `from`).
    """

    # every field is always sent, a default one too: the schema says each is required
    model_config = ConfigDict(extra="forbid", populate_by_name=True, json_schema_serialization_defaults_required=True)

    event_type: ClassVar[str]
    example: ClassVar[dict[str, Any]]

    def payload(self) -> dict[str, Any]:
        """The event's `data` as recorded and sent: JSON types, fields by their public names."""
        return self.model_dump(mode="json", by_alias=True)


class Catalogue:
    """One service's event types, by name; refuses a duplicate name and an example its model does not emit."""

    def __init__(self, models: Iterable[type[EventData]]) -> None:
        self.types: dict[str, type[EventData]] = {}
        for model in models:
            if model.event_type in self.types:
                raise ValueError(f"two models for the event type {model.event_type!r}")
            # the example is what the model emits, or the documentation lies
            if model.model_validate(model.example).payload() != model.example:
                raise ValueError(f"the example of {model.event_type!r} is not what its model emits")
            self.types[model.event_type] = model

    def __iter__(self) -> Any:
        return iter(self.types.values())

    def __len__(self) -> int:
        return len(self.types)

    def schemas(self) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """(type -> a `$ref` to its data's schema, the component schemas those refer to)."""
        models = list(self.types.values())
        refs, top = models_json_schema([(m, "serialization") for m in models], by_alias=True, ref_template=REF_TEMPLATE)
        by_type = {m.event_type: refs[(m, "serialization")] for m in models}
        return by_type, {PREFIX + name: schema for name, schema in top.get("$defs", {}).items()}

    def openapi(self, service: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the `webhooks` of an OpenAPI 3.1 document, the component schemas they refer to)."""
        refs, components = self.schemas()
        webhooks: dict[str, Any] = {}
        for name, model in sorted(self.types.items()):
            webhooks[name] = {
                "post": {
                    "summary": name,
                    "description": inspect.cleandoc(model.__doc__ or ""),
                    "operationId": camel_case("event_" + name.replace(".", "_")),
                    "tags": ["events"],
                    "x-service": service,
                    "requestBody": {
                        "required": True,
                        "description": "What a webhook receives, and `data` as it stands in the feed of "
                        f"`GET /api/v1/events/{service}`.",
                        "content": {
                            "application/json": {
                                "schema": envelope_schema(name, refs[name]),
                                "example": {
                                    "type": name,
                                    "timestamp": ENVELOPE_EXAMPLE_TIMESTAMP,
                                    "data": model.example,
                                },
                            }
                        },
                    },
                    "responses": {
                        "2XX": {"description": "Received: not sent again."},
                        "410": {"description": "Gone: the endpoint is disabled at once."},
                    },
                }
            }
        return webhooks, components


def envelope_schema(name: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "additionalProperties": False,
        "properties": {
            "type": {"const": name},
            "timestamp": {"type": "string", "format": "date-time", "description": "When the change committed."},
            "data": data,
        },
    }


def add_webhooks(document: dict[str, Any], catalogue: Catalogue, service: str) -> dict[str, Any]:
    """The catalogue into a service's OpenAPI document: `webhooks`, and the schemas under `event.` names."""
    webhooks, components = catalogue.openapi(service)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(components)
    document["webhooks"] = webhooks
    return document
