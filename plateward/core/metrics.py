"""Prometheus metrics of the scale-out path (issue 21): what an operator watches.

Counters hold numbers only, never a plate or a person. Each process exposes its own: a web node
at ``/metrics``, a worker on ``--metrics-port``; Prometheus adds them up (docs/deploy.md).
Reads per second is ``rate(plateward_reads_stored_total[1m])``.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

# Plateward's own registry (with the process's CPU and memory): what /metrics and a worker's
# --metrics-port serve. Not the library's global one, so importing this module twice is harmless.
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)

READS_PUBLISHED = Counter(
    "plateward_reads_published",
    "Reads acknowledged by JetStream (new to the stream)",
    registry=REGISTRY,
)
READS_STORED = Counter(
    "plateward_reads_stored", "Reads a worker stored in the database", registry=REGISTRY
)
READS_DUPLICATE = Counter(
    "plateward_reads_duplicate",
    "Reads a worker found already stored (a redelivery, a re-send)",
    registry=REGISTRY,
)
QUARANTINED = Counter(
    "plateward_reads_quarantined", "Rows sent to quarantine, by stage", ["stage"], registry=REGISTRY
)
REDELIVERIES = Counter(
    "plateward_reads_redelivered",
    "Read messages a worker received more than once",
    registry=REGISTRY,
)
SEALS_REFUSED = Counter(
    "plateward_bundle_seals_refused",
    "Sealed bundles whose seal did not verify (forged, or a worker with another secret key):"
    " their reads were validated in full",
    registry=REGISTRY,
)
BATCH_SECONDS = Histogram(
    "plateward_worker_batch_seconds",
    "Time to store, match and acknowledge one batch",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "plateward_consumer_lag", "Reads in the stream not yet delivered to a worker", registry=REGISTRY
)
ACK_PENDING = Gauge(
    "plateward_consumer_ack_pending", "Reads delivered, not yet acknowledged", registry=REGISTRY
)
DATABASE_UP = Gauge(
    "plateward_worker_database_up", "1 when the worker's last write succeeded", registry=REGISTRY
)
ALERT_LATENCY = Histogram(
    "plateward_alert_fanout_seconds",
    "From the hits' commit in a worker to this web node waking its alert streams",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
