"""The message broker beyond one machine: NATS JetStream (issue 21), optional.

With ``PLATEWARD_NATS_URL`` unset there is no broker and nothing here runs: ingest stores and
matches in the process that received the reads, as it always has. With it set:

- cameras and vendor gateways publish each read to ``<ns>.reads.<agency>.<camera>`` in the reads
  stream; ``POST /api/v1/reads`` and the MQTT bridge publish what they validated there too, one
  read a message with the read's id as its ``Nats-Msg-Id`` (so a read re-sent within the
  duplicate window is held once), or, by default, a batch's reads in bundles of up to
  ``nats_bundle_reads`` to ``<ns>.reads.<agency>._bundle`` (one message, a JSON array of the
  reads as validation made them, sealed (``seal``) so a worker need not validate them again; its
  ``Nats-Msg-Id`` made from its reads' ids: a batch re-sent whole is held once; a read re-sent in
  another bundle is stored once by the database's uniqueness, as anything past the window is);
- ``plateward worker`` processes pull batches from one durable consumer, store them through the
  one ingest service, match, and acknowledge after the commit;
- after a batch's hits commit, the worker publishes on ``<ns>.alerts.<agency>``; every web node
  listens there and wakes its own alert streams (hotlists/live.py).

This module holds what every side shares: the subject scheme, the streams' configuration (derived
from the settings, retention from the policy) and the connection. It knows no capability.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from plateward.core.settings import Settings

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js.api import StreamConfig

# A subject token may not hold '.', '*', '>' or white space; anything outside this set becomes '_'.
_TOKEN_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
READS_CONSUMER = "plateward-ingest"
# How long a read id is remembered by the stream: a sender re-sending a batch within this window
# (a retry after a timeout) adds nothing. The database's uniqueness covers anything later.
DEFAULT_DUPLICATE_WINDOW = timedelta(minutes=10)
# Header names carried by every read message besides Nats-Msg-Id.
AGENCY_HEADER = "Plateward-Agency"
SENDER_HEADER = "Plateward-Sender"
CHANNEL_HEADER = "Plateward-Channel"
# On a bundle only: how many reads its body (a JSON array) holds. Its presence makes a message a
# bundle; a message without it is one read (a JSON object), as cameras publish.
BUNDLE_HEADER = "Plateward-Reads"
# On a bundle a web node sealed: ``v1.<hex>``, an HMAC-SHA256 of its subject and body under a key
# derived from the deployment's secret key (``seal``). A bundle with a seal holds read records
# (reads/rules.py ``vouched_record``); a worker that verifies the seal takes them as validated.
SEAL_HEADER = "Plateward-Seal"
_SEAL_VERSION = "v1."
# A bundle's body stays under the stream's message limit (``max_msg_size``, 64 KiB) with room for
# its headers; a bundle closes at this size or at ``nats_bundle_reads`` reads.
BUNDLE_MAX_BYTES = 60_000


@lru_cache(maxsize=4096)  # a deployment has a few thousand cameras; one token each per read
def subject_token(value: str) -> str:
    """``value`` as one subject token (a camera code may hold dots or spaces)."""
    token = _TOKEN_UNSAFE.sub("_", value.strip())[:64]
    return token or "_"


@dataclass(frozen=True)
class Subjects:
    """The subject scheme (docs/deploy.md): everything under one namespace, default ``plateward``.

    ``<ns>.reads.<agency id>.<camera code>``  one read, a JSON object, Nats-Msg-Id = read id
    ``<ns>.reads.<agency id>._bundle``        several reads, a JSON array (``Plateward-Reads``)
    ``<ns>.alerts.<agency id>``               hits were stored: wakes every web node's streams
    """

    namespace: str

    @property
    def reads_stream(self) -> str:
        return f"{self.namespace.upper()}_READS"

    @property
    def all_reads(self) -> str:
        return f"{self.namespace}.reads.>"

    def read(self, agency_id: int, camera: str) -> str:
        return f"{self.namespace}.reads.{agency_id}.{subject_token(camera)}"

    def bundle(self, agency_id: int) -> str:
        return f"{self.namespace}.reads.{agency_id}._bundle"

    @property
    def all_alerts(self) -> str:
        return f"{self.namespace}.alerts.>"

    def alerts(self, agency_id: int) -> str:
        return f"{self.namespace}.alerts.{agency_id}"


def seal_key(settings: Settings) -> bytes:
    """The key that seals bundles: derived from ``nats_seal_key`` (or its file), which web nodes,
    the bridge and workers share and which seals nothing else; without one, from the secret key
    (a single machine's setting: a worker then needs the web nodes' secret key, which also
    guards sessions and authenticator secrets; docs/deploy.md). Holding the stream's
    credentials is not enough to vouch for a read."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derive = HKDF(hashes.SHA256(), 32, salt=None, info=b"plateward bundle seal v1")
    return derive.derive(settings.bundle_seal_material)


def seal(key: bytes, subject: str, body: bytes) -> str:
    """The seal of a bundle published on ``subject``: bound to the subject (the agency a read is
    stored under), so a sealed body published elsewhere does not verify."""
    mac = hmac.new(key, subject.encode(), hashlib.sha256)
    mac.update(b"\n")
    mac.update(body)
    return _SEAL_VERSION + mac.hexdigest()


def sealed_by(key: bytes, subject: str, body: bytes, given: str) -> bool:
    """Whether ``given`` (a header anyone may write) is the seal ``key`` makes for this subject
    and body; compared as bytes in constant time, whatever characters it holds."""
    return hmac.compare_digest(
        seal(key, subject, body).encode(), given.encode("utf-8", errors="replace")
    )


def subjects(settings: Settings) -> Subjects:
    return Subjects(settings.nats_namespace)


def reads_stream_config(settings: Settings) -> StreamConfig:
    """The reads stream: a work queue (a read leaves the broker once a worker stored it), never
    older than the retention window (DUP update 2026: 30 days), replicated ``nats_replicas``."""
    from nats.js.api import RetentionPolicy, StorageType, StreamConfig

    names = subjects(settings)
    return StreamConfig(
        name=names.reads_stream,
        description="Plateward plate reads waiting to be stored (issue 21)",
        subjects=[names.all_reads],
        retention=RetentionPolicy.WORK_QUEUE,
        storage=StorageType.FILE,
        num_replicas=settings.nats_replicas,
        # Invariant 4: a read past retention may not live anywhere, a broker's disk included.
        max_age=float(timedelta(days=settings.retention_days).total_seconds()),
        duplicate_window=float(settings.nats_duplicate_window_seconds),
        max_msg_size=64 * 1024,
    )


async def connect(settings: Settings, name: str, first_timeout: float = 5.0) -> Client:
    """A connection to the configured servers that, once made, reconnects on its own forever.

    The first connection gives up after ``first_timeout`` seconds (the client would otherwise
    retry forever), so a caller can answer "unavailable" instead of hanging.
    """
    import asyncio

    import nats

    if not settings.nats_url:
        msg = "no broker is configured (PLATEWARD_NATS_URL is unset)"
        raise RuntimeError(msg)
    servers = [s.strip() for s in settings.nats_url.split(",") if s.strip()]
    return await asyncio.wait_for(
        nats.connect(
            servers=servers,
            name=name,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=2,
            allow_reconnect=True,
        ),
        timeout=first_timeout,
    )


@dataclass(frozen=True)
class SetupReport:
    stream: str
    created: bool
    updated: bool
    replicas: int


async def setup(settings: Settings) -> SetupReport:
    """Create the reads stream and the workers' durable consumer, or bring them to the settings.

    Idempotent: run it at every deployment (``plateward broker setup``).
    """
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
    from nats.js.errors import NotFoundError

    names = subjects(settings)
    wanted = reads_stream_config(settings)
    nc = await connect(settings, "plateward-setup")
    try:
        js = nc.jetstream(timeout=10)
        created = updated = False
        try:
            info = await js.stream_info(names.reads_stream)
        except NotFoundError:
            await js.add_stream(wanted)
            created = True
        else:
            current = info.config
            if (
                current.subjects != wanted.subjects
                or current.max_age != wanted.max_age
                or current.duplicate_window != wanted.duplicate_window
                or current.num_replicas != wanted.num_replicas
            ):
                await js.update_stream(wanted)
                updated = True
        await js.add_consumer(
            names.reads_stream,
            ConsumerConfig(
                durable_name=READS_CONSUMER,
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=float(settings.worker_ack_wait_seconds),
                max_ack_pending=settings.worker_max_ack_pending,
                filter_subject=names.all_reads,
            ),
        )
    finally:
        await nc.close()
    return SetupReport(names.reads_stream, created, updated, settings.nats_replicas)
