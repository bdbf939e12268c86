"""JSON routes for reads: ingest from cameras and vendor systems."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from plateward.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from plateward.core.permissions import Actor
from plateward.reads import service as reads
from plateward.reads.adapters import PayloadFormat, to_raw_rows
from plateward.reads.publish import ReadPublisher, publish_rows
from plateward.reads.rules import RawRow, ReadIn
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
    # Scale-out (issue 21): true when a broker is configured. "stored" then counts the reads
    # JetStream has acknowledged (held by the stream, replicated); a worker writes them shortly.
    stream: bool = False


# What the endpoint really accepts: any JSON object or array. Each read inside is validated on its
# own and a bad one is rejected in the answer, never the batch, so the schema must not promise a
# 422 for a malformed read. The native read's fields are documented on ``ReadIn``.
_READ_DOC = {
    "description": "One read, a JSON object; the native fields are "
    + ", ".join(ReadIn.model_fields)
    + ". Anything else in the array (a read that fails validation, a non-object) is listed "
    "under 'rejected' and quarantined; the batch still succeeds.",
}
_BATCH_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "description": 'A native batch, {"reads": [...]}, or a vendor payload: an '
            "OpenALPR/Rekor alpr_results or alpr_group object, or a Plate Recognizer "
            "snapshot or stream result, or a Verkada LPR webhook (see docs/api.md).",
        },
        {
            "type": "array",
            "items": _READ_DOC,
            "description": "A bare array of native reads, or of OpenALPR/Rekor objects.",
        },
    ],
}
# Nesting deeper than any vendor payload needs is refused before it can exhaust the stack.
MAX_JSON_DEPTH = 32
JSON_MEDIA_TYPES = frozenset({"application/json"})


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


def _depth(value: object) -> int:
    """How deeply arrays and objects nest in parsed JSON (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > MAX_JSON_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_json(body: bytes) -> object:
    """The body as JSON, refusing invalid text and nesting deeper than ``MAX_JSON_DEPTH``."""
    too_deep = InvalidInput(f"JSON nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"request body is not valid JSON ({exc})") from exc
    except RecursionError:
        raise too_deep from None
    if _depth(payload) > MAX_JSON_DEPTH:
        raise too_deep
    return payload


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
        default=None,
        description="Payload format; detected when omitted. A body that is not in the named "
        "format is refused with 422 (a dependency between query and body OpenAPI cannot express).",
    ),
) -> IngestResponse:
    """Store up to 10,000 reads. Rejected rows are listed with their reason and quarantined."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in JSON_MEDIA_TYPES:
        raise UnsupportedMediaType("send the batch as application/json")
    # The caller's check (and its token's last use) ends its transaction here, so the body is
    # read and parsed outside it: on SQLite every transaction holds the write lock, and the other
    # cameras' batches must not wait while this one's JSON is parsed.
    await run_in_threadpool(uow.commit)
    body = await _read_body(request, uow.settings.max_request_bytes)
    rows = to_raw_rows(parse_json(body), format)
    if uow.settings.nats_url:
        return await _publish(request, uow, caller, rows)
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


async def _publish(
    request: Request, uow: UowDep, caller: Actor, rows: list[RawRow]
) -> IngestResponse:
    """With a broker: the same verdict per row, the reads held by JetStream before the answer."""
    publisher: ReadPublisher | None = getattr(request.app.state, "read_publisher", None)
    if publisher is None:  # an app whose start-up did not run (or ran before the setting)
        publisher = request.app.state.read_publisher = ReadPublisher(uow.settings)
    report = await publish_rows(uow, publisher, caller, rows, "api")
    return IngestResponse(
        batch_id=report.batch_id,
        received=report.received,
        stored=report.published,
        duplicates=report.duplicates,
        rejected=[
            RejectedRow(position=r.position, read_id=r.read_id, reason=r.reason)
            for r in report.rejected
        ],
        stream=True,
    )
