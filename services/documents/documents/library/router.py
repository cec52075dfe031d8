"""HTTP routes of documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from smartcity_kit.bodylimit import STREAMED_BODY
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, set_etag
from smartcity_kit.identity import CallerDep, Role
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import Forbidden, NotFound, problem_responses
from smartcity_vocabulary import DocumentKind

from ..access import CanManageProgramme, OwnRegionOrStaff
from ..problems import FILE_EMPTY, FILE_TOO_EXPANDED
from ..storage import Storage
from ..uploads.form import receive_form
from ..uploads.sniff import ACCEPTED
from . import service
from .content import content_response
from .mentored import MentoredRegions
from .models import Document, Version
from .schemas import REGION_CODE, DocumentOut, DocumentSummary, UploadForm, VersionForm, VersionOut

router = APIRouter(prefix="/api/v1/documents", tags=["documents"])

DocumentId = Annotated[uuid.UUID, Path(description="The document's id.")]


# the bytes come back with the type judged at upload; HEAD gives the same headers without them
CONTENT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The bytes.", "content": {media_type: {} for media_type in ACCEPTED}},
    206: {"description": "The requested range of the bytes.", "content": {media_type: {} for media_type in ACCEPTED}},
    304: {"description": "Not modified since the `If-None-Match` ETag."},
    **problem_responses(401, 404, 416, 422, 503),
}


def _upload_body(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema()
    # streamed to storage and bounded by DOCUMENTS_MAX_UPLOAD_BYTES, not by the JSON body limit
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}, **STREAMED_BODY}


def _summary_fields(document: Document, current: Version) -> dict[str, Any]:
    return {
        "id": document.id,
        "region_code": document.region_code,
        "kind": document.kind,
        "title": document.title,
        "version": current.number,
        "size": current.size,
        "sha256": current.sha256,
        "content_type": current.content_type,
        "filename": current.filename,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
    }


def document_out(document: Document, versions: list[Version]) -> DocumentOut:
    current = next(v for v in versions if v.number == document.current_version)
    return DocumentOut(
        **_summary_fields(document, current),
        versions=[
            VersionOut(
                version=v.number,
                size=v.size,
                sha256=v.sha256,
                content_type=v.content_type,
                filename=v.filename,
                uploaded_by=v.uploaded_by,
                created_at=v.created_at,
            )
            for v in sorted(versions, key=lambda v: v.number)
        ],
    )


def _created(response: Response, out: DocumentOut) -> DocumentOut:
    response.headers["Location"] = f"/api/v1/documents/{out.id}"
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out


async def mentored_regions(request: Request, caller: CallerDep) -> frozenset[str]:
    """For a mentor, the regions it mentors (asked of the mentoring service); nothing for anyone else."""
    if caller.role != Role.MENTOR:
        return frozenset()
    mentored: MentoredRegions = request.app.state.mentored
    return await mentored.of(caller)


MentoredDep = Annotated[frozenset[str], Depends(mentored_regions)]


def _storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


@router.post(
    "",
    status_code=201,
    response_model=DocumentOut,
    summary="Upload a new document (multipart/form-data: file, region_code, kind, title)",
    responses=problem_responses(401, 403, 413, 415, 422, FILE_EMPTY, FILE_TOO_EXPANDED),
    dependencies=[OwnRegionOrStaff],
    openapi_extra=_upload_body(UploadForm),
)
async def create_document(request: Request, response: Response, session: SessionDep, caller: CallerDep) -> DocumentOut:
    def early(name: str, value: str) -> None:
        # a region team's upload for another region is refused before its file is read
        if name == "region_code" and caller.role == Role.REGION and value != caller.region_code:
            raise Forbidden("A region team uploads documents for its own region only.")

    form = await receive_form(
        request,
        storage=_storage(request),
        max_file_bytes=request.app.state.settings.max_upload_bytes,
        text_fields=frozenset({"region_code", "kind", "title"}),
        on_field=early,
    )
    try:
        assert form.file is not None
        fields = service.parse_fields(form.fields)
        document, versions = await service.create_document(session, caller=caller, fields=fields, received=form.file)
    finally:
        await form.discard()  # a no-op once the bytes were committed
    return _created(response, document_out(document, versions))


@router.post(
    "/{document_id}/versions",
    status_code=201,
    response_model=DocumentOut,
    summary="Upload the next version of a document (multipart/form-data: file)",
    responses=problem_responses(401, 403, 404, 413, 415, 422, FILE_EMPTY, FILE_TOO_EXPANDED),
    dependencies=[OwnRegionOrStaff],
    openapi_extra=_upload_body(VersionForm),
)
async def add_version(
    document_id: DocumentId, request: Request, response: Response, session: SessionDep, caller: CallerDep
) -> DocumentOut:
    # scope first, in a short session of its own: no transaction stays open while the file streams in
    async with request.app.state.sessionmaker() as check:
        document = await service.get_visible(check, caller, document_id)
        service.check_may_write(caller, document.region_code)
    form = await receive_form(
        request,
        storage=_storage(request),
        max_file_bytes=request.app.state.settings.max_upload_bytes,
        text_fields=frozenset(),
    )
    try:
        assert form.file is not None
        document, versions = await service.add_version(
            session, caller=caller, document_id=document_id, received=form.file
        )
    finally:
        await form.discard()
    return _created(response, document_out(document, versions))


@router.get(
    "",
    response_model=Page[DocumentSummary],
    summary="List documents (region teams: their own region's; mentors: the regions they mentor)",
    responses=problem_responses(401, 422, 503),
)
async def list_documents(
    session: SessionDep,
    caller: CallerDep,
    mentored: MentoredDep,
    region_code: Annotated[str | None, Query(pattern=REGION_CODE)] = None,
    kind: DocumentKind | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of the title, any case.")] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[DocumentSummary]:
    stmt = service.document_query(caller, region_code=region_code, kind=kind, q=q, mentored=mentored)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Document.created_at, Document.id],
        key_of=lambda d: [d.created_at.isoformat(), str(d.id)],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    items = [DocumentSummary(**_summary_fields(d, d.current)) for d in rows]
    return Page[DocumentSummary](items=items, next_cursor=next_cursor)


@router.get(
    "/{document_id}",
    response_model=DocumentOut,
    summary="One document with its versions",
    responses=problem_responses(401, 404, 422, 503),
)
async def get_document(
    document_id: DocumentId, response: Response, session: SessionDep, caller: CallerDep, mentored: MentoredDep
) -> DocumentOut:
    out = await service.read_visible(session, caller, document_id, mentored=mentored)
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out


@router.get(
    "/{document_id}/content",
    summary="The current version's bytes (ETag, If-None-Match, Range)",
    responses=CONTENT_RESPONSES,
    response_class=Response,
    operation_id="getDocumentContent",
)
@router.head(
    "/{document_id}/content",
    summary="The current version's headers",
    responses=CONTENT_RESPONSES,
    response_class=Response,
    operation_id="headDocumentContent",
)
async def current_content(
    document_id: DocumentId, request: Request, session: SessionDep, caller: CallerDep, mentored: MentoredDep
) -> Response:
    version = await service.current_content(session, caller, document_id, mentored=mentored)
    return content_response(request, _storage(request), version)


@router.get(
    "/{document_id}/versions/{number}/content",
    summary="One version's bytes (ETag, If-None-Match, Range)",
    responses=CONTENT_RESPONSES,
    response_class=Response,
    operation_id="getVersionContent",
)
@router.head(
    "/{document_id}/versions/{number}/content",
    summary="One version's headers",
    responses=CONTENT_RESPONSES,
    response_class=Response,
    operation_id="headVersionContent",
)
async def version_content(
    document_id: DocumentId,
    number: Annotated[int, Path(ge=1)],
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    mentored: MentoredDep,
) -> Response:
    document = await service.get_visible(session, caller, document_id, mentored=mentored)
    version = next((v for v in document.versions if v.number == number), None)
    if version is None:
        raise NotFound("The document has no version {number}.", number=number)
    return content_response(request, _storage(request), version)


@router.delete(
    "/{document_id}",
    status_code=204,
    summary="Delete a document (hidden from every read; its bytes are kept until a purge)",
    responses=problem_responses(401, 403, 404, 422),
    dependencies=[CanManageProgramme],
)
async def delete_document(document_id: DocumentId, session: SessionDep, caller: CallerDep) -> Response:
    await service.delete_document(session, caller=caller, document_id=document_id)
    return Response(status_code=204)
