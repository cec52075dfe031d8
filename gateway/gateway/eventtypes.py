"""The platform's event catalogue as a list: `GET /api/v1/event-types`, read from the merged document.

Each service declares its event types in its own OpenAPI document (the kit's
catalogue.py); the merged document holds them all under `webhooks`, their
schemas among the components. Here each becomes one entry with a schema that
stands alone (what it refers to under its own `$defs`), so a partner can
validate an event's `data` with any JSON Schema library and nothing else.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

COMPONENT = "#/components/schemas/"


class EventType(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    type: str = Field(examples=["participant.status_changed"])
    service: str = Field(description="Whose feed carries it: `GET /api/v1/events/{service}`.")
    description: str
    data_schema: dict[str, Any] = Field(
        alias="schema", description="JSON Schema (2020-12) of the event's `data`, with what it refers to in `$defs`."
    )
    example: dict[str, Any] = Field(description="An event's `data`, as the feed and a webhook carry it.")


class EventTypeList(BaseModel):
    items: list[EventType] = Field(description="Every event type of the platform, by name.")


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        own = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return own.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _localised(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: ("#/$defs/" + v.removeprefix(COMPONENT) if k == "$ref" and isinstance(v, str) else _localised(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_localised(v) for v in node]
    return node


def standalone(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every component it reaches (transitively) under `$defs`, referred to there; a bare
    reference to a component is that component."""
    ref = schema.get("$ref")
    if set(schema) == {"$ref"} and isinstance(ref, str) and ref.removeprefix(COMPONENT) in components:
        schema = components[ref.removeprefix(COMPONENT)]
    names: set[str] = set()
    todo = [r.removeprefix(COMPONENT) for r in _refs(schema) if r.startswith(COMPONENT)]
    while todo:
        name = todo.pop()
        if name in names or name not in components:
            continue
        names.add(name)
        todo += [r.removeprefix(COMPONENT) for r in _refs(components[name]) if r.startswith(COMPONENT)]
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_localised(schema)}
    if names:
        out["$defs"] = {name: _localised(components[name]) for name in sorted(names)}
    return out


def event_type_list(document: dict[str, Any]) -> EventTypeList:
    components = document.get("components", {}).get("schemas", {})
    items = []
    for name, item in sorted(document.get("webhooks", {}).items()):
        post = item["post"]
        content = post["requestBody"]["content"]["application/json"]
        items.append(
            EventType(
                type=name,
                service=post.get("x-service", ""),
                description=post.get("description", ""),
                data_schema=standalone(content["schema"]["properties"]["data"], components),
                example=content["example"]["data"],
            )
        )
    return EventTypeList(items=items)
