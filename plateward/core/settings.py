"""The one place that reads configuration: environment variables prefixed ``PLATEWARD_``.

Secrets come from the environment, from files (``PLATEWARD_SECRET_KEY_FILE``), or are generated
on first run into the data directory with owner-only permissions; they are never committed.
"""

from __future__ import annotations

import os
import re
import secrets
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# DUP §9 — audit trails are kept for a minimum of two years; configuration cannot go lower.
MINIMUM_AUDIT_RETENTION_DAYS = 730


class Settings(BaseSettings):
    """Plateward configuration. Every field is documented in docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="PLATEWARD_", extra="ignore", frozen=True)

    data_dir: Path = Field(default=Path("var"), description="Where the embedded database lives.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; defaults to sqlite:///<data_dir>/plateward.db."
    )
    timezone: str = Field(default="America/Los_Angeles", description="Zone used for display.")
    # DUP update (March 2026) — default retention reduced from one year to 30 days.
    retention_days: int = Field(default=30, ge=1, le=366)
    audit_retention_days: int = Field(default=MINIMUM_AUDIT_RETENTION_DAYS)
    secret_key: SecretStr | None = Field(
        default=None, description="Seals authenticator secrets at rest."
    )
    secret_key_file: Path | None = None
    # DUP §9 — the key that signs audit checkpoints lives outside the database, so whoever can
    # rewrite the trail cannot re-sign it. 64 hex characters (a raw Ed25519 key) or a PEM key.
    audit_signing_key_file: Path | None = None
    # DUP §9 — every signed checkpoint is also appended to this file, outside the database, so a
    # trail cut short or re-signed is caught by whoever holds an older copy of it.
    audit_witness_file: Path | None = None
    max_batch_reads: int = Field(default=10_000, ge=1, le=100_000)
    max_request_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    future_skew_seconds: int = Field(default=300, ge=0)
    # States whose plates treat O/0 and I/1 as the same character (registration uniqueness
    # ignores the difference), so normalization folds letters onto digits for them.
    plate_fold_states: Annotated[frozenset[str], NoDecode] = frozenset({"CA"})
    # Cookies carry the Secure flag when the request came over HTTPS; set true behind a TLS proxy
    # that forwards plain HTTP, so sessions never travel unencrypted.
    secure_cookies: bool | None = None
    session_idle_minutes: int = Field(default=30, ge=1, le=240)
    session_absolute_hours: int = Field(default=12, ge=1, le=24)
    partitions_ahead_days: int = Field(default=7, ge=1, le=90)
    # DUP §9 — the job runner signs the audit trail's head this often (when it has moved), so at
    # most this many minutes of entries are covered by the hash chain alone.
    audit_checkpoint_interval_minutes: int = Field(default=15, ge=1, le=1440)
    # DUP §9 — misuse signals for auditors (search/misuse_rules.py): when a pattern in the
    # searches the trail recorded becomes a signal. Each is described in docs/configuration.md.
    misuse_window_days: int = Field(default=30, ge=1, le=366)
    misuse_plate_case_count: int = Field(default=3, ge=2)
    misuse_plate_no_case_count: int = Field(default=2, ge=1)
    misuse_share_median_factor: float = Field(default=3.0, gt=1)
    misuse_share_min_fraction: float = Field(default=0.20, gt=0, le=1)
    misuse_share_min_searches: int = Field(default=20, ge=1)
    misuse_boilerplate_count: int = Field(default=3, ge=1)
    misuse_case_people_count: int = Field(default=6, ge=2)
    misuse_case_search_min: int = Field(default=25, ge=2)
    misuse_case_search_factor: float = Field(default=5.0, gt=1)
    misuse_sensitive_site_distance_m: float = Field(default=150.0, ge=0, le=5000)
    misuse_sweeping_area_km2: float = Field(default=5.0, gt=0)
    misuse_sweeping_window_hours: int = Field(default=72, ge=1)
    misuse_night_start_hour: int = Field(default=22, ge=0, le=23)
    misuse_night_end_hour: int = Field(default=6, ge=0, le=23)
    misuse_usual_hour_share: float = Field(default=0.10, ge=0, le=1)
    misuse_baseline_days: int = Field(default=90, ge=0, le=730)
    misuse_session_gap_minutes: int = Field(default=30, ge=1, le=720)
    misuse_isolated_count: int = Field(default=5, ge=1)
    # DUP update 2026 — every search names a case number in the agency's format; the example is
    # what a refused case number is told to look like (it must match the pattern).
    case_number_pattern: str = r"^\d{2}-\d{3,7}$"
    case_number_example: str = "26-012345"
    # DUP §2 — a search window is bounded: a case needs days or weeks, not the whole store.
    search_max_window_days: int = Field(default=90, ge=1, le=366)
    # At most this many reads are counted and paged per search; more is reported as capped.
    search_result_cap: int = Field(default=5000, ge=50, le=100_000)
    # Where camera images live (a read's image_ref is a path inside it); None: none are stored.
    image_dir: Path | None = None
    # Police networks are often closed: maps use the agency's own tile server when one is set
    # (a Leaflet URL template, e.g. https://tiles.example.gov/{z}/{x}/{y}.png), and otherwise a
    # plain base drawn from data shipped with Plateward. Nothing else is ever fetched.
    map_tiles_url: str = ""
    # Hot lists (issue 14): how many confusable characters (0/O/D/Q, 1/I, 2/Z, 5/S, 8/B, 6/G) a
    # "possible" match may differ by; 0 alerts on exact plates only.
    hotlist_max_substitutions: int = Field(default=1, ge=0, le=2)
    # DUP §4.3 — how officers verify an alert through CLETS: "manual" (the officer records the
    # result of a radio or terminal query) or "simulated" (the demo's stand-in for the switch).
    clets_adapter: Literal["manual", "simulated"] = "manual"
    # DUP §4.6 — an external hot list unreachable this long raises the administrators' alarm.
    hotlist_feed_alarm_minutes: int = Field(default=15, ge=1, le=1440)
    # Retention (issue 15). DUP §7 — the master key that wraps the per-day backup keys lives
    # outside the database (default <data_dir>/keys/backup-master.key, made owner-only); the purge
    # runs this often, and a legal hold is reviewed when its review date passes.
    retention_master_key_file: Path | None = None
    purge_interval_hours: int = Field(default=24, ge=1, le=168)
    # Placement review (issue 17). DUP update 2026 — no fixed camera's field of view may come
    # within this many metres of a sensitive site's entrance or exit; reads from mobile cameras
    # captured within ``mobile_site_buffer_m`` of one are not stored (only counted per day).
    placement_buffer_m: float = Field(default=15.0, ge=0, le=500)
    mobile_site_buffer_m: float = Field(default=60.0, ge=0, le=1000)
    # DUP §6 — an active fixed camera needs a designated-intersection sign this close.
    signage_distance_m: float = Field(default=300.0, gt=0, le=5000)
    # Oversight and transparency (issue 18): the public portal's rate limit per client address,
    # how many complaints one address may file a day, the monthly random audit's sample size, and
    # how many days before the annual report's March 1 deadline reminders start.
    public_requests_per_minute: int = Field(default=60, ge=1, le=10_000)
    complaints_per_day: int = Field(default=5, ge=1, le=1000)
    audit_sample_size: int = Field(default=20, ge=1, le=1000)
    annual_report_reminder_days: int = Field(default=30, ge=1, le=120)
    # Sharing with California agencies (issue 16). DUP §10 — what outside agencies' results,
    # reads, images and files are marked with; how long an approved first-access request stays
    # open; how long an agreement may run; how far ahead administrators are warned of expiry.
    sharing_data_mark: str = Field(default="SJPD data — no redistribution", min_length=5)
    sharing_request_open_days: int = Field(default=14, ge=1, le=90)
    sharing_agreement_max_days: int = Field(default=1096, ge=30, le=3660)
    sharing_expiry_warning_days: int = Field(default=30, ge=1, le=180)
    # Scale-out (issue 21): NATS JetStream. Unset: no broker, ingest stores in-process as ever.
    # Several servers may be listed, comma-separated (nats://a:4222,nats://b:4222).
    nats_url: str | None = None
    # Subjects and stream names start with this (plateward.reads.<agency>.<camera>).
    nats_namespace: str = Field(default="plateward", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    # Copies of the reads stream kept by the cluster: 3 in production (docs/deploy.md).
    nats_replicas: int = Field(default=1, ge=1, le=5)
    nats_duplicate_window_seconds: int = Field(default=600, ge=1, le=86_400)
    # How long an ingest request waits for JetStream to acknowledge its reads before a 503.
    nats_publish_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    # The key web nodes seal bundles with and workers verify them by (docs/deploy.md); the same
    # on every web node, bridge and worker. Unset: derived from the secret key instead.
    nats_seal_key: SecretStr | None = Field(default=None, min_length=32)
    nats_seal_key_file: Path | None = None
    # Reads of one ingest batch carried per JetStream message (a bundle, docs/deploy.md): one
    # publish, one acknowledgement, one delivery for up to this many reads. 1: a message per read.
    nats_bundle_reads: int = Field(default=200, ge=1, le=1000)
    # Reads a worker stores per transaction: fewer commits, audit entries and matching queries
    # per read (bench/scale.py --worker-batch: 3,000 against 1,000, about a tenth more reads/s).
    worker_batch_size: int = Field(default=3000, ge=1, le=10_000)
    # A read not acknowledged this long after delivery is delivered again (another worker).
    worker_ack_wait_seconds: int = Field(default=30, ge=1, le=3600)
    worker_max_ack_pending: int = Field(default=20_000, ge=1)
    # A read that fails on its own this many deliveries is quarantined with its reason.
    worker_max_deliveries: int = Field(default=5, ge=1, le=100)
    # The MQTT bridge (plateward bridge mqtt): the broker the cameras or Frigate publish to.
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    mqtt_topics: Annotated[tuple[str, ...], NoDecode] = (
        "plateward/reads/#",
        "frigate/events",
        "frigate/tracked_object_update",
    )

    @field_validator("plate_fold_states", mode="before")
    @classmethod
    def _split_states(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(s.strip().upper() for s in value.split(",") if s.strip())
        return value

    @field_validator("map_tiles_url")
    @classmethod
    def _tile_template(cls, value: str) -> str:
        value = value.strip()
        if value and (
            urlsplit(value).scheme not in {"http", "https"}
            or not urlsplit(value).netloc
            or not all(part in value for part in ("{z}", "{x}", "{y}"))
        ):
            msg = "map_tiles_url must be an http(s) URL template with {z}, {x} and {y}"
            raise ValueError(msg)
        return value

    @property
    def map_tiles_origin(self) -> str | None:
        """The tile server's origin, which the map pages' CSP lets images come from."""
        if not self.map_tiles_url:
            return None
        parts = urlsplit(self.map_tiles_url)
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("audit_retention_days")
    @classmethod
    def _audit_minimum(cls, value: int) -> int:
        if value < MINIMUM_AUDIT_RETENTION_DAYS:
            msg = (
                f"audit records must be kept at least {MINIMUM_AUDIT_RETENTION_DAYS} days (DUP §9)"
            )
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _case_number_example_fits(self) -> Settings:
        try:
            pattern = re.compile(self.case_number_pattern)
        except re.error as exc:
            msg = f"case_number_pattern is not a regular expression: {exc}"
            raise ValueError(msg) from None
        if pattern.fullmatch(self.case_number_example) is None:
            msg = "case_number_example must follow case_number_pattern"
            raise ValueError(msg)
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'plateward.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @cached_property
    def signing_key(self) -> bytes:
        """The secret that signs sessions: env, then file, then one generated per data dir."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        if self.secret_key_file is not None:
            return self.secret_key_file.read_bytes().strip()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32))
        return path.read_bytes().strip()

    @cached_property
    def bundle_seal_material(self) -> bytes:
        """What the bundle seal key is derived from: ``nats_seal_key`` (env, then file), else
        the secret key."""
        if self.nats_seal_key is not None:
            return self.nats_seal_key.get_secret_value().encode()
        if self.nats_seal_key_file is not None:
            return self.nats_seal_key_file.read_bytes().strip()
        return self.signing_key

    @property
    def has_own_seal_key(self) -> bool:
        return self.nats_seal_key is not None or self.nats_seal_key_file is not None

    @cached_property
    def audit_signing_key(self) -> bytes:
        """The raw 32-byte Ed25519 private key that signs audit checkpoints.

        From ``audit_signing_key_file`` if set, else generated on first use into
        ``<data_dir>/audit-signing.key`` (owner-only), like the session key.
        """
        path = self.audit_signing_key_file
        if path is None:
            path = self.data_dir / "audit-signing.key"
            if not path.exists():
                self.data_dir.mkdir(parents=True, exist_ok=True)
                _create_private(path, secrets.token_hex(32) + "\n")
        return _ed25519_key(path.read_text().strip())

    @property
    def audit_witness_path(self) -> Path:
        """Where signed checkpoints are witnessed (default: beside the data, for the demo)."""
        return self.audit_witness_file or self.data_dir / "audit-witness.jsonl"

    # Scale-out (issue 21): MQTT topics from a comma-separated list.
    @field_validator("mqtt_topics", mode="before")
    @classmethod
    def _split_topics(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(t.strip() for t in value.split(",") if t.strip())
        return value

    def with_overrides(self, **changes: object) -> Settings:
        changed = self.model_copy(update=changes)
        # A copy keeps what the original worked out (the keys read from their files): forget
        # it, so that a changed secret key, say, is the key the copy signs with.
        for name, member in vars(Settings).items():
            if isinstance(member, cached_property):
                changed.__dict__.pop(name, None)
        return changed


def _create_private(path: Path, content: str) -> None:
    """Write a new owner-only file; if another process made it first, keep theirs."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as file:
        file.write(content)


def _ed25519_key(text: str) -> bytes:
    if text.startswith("-----BEGIN"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(text.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            msg = "the audit signing key must be an Ed25519 key"
            raise ValueError(msg)
        return key.private_bytes_raw()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        msg = "the audit signing key must be 64 hex characters or a PEM Ed25519 private key"
        raise ValueError(msg)
    return raw
