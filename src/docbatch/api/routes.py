"""The batch and document endpoints under ``/api``.

Every endpoint calls the Python API (:class:`docbatch.client.Docbatch`), like the CLI.
Sync endpoints run in FastAPI's thread pool, so database calls never block the loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from docbatch.api.convert import batch_detail, batch_out, document_detail, document_out
from docbatch.api.events import batch_event_stream
from docbatch.api.recovery import recover_failed
from docbatch.api.schemas import BatchDetail, BatchOut, DocumentDetail, DocumentOut, SubmitPaths
from docbatch.api.submission import check_paths, read_upload
from docbatch.api.uploads import record_upload
from docbatch.store.records import BatchState, DocumentState

if TYPE_CHECKING:
    from docbatch.client import Docbatch

__all__ = ["router"]

router = APIRouter(prefix="/api")


def _client(request: Request) -> Docbatch:
    return request.app.state.client


@router.post(
    "/batches",
    response_model=BatchOut,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": SubmitPaths.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "files": {
                                "type": "array",
                                "items": {"type": "string", "format": "binary"},
                            },
                            "priority": {"type": "string"},
                            "project": {"type": "string"},
                            "name": {"type": "string"},
                        },
                    }
                },
            },
            "required": True,
        }
    },
)
async def submit_batch(request: Request) -> BatchOut:
    """Submit a batch: JSON ``{"paths": [...]}`` of server paths, or uploaded files."""
    from starlette.concurrency import run_in_threadpool

    from docbatch.client import Sources

    client = _client(request)
    # Without a broker nothing could run what is submitted: refuse before storing an
    # upload or creating a batch (the embedded `docbatch run` starts its own broker).
    await run_in_threadpool(lambda: client.app)
    folder = None
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await read_upload(request, client.settings)
        folder, options = form.folder, form.fields
        sources = await run_in_threadpool(Sources.from_args, [folder])
    else:
        try:
            body = SubmitPaths.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        paths = check_paths(body.paths, list(client.settings.allowed_roots))
        sources = await run_in_threadpool(Sources.from_args, paths)
        options = body.model_dump(exclude={"paths"}, exclude_none=True)
    batch = await run_in_threadpool(
        client.submit,
        sources,
        priority=options.get("priority") or None,
        project=options.get("project") or None,
        name=options.get("name") or None,
    )
    if folder is not None:
        record_upload(folder, batch.id)  # from now on the sweep may delete its files
    return batch_out(batch)


@router.get("/batches", response_model=list[BatchOut])
def list_batches(
    request: Request,
    state: BatchState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[BatchOut]:
    """The newest batches, optionally of one state."""
    return [batch_out(b) for b in _client(request).repo.batches.newest(limit=limit, state=state)]


@router.get("/batches/{batch_id}", response_model=BatchDetail)
def get_batch(request: Request, batch_id: str) -> BatchDetail:
    """One batch with its progress, rate and ETA."""
    client = _client(request)
    batch = client.get_batch(batch_id)
    return batch_detail(batch, client.status(batch.id))


@router.get("/batches/{batch_id}/documents", response_model=list[DocumentOut])
def list_documents(
    request: Request,
    batch_id: str,
    state: DocumentState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[DocumentOut]:
    """The batch's documents (optionally of one state), failures with their reasons."""
    client = _client(request)
    batch_id = client.get_batch(batch_id).id
    documents = client.repo.documents.of_batch(batch_id, state=state, limit=limit, offset=offset)
    return [document_out(d) for d in documents]


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(request: Request, document_id: str) -> DocumentDetail:
    """One document with its page text, chunks and entity mentions."""
    client = _client(request)
    return document_detail(client.repo, client.get_document(document_id))


@router.get(
    "/batches/{batch_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
def batch_events(request: Request, batch_id: str) -> StreamingResponse:
    """Server-sent events: ``status`` on every change, ``progress`` per transition, ``end``."""
    client = _client(request)
    batch_id = client.get_batch(batch_id).id
    return StreamingResponse(
        batch_event_stream(client, batch_id, request.app.state.poll_seconds),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.post("/batches/{batch_id}/recover", response_model=BatchOut, status_code=201)
def recover_batch(request: Request, batch_id: str) -> BatchOut:
    """Re-submit the batch's failed documents as a new high-priority batch."""
    return batch_out(recover_failed(_client(request), batch_id))


@router.post("/batches/{batch_id}/cancel", response_model=BatchOut)
def cancel_batch(request: Request, batch_id: str) -> BatchOut:
    """Cancel the batch's documents that have not finished."""
    return batch_out(_client(request).cancel(batch_id))
