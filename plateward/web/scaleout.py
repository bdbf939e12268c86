"""A web node in a scaled-out deployment (issue 21): its broker connections, readiness, metrics.

Without ``PLATEWARD_NATS_URL`` nothing here connects anywhere: ``/readyz`` checks the database
alone and ingest stores in-process, as it always has.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from plateward.core.database import Database
from plateward.core.metrics import REGISTRY
from plateward.core.settings import Settings

router = APIRouter(tags=["operations"])


async def start_scaleout(app: FastAPI, settings: Settings) -> Callable[[], Awaitable[None]]:
    """At start-up: the read publisher and the alert announcements, when a broker is set."""
    app.state.read_publisher = None
    if not settings.nats_url:

        async def nothing() -> None:
            return None

        return nothing
    from plateward.hotlists.live import follow_broker
    from plateward.reads.publish import ReadPublisher

    publisher = ReadPublisher(settings)
    app.state.read_publisher = publisher
    stop_following = await follow_broker(app.state.alert_bus, settings)

    async def stop() -> None:
        await stop_following()
        await publisher.close()

    return stop


def broker_state(request: Request) -> str:
    """``none`` (no broker configured), ``connected`` or ``disconnected``."""
    publisher = getattr(request.app.state, "read_publisher", None)
    if publisher is None:
        return "none"
    return "connected" if publisher.connected else "disconnected"


def _database_ok(db: Database) -> bool:
    try:
        with db.unit_of_work() as uow:
            uow.ping()
    except SQLAlchemyError:
        return False
    return True


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready to take traffic: the database answers and, when one is configured, the broker is
    reachable (503 otherwise, so a load balancer sends requests to another node)."""
    database_ok = await run_in_threadpool(_database_ok, request.app.state.database)
    broker = broker_state(request)
    publisher = request.app.state.read_publisher
    if broker == "disconnected":
        try:
            await publisher.connection()
        except Exception:  # still unreachable: not ready
            broker = "disconnected"
        else:
            broker = "connected" if publisher.connected else "disconnected"
    ready = database_ok and broker != "disconnected"
    body = {
        "status": "ready" if ready else "unavailable",
        "database": "ok" if database_ok else "unreachable",
        "broker": broker,
    }
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", response_class=Response)
def metrics() -> Response:
    """Prometheus metrics of this process (counts only: never a plate, never a person)."""
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
