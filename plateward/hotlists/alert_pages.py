"""The officer's Alerts page (live, without reload), one alert worked step by step, and the
administrator's captures page.

``/alerts/stream`` is a server-sent event stream (sse-starlette): the page's script opens it with
the newest alert id it shows; each new alert the officer may see arrives as an ``alert`` event
whose data is the table row to insert; a ``ready`` event says it has caught up and is live. A
stream lives ``seconds`` (at most five minutes) and the
browser reconnects on its own with the last event id, so a session that ended stops receiving
within that time. Every alert delivered is audited (``alerts.alerts``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from plateward.accounts.sessions import SessionState
from plateward.core.database import Database
from plateward.core.errors import InvalidInput, PermissionDenied
from plateward.core.permissions import Actor, Permission
from plateward.core.settings import Settings
from plateward.hotlists import alerts, feeds, notices, rules
from plateward.hotlists.adapters import Clets
from plateward.hotlists.live import AlertBus
from plateward.search.display import MAP_CSP
from plateward.sharing import service as sharing
from plateward.web.deps import UowDep, form_by_person_with, person_with
from plateward.web.errors import status_of
from plateward.web.rendering import render

router = APIRouter(include_in_schema=False)
RECEIVE = Permission.ALERTS_RECEIVE
Receiver = Annotated[SessionState, Depends(person_with(RECEIVE))]
ReceiverForm = Annotated[SessionState, Depends(form_by_person_with(RECEIVE))]
Manager = Annotated[SessionState, Depends(person_with(Permission.HOTLISTS_MANAGE))]
HitId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PING_SECONDS = 15.0  # sse-starlette's comment line keeps proxies from closing a quiet stream
BATCH = 50  # alerts per look; a stream that fell behind catches up look by look


def _step_choices() -> dict[str, object]:
    return {
        "visuals": list(rules.Visual),
        "verifications": list(rules.Verification),
        "occupants": list(rules.Occupant),
    }


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, uow: UowDep, state: Receiver) -> Response:
    shown = alerts.alerts(uow, state.actor, 0, via="page")
    settings = request.app.state.settings
    context = {
        "alerts": shown,
        "newest": max((a.id for a in shown), default=0),
        "map_data": alerts_map(shown, settings.timezone),
        "tiles_url": settings.map_tiles_url,
        # DUP §10 — an outside agency's person reads the mark above the alerts shared with them.
        "data_mark": sharing.data_mark(uow, state.actor),
    }
    return _with_tiles(render(request, state, "hotlists/alerts.html", context), settings)


def _row(request: Request, view: alerts.AlertView) -> str:
    template = request.app.state.templates.get_template("hotlists/_alert_row.html")
    return str(template.render(alert=view))


def _fetch(db: Database, actor: Actor, after: int, skip: frozenset[int]) -> alerts.NextAlerts:
    with db.unit_of_work() as uow:
        return alerts.next_alerts(uow, actor, after, BATCH, skip=skip)


class _Horizon:
    """What a stream has looked at: every hit id up to ``floor``, and the ids above it (with when).

    On PostgreSQL hit ids are taken when a read is matched but become visible when its ingest
    commits, so a lower id can appear after a higher one was shown. The stream therefore keeps
    asking for ids above a floor that trails ``GRACE_SECONDS`` behind what it has seen, and skips
    the ones it already looked at: a late hit is still sent, once, and none twice.
    """

    GRACE_SECONDS = 30.0
    MAX_RECENT = 2_000

    def __init__(self, floor: int) -> None:
        self.floor = floor
        self.recent: dict[int, float] = {}

    def skip(self) -> frozenset[int]:
        return frozenset(self.recent)

    def looked(self, ids: tuple[int, ...], now: float) -> None:
        for hit_id in ids:
            self.recent[hit_id] = now
        old = [i for i, seen in self.recent.items() if seen <= now - self.GRACE_SECONDS]
        if len(self.recent) - len(old) > self.MAX_RECENT:  # bound the skip list under a flood
            old = sorted(self.recent)[: len(self.recent) - self.MAX_RECENT]
        if old:
            self.floor = max(self.floor, *old)
            self.recent = {i: t for i, t in self.recent.items() if i > self.floor}


@router.get("/alerts/stream")
async def alert_stream(
    request: Request,
    state: Receiver,
    uow: UowDep,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    seconds: Annotated[int, Query(ge=0, le=300)] = 60,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> Response:
    """New alerts as they are stored; ``seconds=0`` answers what is new and closes."""
    uow.session.close()  # the stream holds no connection between its looks
    if last_event_id and last_event_id.isdigit():
        after = max(after, int(last_event_id))
    bus: AlertBus = request.app.state.alert_bus
    db: Database = request.app.state.database
    actor = state.actor

    async def events() -> AsyncIterator[ServerSentEvent]:
        clock = asyncio.get_running_loop()
        deadline = clock.time() + seconds
        seen = await bus.start() if seconds else 0
        horizon = _Horizon(after)
        ready = False
        try:
            while True:  # what is new now, then again each time the bus says a hit was stored
                try:
                    found = await run_in_threadpool(
                        _fetch, db, actor, horizon.floor, horizon.skip()
                    )
                except PermissionDenied:
                    # Asked again at each look: an outside agency whose agreement was suspended
                    # or revoked (or that lost alerts) gets nothing more; the refusal is audited.
                    yield ServerSentEvent(data="closed", event="closed")
                    return
                horizon.looked(found.looked, clock.time())
                for view in found.views:
                    yield ServerSentEvent(data=_row(request, view), event="alert", id=str(view.id))
                if seconds and not ready:
                    ready = True  # caught up with what was stored before: live from here on
                    yield ServerSentEvent(data="live", event="ready")
                while not found.more:  # caught up: wait for a newer hit (sse-starlette pings)
                    left = deadline - clock.time()
                    if left <= 0:
                        return
                    newest = await bus.wait_beyond(seen, left)
                    if newest > seen:
                        seen = newest
                        break
        finally:
            if seconds:
                bus.stop()

    return EventSourceResponse(
        events(), ping=int(PING_SECONDS), headers={"Cache-Control": "no-store"}
    )


def _where(view: alerts.AlertView) -> tuple[float, float] | None:
    """Where the read was taken: its own coordinates (a mobile unit's), else its camera's."""
    read, place = view.read, view.place
    if read.latitude is not None and read.longitude is not None:
        return read.latitude, read.longitude
    if place is not None and place.latitude is not None and place.longitude is not None:
        return place.latitude, place.longitude
    return None


Point = dict[str, object]


def _points(view: alerts.AlertView, zone: str) -> tuple[Point | None, Point | None]:
    """The alert's camera and its read as the map script draws them (either may be unknown)."""
    place, where = view.place, _where(view)
    camera: Point | None = (
        {"code": place.code, "name": place.name, "lat": place.latitude, "lon": place.longitude}
        if place is not None and place.latitude is not None and place.longitude is not None
        else None
    )
    if where is None:
        return camera, None
    zone_time = view.read.captured_at.astimezone(ZoneInfo(zone))
    read: Point = {
        "id": view.read.id,
        "lat": where[0],
        "lon": where[1],
        "plate": view.read.plate,
        "time": zone_time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "camera": view.read.camera,
        "href": f"/alerts/{view.id}",
    }
    return camera, read


def alert_map(view: alerts.AlertView, zone: str) -> dict[str, list[Point]]:
    """One alert's map data, drawn by /static/js/search-map.js like the search maps: the
    camera, and the read where it was taken (offline base map, nothing loaded from outside)."""
    return alerts_map([view], zone)


def alerts_map(shown: list[alerts.AlertView], zone: str) -> dict[str, list[Point]]:
    """The map data of these alerts: their cameras (once each) and their reads; the Alerts
    page's script adds the reads of new alerts as they arrive."""
    cameras: dict[object, Point] = {}
    reads: list[Point] = []
    for view in shown:
        camera, read = _points(view, zone)
        if camera is not None:
            cameras[camera["code"]] = camera
        if read is not None:
            reads.append(read)
    return {"cameras": list(cameras.values()), "hits": reads}


def _alert_page(
    request: Request,
    state: SessionState,
    view: alerts.AlertView,
    error: str | None = None,
    status: int = 200,
    clets_automated: bool = False,
) -> Response:
    settings = request.app.state.settings
    context = {
        "alert": view,
        "error": error,
        "clets_automated": clets_automated,
        "data_mark": settings.sharing_data_mark,
        "map_data": alert_map(view, settings.timezone),
        "tiles_url": settings.map_tiles_url,
        **_step_choices(),
    }
    return _with_tiles(render(request, state, "hotlists/alert.html", context, status), settings)


def _with_tiles(response: Response, settings: Settings) -> Response:
    """A page with a map: the agency's own tile server, when one is configured, may send the
    images (as on the search pages)."""
    if settings.map_tiles_origin:
        response.headers["Content-Security-Policy"] = MAP_CSP.format(
            tiles=settings.map_tiles_origin
        )
    return response


def _clets(request: Request) -> Clets:
    clets: Clets = request.app.state.clets
    return clets


@router.get("/alerts/{hit_id}", response_class=HTMLResponse)
def alert_page(request: Request, uow: UowDep, state: Receiver, hit_id: HitId) -> Response:
    view = alerts.alert(uow, state.actor, hit_id)
    return _alert_page(request, state, view, clets_automated=_clets(request).automated)


def _worked(
    request: Request, uow: UowDep, state: SessionState, hit_id: int, work: Callable[[], object]
) -> Response:
    """Record a step; back to the alert, or the alert again with why the step was refused."""
    try:
        work()
    except InvalidInput as exc:
        uow.rollback()
        view = alerts.alert(uow, state.actor, hit_id)
        automated = _clets(request).automated
        return _alert_page(request, state, view, exc.detail, status_of(exc), automated)
    return RedirectResponse(f"/alerts/{hit_id}", status_code=303)


@router.post("/alerts/{hit_id}/steps", response_class=HTMLResponse)
def record_step(
    request: Request,
    uow: UowDep,
    state: ReceiverForm,
    hit_id: HitId,
    step: Annotated[str, Form(max_length=20)] = "",
    value: Annotated[str, Form(max_length=1000)] = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    return _worked(
        request,
        uow,
        state,
        hit_id,
        lambda: alerts.record_step(uow, state.actor, hit_id, step, value, note),
    )


@router.post("/alerts/{hit_id}/acknowledge", response_class=HTMLResponse)
def acknowledge(request: Request, uow: UowDep, state: ReceiverForm, hit_id: HitId) -> Response:
    """An outside agency's person acknowledges an alert of a hot list shared with them."""
    alerts.acknowledge(uow, state.actor, hit_id)
    return RedirectResponse(f"/alerts/{hit_id}", status_code=303)


@router.post("/alerts/{hit_id}/clets", response_class=HTMLResponse)
def query_clets(request: Request, uow: UowDep, state: ReceiverForm, hit_id: HitId) -> Response:
    clets = _clets(request)
    return _worked(
        request,
        uow,
        state,
        hit_id,
        lambda: alerts.verify_with_clets(uow, state.actor, hit_id, clets),
    )


def captures_page(
    request: Request,
    state: SessionState,
    uow: UowDep,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The administrator's page: captures, accuracy, and the external lists (DUP §4.6, §4.7)."""
    shown = alerts.captures(uow, state.actor)
    context = {
        "captures": shown,
        "waiting": notices.waiting(uow, state.actor),  # DUP §4.7
        "recorded": notices.records(uow, [a.id for a in shown]),
        "accuracy": alerts.accuracy(uow, state.actor),
        "feeds": feeds.feeds(uow, state.actor),
        "feed_kinds": feeds.KINDS,
        "categories": list(rules.ReasonCategory),
        "error": error,
        "form": form or {},
    }
    return render(request, state, "hotlists/captures.html", context, status)


@router.get("/admin/hotlists", response_class=HTMLResponse)
def captures(request: Request, uow: UowDep, state: Manager) -> Response:
    return captures_page(request, state, uow)
