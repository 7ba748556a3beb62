"""SQLite transactions as the bot opens them (bot/store/engine.py): a plain transaction is all or nothing and takes
the write lock only when it writes; an ``immediate`` one takes it up front."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store.engine import create_engine


@pytest.fixture
def sqlite_file(tmp_path: Path) -> tuple[sa.Engine, Path]:
    path = tmp_path / "transactions.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (a INTEGER)")
    return engine, path


def _count(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM t").scalar_one())


def test_a_transaction_that_fails_leaves_nothing_behind(sqlite_file: tuple[sa.Engine, Path]) -> None:
    engine, _ = sqlite_file
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("interrupted")
    with engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO t VALUES (2)")
    assert _count(engine) == 1


def _other_writer_can_lock(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # database is locked
        return False
    finally:
        other.close()


def test_only_an_immediate_transaction_locks_before_it_writes(sqlite_file: tuple[sa.Engine, Path]) -> None:
    engine, path = sqlite_file
    with engine.begin() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM t").scalar_one()
        assert _other_writer_can_lock(path)
        connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert not _other_writer_can_lock(path)
    with engine.connect().execution_options(immediate=True) as connection, connection.begin():
        assert not _other_writer_can_lock(path)
    assert _other_writer_can_lock(path)
