"""The OpenAPI document describes every documents path, uploads as multipart/form-data."""

from __future__ import annotations

import warnings


def test_the_openapi_document_is_complete_and_unambiguous(app):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. duplicate operation ids
        schema = app.openapi()
    paths = schema["paths"]
    assert sorted(paths) == [
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
