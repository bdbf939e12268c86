"""Scale-out commands (issue 21): ``plateward broker setup``, ``plateward worker`` and
``plateward bridge mqtt``. Each needs ``PLATEWARD_NATS_URL``; without it they refuse."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from plateward.core.settings import Settings

broker_app = typer.Typer(help="The NATS JetStream broker (scale-out).", no_args_is_help=True)
bridge_app = typer.Typer(help="Bridges from camera networks into the stream.", no_args_is_help=True)
console = Console()

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Directory holding var/ data: the SQLite database and secrets."
    ),
]


def _broker_settings(data_dir: Path | None) -> Settings:
    settings = Settings(data_dir=data_dir) if data_dir is not None else Settings()
    if not settings.nats_url:
        console.print(
            "[red]Refused:[/red] no broker is configured; set PLATEWARD_NATS_URL "
            "(e.g. nats://127.0.0.1:4222). Without it Plateward ingests in-process.",
            soft_wrap=True,
        )
        raise typer.Exit(code=2)
    return settings


def _until_signalled(main: object) -> None:
    """Run ``main(stop)`` until SIGTERM or SIGINT sets ``stop``; the batch in hand finishes."""

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)  # type: ignore[operator]

    asyncio.run(runner())


@broker_app.command("setup")
def broker_setup(data_dir: DataDir = None) -> None:
    """Create or update the reads stream and the workers' consumer (idempotent)."""
    from plateward.core import broker

    settings = _broker_settings(data_dir)
    report = asyncio.run(broker.setup(settings))
    state = "created" if report.created else ("updated" if report.updated else "up to date")
    console.print(
        f"Stream {report.stream}: {state} (replicas {report.replicas}, "
        f"consumer {broker.READS_CONSUMER})",
        highlight=False,
    )


def worker(
    data_dir: DataDir = None,
    metrics_port: Annotated[
        int, typer.Option(help="Serve Prometheus metrics on this port (0: none).")
    ] = 0,
) -> None:
    """Store, match and acknowledge reads from the stream until SIGTERM."""
    from plateward.cli import _existing_database
    from plateward.core.log import log_to_stderr
    from plateward.reads.worker import Worker

    settings = _broker_settings(data_dir)
    db = _existing_database(settings, upgrade=False)
    log_to_stderr()
    if metrics_port:
        from prometheus_client import start_http_server

        from plateward.core.metrics import REGISTRY

        start_http_server(metrics_port, addr="127.0.0.1", registry=REGISTRY)
    console.print("Worker started; SIGTERM finishes the batch in hand and stops.")
    try:
        _until_signalled(Worker(db).run)
    finally:
        db.dispose()


@bridge_app.command("mqtt")
def bridge_mqtt(
    data_dir: DataDir = None,
    agency: Annotated[
        str | None,
        typer.Option(help="ORI of the agency whose cameras publish (default: the home agency)."),
    ] = None,
) -> None:
    """Move camera messages (native reads, Frigate LPR events) from MQTT into the stream."""
    from plateward.cli import _existing_database
    from plateward.core.log import log_to_stderr
    from plateward.reads.mqtt_bridge import Bridge

    settings = _broker_settings(data_dir)
    db = _existing_database(settings, upgrade=False)
    log_to_stderr()
    console.print(f"Bridging {', '.join(settings.mqtt_topics)} from {settings.mqtt_url}")
    try:
        _until_signalled(Bridge(db, agency_ori=agency).run)
    finally:
        db.dispose()
