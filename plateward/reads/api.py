"""JSON routes for reads: ingest from cameras and vendor systems."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from plateward.core.errors import InvalidInput, PayloadTooLarge
from plateward.reads import service as reads
from plateward.reads.adapters import PayloadFormat, to_raw_rows
from plateward.reads.rules import ReadIn
from plateward.web.deps import ServiceDep, UowDep

router = APIRouter(prefix="/api/v1", tags=["reads"])


class RejectedRow(BaseModel):
    position: str
    read_id: str | None
    reason: str


class IngestResponse(BaseModel):
    batch_id: str
    received: int
    stored: int
    duplicates: int
    rejected: list[RejectedRow]


_BATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["reads"],
    "properties": {"reads": {"type": "array", "items": ReadIn.model_json_schema()}},
    "description": "A batch of native reads; OpenALPR/Rekor and Plate Recognizer payloads are "
    "also accepted (see docs/api.md).",
}


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body exceeds {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"request body exceeds {limit} bytes")
    return bytes(body)


@router.post(
    "/reads",
    response_model=IngestResponse,
    summary="Push a batch of plate reads (service token with ingest scope)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _BATCH_SCHEMA}},
        }
    },
    responses={401: {}, 403: {}, 400: {}, 413: {}, 415: {}, 422: {}},
)
async def push_reads(
    request: Request,
    uow: UowDep,
    caller: ServiceDep,
    format: PayloadFormat | None = Query(
        default=None, description="Payload format; detected when omitted"
    ),
) -> IngestResponse:
    """Store up to 10,000 reads. Rejected rows are listed with their reason and quarantined."""
    content_type = request.headers.get("content-type", "")
    if "json" not in content_type:
        raise InvalidInput("send the batch as application/json")
    body = await _read_body(request, uow.settings.max_request_bytes)
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"request body is not valid JSON ({exc})") from exc
    rows = to_raw_rows(payload, format)
    report = await run_in_threadpool(reads.ingest, uow, caller, rows, "api")
    return IngestResponse(
        batch_id=report.batch_id,
        received=report.received,
        stored=report.stored,
        duplicates=report.duplicates,
        rejected=[
            RejectedRow(position=r.position, read_id=r.read_id, reason=r.reason)
            for r in report.rejected
        ],
    )
