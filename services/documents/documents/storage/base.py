"""The one small interface every storage backend offers.

Bytes are stored content-addressed: an object's name is the sha256 of its
bytes, so identical uploads are stored once. An upload first goes to a
temporary object, which `commit` turns into the object named by its hash (or
drops, when that object already exists) and `abort` removes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol


class TempObject(Protocol):
    async def write(self, data: bytes | memoryview) -> None:
        """Append bytes (any size; the backend buffers what it needs)."""

    async def commit(self, sha256: str) -> bool:
        """Make the bytes the object `sha256`; True when it is new, False when identical bytes were there."""

    async def abort(self) -> None:
        """Remove everything written so far; safe to call more than once or after commit."""


class Storage(Protocol):
    async def start(self) -> None:
        """Open clients and directories."""

    async def close(self) -> None: ...

    async def begin(self) -> TempObject:
        """A new temporary object for one upload."""

    async def exists(self, sha256: str) -> bool: ...

    def read(self, sha256: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Stream bytes [start, end) of an object."""

    async def delete(self, sha256: str) -> None:
        """Remove an object; no error when it is not there."""

    def objects(self) -> AsyncIterator[str]:
        """The sha256 of every stored object."""

    async def sweep_temp(self) -> int:
        """Remove temporary objects left by crashed processes; returns how many."""


CHUNK = 1024 * 1024
