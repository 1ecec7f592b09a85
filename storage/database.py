"""A small SQLite layer: reads in parallel, every write through one serialized writer.

Modelled on datasette's ``Database``: one write connection guarded by a lock, so
writes never fight over SQLite's lock, and a few read-only connections that WAL
lets run beside it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.migrations import apply_migrations
from storage.operations import private_file

log = logging.getLogger(__name__)


async def _connect(path: Path, *, readonly: bool) -> aiosqlite.Connection:
    if not readonly and str(path) != ":memory:":
        private_file(path)  # 0600 before SQLite creates it with the umask's mode
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA busy_timeout = 10000")
    # Deleted rows are overwritten with zeros, not left readable in free space: what
    # /vergeetmij and retention delete is gone from the file too. (Builds differ in
    # their default, so it is set here.)
    await conn.execute("PRAGMA secure_delete = ON")
    if readonly:
        await conn.execute("PRAGMA query_only = ON")
    else:
        await conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL is durable in WAL mode except against power loss on the last
        # commit; the inbox and timers are written before Telegram is confirmed,
        # so we take FULL to keep a person's tap across a power cut too.
        await conn.execute("PRAGMA synchronous = FULL")
    return conn


class Session:
    """A connection while it is lent out. Each call is one trip to SQLite's thread:
    a query returns its rows at once, a statement its cursor (rowcount, lastrowid).
    Under load those trips were a large part of the bot's CPU, so no call makes two."""

    __slots__ = ("_conn",)

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    @property
    def total_changes(self) -> int:
        """Rows changed on this connection so far (no trip: read from here)."""
        return self._conn.total_changes

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> aiosqlite.Cursor:
        """A statement that changes something; the cursor tells how many rows and which id."""
        return await self._conn.execute(sql, args)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> aiosqlite.Cursor:
        return await self._conn.executemany(sql, rows)

    async def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, args))

    async def fetchone(self, sql: str, args: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """The first row (the query should find one, or a few at most)."""
        rows = await self._conn.execute_fetchall(sql, args)
        return next(iter(rows), None)

    async def fetchvalue(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.fetchone(sql, args)
        return None if row is None else row[0]


class Database:
    def __init__(self, path: Path | str, *, readers: int = 3) -> None:
        self.path = Path(path)
        self._reader_count = readers
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    async def open(self) -> Database:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _connect(self.path, readonly=False)
        try:
            await apply_migrations(self._writer)
        except BaseException:
            await self._writer.close()
            self._writer = None
            raise
        for _ in range(self._reader_count):
            conn = await _connect(self.path, readonly=True)
            self._all_readers.append(conn)
            self._readers.put_nowait(conn)
        return self

    async def close(self) -> None:
        async with self._write_lock:
            for conn in self._all_readers:
                await conn.close()
            self._all_readers.clear()
            if self._writer is not None:
                await self._writer.close()
                self._writer = None

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Session]:
        """One write transaction at a time; commits on success, rolls back on error."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            conn = self._writer
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Session(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> aiosqlite.Cursor:
        """One statement on its own, through the writer: SQLite makes it a transaction
        by itself, so it needs one trip instead of three (BEGIN, statement, COMMIT)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            return await self._writer.execute(sql, args)

    async def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and empty it, so that old
        versions of changed rows (before an erasure) are not left in the ``-wal`` file.
        False when a reader kept part of it (it is emptied at a later checkpoint)."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            rows = await self._writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        busy = next(iter(rows))[0]
        if busy:
            log.warning("write-ahead log checkpoint incomplete: a reader was busy")
        return not busy

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        conn = await self._readers.get()
        try:
            yield Session(conn)
        finally:
            self._readers.put_nowait(conn)

    # One query on a reader. With execute above these are a Session's calls, so code
    # can take "a transaction, or else the database" as one thing.
    async def fetchall(self, sql: str, args: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        async with self.read() as session:
            return await session.fetchall(sql, args)

    async def fetchone(self, sql: str, args: Sequence[Any] = ()) -> aiosqlite.Row | None:
        async with self.read() as session:
            return await session.fetchone(sql, args)

    async def fetchvalue(self, sql: str, args: Sequence[Any] = ()) -> Any:
        async with self.read() as session:
            return await session.fetchvalue(sql, args)

    async def schema_version(self) -> int:
        return int(await self.fetchvalue("PRAGMA user_version"))

    async def ping(self) -> None:
        """Raise unless a reader and the one writer both answer (the health check: a
        writer held by a transaction that never ends makes this wait)."""
        await self.fetchvalue("SELECT 1")
        await self.execute("SELECT 1")
