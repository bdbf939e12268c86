"""Alembic environment: runs on the connection handed over by plateward.core.migrate."""

from __future__ import annotations

from alembic import context

from plateward.core.database import Base, make_engine
from plateward.core.model_registry import import_all_models

import_all_models()
config = context.config
connection = config.attributes.get("connection")


def _run(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
