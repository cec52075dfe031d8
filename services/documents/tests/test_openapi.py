"""The OpenAPI document describes every documents path, uploads as multipart/form-data."""

from __future__ import annotations

import warnings


def test_the_openapi_document_is_complete_and_unambiguous(app):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. duplicate operation ids
        schema = app.openapi()
    paths = schema["paths"]
    assert sorted(paths) == [
        "/api/v1/audit/{service}",
        "/api/v1/documents",
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/{document_id}/content",
        "/api/v1/documents/{document_id}/versions",
        "/api/v1/documents/{document_id}/versions/{number}/content",
        "/api/v1/events/{service}",
    ]
    upload = paths["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert sorted(upload["required"]) == ["file", "kind", "region_code", "title"]
    assert sorted(paths["/api/v1/documents/{document_id}/content"]) == ["get", "head"]
    # the events it records, each with the schema of its data
    assert sorted(schema["webhooks"]) == ["document.created", "document.deleted", "document.version_added"]
    created = schema["webhooks"]["document.created"]["post"]["requestBody"]["content"]["application/json"]
    assert created["schema"]["properties"]["data"] == {"$ref": "#/components/schemas/event.DocumentCreated"}
    kind = schema["components"]["schemas"]["event.DocumentCreated"]["properties"]["kind"]
    assert kind == {"$ref": "#/components/schemas/event.DocumentKind"}
    assert schema["components"]["schemas"]["event.DocumentKind"]["enum"][0] == "mou"


def test_content_is_documented_with_every_accepted_type_and_forms_are_strict(app):
    from documents.uploads.sniff import ACCEPTED
    from smartcity_kit.schemas import not_blank_pattern

    paths = app.openapi()["paths"]
    contents = ("/api/v1/documents/{document_id}/content", "/api/v1/documents/{document_id}/versions/{number}/content")
    for path in contents:
        for method in ("get", "head"):
            responses = paths[path][method]["responses"]
            assert sorted(responses["200"]["content"]) == sorted(ACCEPTED), (method, path)
            assert sorted(responses["206"]["content"]) == sorted(ACCEPTED)
            assert "content" not in responses["304"]
            assert "application/problem+json" in responses["404"]["content"]
    for path in ("/api/v1/documents", "/api/v1/documents/{document_id}/versions"):
        form = paths[path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert form["additionalProperties"] is False, path  # another field is refused (422)
    upload = paths["/api/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert upload["properties"]["title"]["pattern"] == not_blank_pattern(1)  # a blank title is refused
