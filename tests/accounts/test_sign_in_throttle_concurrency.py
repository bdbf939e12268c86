"""Failures counted at the same moment by several server processes are all counted (PostgreSQL)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from plateward.accounts import sessions
from plateward.accounts.models import SignInThrottle
from plateward.accounts.rules import THROTTLES, ThrottleScope
from plateward.core.clock import FrozenClock
from plateward.core.database import Database
from plateward.core.errors import NotAuthenticated
from tests.conftest import NOW, PG_URL, make_settings

ADDRESS = "203.0.113.9"


def test_concurrent_failures_from_one_address_are_all_counted(
    fresh_postgresql: Engine, tmp_path: Path
) -> None:
    db = Database(
        fresh_postgresql,
        make_settings(tmp_path, PG_URL),
        FrozenClock(NOW),
        sessionmaker(fresh_postgresql, expire_on_commit=False),
    )
    workers, per_worker = 4, 4
    assert workers * per_worker < THROTTLES[ThrottleScope.ADDRESS].lock_after
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def guess(n: int) -> None:
        try:
            start.wait()
            for i in range(per_worker):
                with db.unit_of_work() as uow, pytest.raises(NotAuthenticated):
                    sessions.sign_in(uow, f"guess-{n}-{i}", "wrong password", "000000", ADDRESS)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.unit_of_work() as uow:
        run = uow.session.get(SignInThrottle, (ThrottleScope.ADDRESS.value, 0, ADDRESS))
    assert run is not None
    assert run.failures == workers * per_worker
