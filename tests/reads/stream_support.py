"""Real services for the scale-out tests, on loopback: NATS servers started from the machine's
``nats-server``, a committed PostgreSQL schema for worker processes, a TCP proxy that can cut
PostgreSQL away, and ``plateward worker`` processes. Every process started here is killed by
the fixture that started it; every wait is on a condition, with a generous deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
DEADLINE = 45.0  # seconds any one condition may take on a loaded two-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> Any:
    """Poll ``condition`` until it returns something truthy; fail with ``what`` after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass
class NatsNode:
    name: str
    port: int
    cluster_port: int
    store: Path
    config: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"


@dataclass
class NatsCluster:
    """One server, or a cluster of three, with JetStream, in a temporary directory."""

    root: Path
    size: int = 1
    nodes: list[NatsNode] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i in range(self.size):
            name = f"n{i + 1}"
            store = self.root / name
            store.mkdir(parents=True, exist_ok=True)
            node = NatsNode(name, free_port(), free_port(), store, self.root / f"{name}.conf")
            self.nodes.append(node)
        for node in self.nodes:
            node.config.write_text(self._config(node))

    def _config(self, node: NatsNode) -> str:
        lines = [
            f"server_name: {node.name}",
            f"listen: 127.0.0.1:{node.port}",
            "jetstream {",
            f'  store_dir: "{node.store}"',
            "  max_memory_store: 64MB",
            "  max_file_store: 2GB",
            "}",
        ]
        if self.size > 1:
            routes = ", ".join(f"nats-route://127.0.0.1:{n.cluster_port}" for n in self.nodes)
            lines += [
                "cluster {",
                "  name: plateward-test",
                f"  listen: 127.0.0.1:{node.cluster_port}",
                f"  routes: [{routes}]",
                "}",
            ]
        return "\n".join(lines) + "\n"

    @property
    def url(self) -> str:
        return ",".join(n.url for n in self.nodes)

    def start(self) -> NatsCluster:
        for node in self.nodes:
            self.start_node(node)
        wait_for(self._jetstream_ready, "JetStream to be ready")
        return self

    def start_node(self, node: NatsNode) -> None:
        node.process = subprocess.Popen(
            [NATS_SERVER, "-c", str(node.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: _port_open(node.port), f"nats-server {node.name} to listen")

    def stop_node(self, node: NatsNode) -> None:
        """Stop one server as an operator would (SIGTERM), then as a crash would, if slow."""
        if node.process is None:
            return
        node.process.send_signal(signal.SIGTERM)
        try:
            node.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            node.process.kill()
            node.process.wait(timeout=10)
        node.process = None

    def close(self) -> None:
        for node in self.nodes:
            if node.process is not None:
                node.process.kill()
                node.process.wait(timeout=10)
                node.process = None

    def _jetstream_ready(self) -> bool:
        async def probe() -> bool:
            import nats

            nc = await nats.connect(servers=[n.url for n in self.nodes], connect_timeout=2)
            try:
                await nc.jetstream(timeout=2).account_info()
                if self.size > 1:  # a replicated stream needs a meta leader and peers
                    await nc.request("$JS.API.INFO", b"", timeout=2)
            except Exception:
                return False
            finally:
                await nc.close()
            return True

        try:
            return asyncio.run(probe())
        except Exception:
            return False


class TcpProxy:
    """A loopback TCP relay to PostgreSQL that a test can cut (close every connection and stop
    listening) and restore: the database becomes unreachable for the worker behind it, exactly
    as when PostgreSQL is down, and every other user of the database is untouched."""

    def __init__(self, target_port: int, port: int | None = None) -> None:
        self.target = target_port
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> TcpProxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would leave it there,
            # still taking connections.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        self.start()

    close = cut


@dataclass
class WorkerProcess:
    """``plateward worker`` in a process of its own, its output kept for a failing test."""

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> WorkerProcess:
        with self.log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "plateward"), "worker"],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def terminate(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=DEADLINE)
        self.process = None
        return code


def worker_env(database_url: str, nats_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEWARD_")}
    env.update(
        {
            "PLATEWARD_DATABASE_URL": database_url,
            "PLATEWARD_NATS_URL": nats_url,
            "PLATEWARD_DATA_DIR": str(data_dir),
            "PLATEWARD_SECRET_KEY": "test-secret-key" * 2,
            "PLATEWARD_WORKER_ACK_WAIT_SECONDS": "3",
            "PLATEWARD_WORKER_BATCH_SIZE": "200",
        }
    )
    env.update(extra)
    return env


def reads_now(
    count: int,
    camera: str = "SJ-FX-001",
    prefix: str = "R",
    plate: Callable[[int], str] | None = None,
) -> list[dict[str, object]]:
    """``count`` native reads taken in the last minutes (the worker runs on the real clock)."""
    now = datetime.now(UTC) - timedelta(minutes=2)
    make_plate = plate or (lambda i: f"{i % 10}ST{i % 1000:03d}A")
    return [
        {
            "read_id": f"{prefix}{i}",
            "camera": camera,
            "captured_at": (now - timedelta(milliseconds=i)).isoformat(),
            "plate": make_plate(i),
            "plate_state": "CA",
        }
        for i in range(count)
    ]


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
