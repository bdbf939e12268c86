"""Where the server's own log lines go: stderr, for the service manager to keep.

Plateward logs under the ``plateward`` logger (``plateward.access``: one line per request;
``plateward.jobs``: job failures). Log lines never carry plate numbers.
"""

from __future__ import annotations

import logging
import sys

_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def log_to_stderr(level: int = logging.INFO) -> None:
    """Send the ``plateward`` loggers to stderr (once, however often it is called)."""
    logger = logging.getLogger("plateward")
    logger.setLevel(level)
    if not any(getattr(h, "plateward", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.plateward = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False
