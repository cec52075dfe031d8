"""API models of documents."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import DocumentKind

REGION_CODE = r"^\d{2}\.\d{2}$"


class DocumentFields(StrictModel):
    """The text fields of a new document's form."""

    region_code: str = Field(pattern=REGION_CODE, description="Kemendagri code of a kabupaten/kota, e.g. 32.73.")
    kind: DocumentKind
    title: str = Field(min_length=1, max_length=200)


class VersionOut(BaseModel):
    version: int
    size: int
    sha256: str
    content_type: str
    filename: str
    uploaded_by: str
    created_at: datetime


class DocumentSummary(BaseModel):
    id: uuid.UUID
    region_code: str
    kind: DocumentKind
    title: str
    version: int = Field(description="The current (latest) version's number; the fields below are its.")
    size: int
    sha256: str
    content_type: str
    filename: str
    created_at: datetime
    updated_at: datetime


class DocumentOut(DocumentSummary):
    versions: list[VersionOut]


class UploadForm(StrictModel):
    """For the OpenAPI document only: the body is read as a stream, never through this model.

    Strict like the form itself: another field is refused (422), a blank title too.
    """

    file: bytes = Field(json_schema_extra={"format": "binary"})
    region_code: str = Field(pattern=REGION_CODE)
    kind: DocumentKind
    title: str = Field(min_length=1, max_length=200)


class VersionForm(StrictModel):
    """For the OpenAPI document only."""

    file: bytes = Field(json_schema_extra={"format": "binary"})
