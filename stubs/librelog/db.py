"""SQLite storage: one aiosqlite connection, versioned migrations, WAL, foreign keys.

All access goes through ``Database.read()`` / ``Database.write()``: a single asyncio lock keeps
one coroutine's statements from landing inside another's transaction on the shared connection.
``write()`` is one transaction: it commits on success and rolls back on any exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        """
        CREATE TABLE tracks (
            id INTEGER PRIMARY KEY,
            libretime_id INTEGER UNIQUE,
            title TEXT NOT NULL,
            artist TEXT,
            album TEXT,
            genre TEXT,
            type TEXT NOT NULL,
            duration_s REAL,
            filepath TEXT,
            mime TEXT,
            md5 TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            last_synced_at TEXT
        );
        CREATE INDEX tracks_type ON tracks(type);
        CREATE TABLE voice_tracks (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT,
            artist_name TEXT,
            genre TEXT,
            standardized_name TEXT,
            filename TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            mime TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            md5 TEXT NOT NULL,
            duration_s REAL,
            status TEXT NOT NULL CHECK (status IN ('recorded', 'uploaded')),
            libretime_id INTEGER,
            uploaded_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE TABLE logs (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL,
            station TEXT NOT NULL,
            timezone TEXT NOT NULL,
            locked INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
            published_at TEXT,
            last_publish TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (date, station)
        );
        CREATE TABLE log_entries (
            id INTEGER PRIMARY KEY,
            log_id INTEGER NOT NULL REFERENCES logs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            start TEXT NOT NULL,
            fold INTEGER NOT NULL DEFAULT 0,
            hour INTEGER NOT NULL,
            type TEXT NOT NULL,
            title TEXT,
            track_id INTEGER REFERENCES tracks(id) ON DELETE RESTRICT,
            libretime_id INTEGER,
            voice_track_id INTEGER REFERENCES voice_tracks(id) ON DELETE RESTRICT,
            duration_s REAL,
            hard_start INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX log_entries_log ON log_entries(log_id, position);
        CREATE TABLE playback_history (
            id INTEGER PRIMARY KEY,
            libretime_history_id INTEGER NOT NULL UNIQUE,
            libretime_file_id INTEGER,
            track_id INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
            schedule_id INTEGER,
            title TEXT,
            artist TEXT,
            played_at TEXT NOT NULL,
            ended_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX playback_history_played ON playback_history(played_at);
        CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
    ),
)


def row_dict(row: aiosqlite.Row) -> dict[str, Any]:
    return {key: row[key] for key in row.keys()}  # noqa: SIM118 - aiosqlite.Row is not a Mapping


def utcnow() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class Database:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str) -> Database:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)  # explicit BEGIN/COMMIT below
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
        database = cls(conn)
        await database.migrate()
        return database

    async def close(self) -> None:
        await self.conn.close()

    async def migrate(self) -> None:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        async with self.conn.execute("SELECT version FROM schema_migrations") as cursor:
            applied = {row[0] async for row in cursor}
        for version, sql in MIGRATIONS:
            if version in applied:
                continue
            async with self.write() as conn:
                for statement in (s.strip() for s in sql.split(";")):
                    if statement:
                        await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", (version, utcnow())
                )

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            yield self.conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            await self.conn.execute("COMMIT")
