"""Schema migrations on SQLite and PostgreSQL (``plateward db upgrade``)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("plateward") / "migrations"))
    if url:
        config.set_main_option("sqlalchemy.url", url)
    config.attributes["connection"] = connection
    return config


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            command.upgrade(alembic_config(connection), revision)
            connection.commit()
    else:
        command.upgrade(alembic_config(bind), revision)


def downgrade(bind: Engine | Connection, revision: str) -> None:
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            command.downgrade(alembic_config(connection), revision)
            connection.commit()
    else:
        command.downgrade(alembic_config(bind), revision)
