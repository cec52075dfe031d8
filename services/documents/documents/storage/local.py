"""Bytes on the local disk: `objects/<aa>/<sha256>` and `tmp/<process>/<upload>`.

Each process writes its temporary files in a directory of its own, guarded by
an exclusive `flock` on `tmp/<process>.lock` held while it lives. A sweep
removes the directories whose lock nobody holds: their process is gone, so
their files are leftovers of an upload it never finished.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from anyio import to_thread

from .base import CHUNK

HEX = set("0123456789abcdef")


class LocalTemp:
    def __init__(self, path: Path, objects: Path) -> None:
        self.path = path
        self.objects = objects
        self.file: BinaryIO | None = open(path, "xb")  # noqa: SIM115 (closed by commit or abort)
        self.pending: list[bytes | memoryview] = []
        self.pending_size = 0

    async def write(self, data: bytes | memoryview) -> None:
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size >= CHUNK:
            await self._flush()

    async def _flush(self) -> None:
        if self.pending and self.file is not None:
            chunks, self.pending, self.pending_size = self.pending, [], 0
            await to_thread.run_sync(self.file.writelines, chunks)

    async def commit(self, sha256: str) -> bool:
        await self._flush()
        assert self.file is not None, "commit after abort"
        file, self.file = self.file, None
        return await to_thread.run_sync(self._commit, file, sha256)

    def _commit(self, file: BinaryIO, sha256: str) -> bool:
        with file:
            file.flush()
            os.fsync(file.fileno())  # the row may exist only once the bytes are safely stored
        target = self.objects / sha256[:2] / sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.path, target)  # atomic, and refuses to replace: identical bytes are stored once
            created = True
        except FileExistsError:
            created = False
        self.path.unlink()
        if created:
            _fsync_dir(target.parent)
        return created

    async def abort(self) -> None:
        file, self.file = self.file, None
        self.pending = []
        if file is not None:
            file.close()
        self.path.unlink(missing_ok=True)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.objects_dir = self.root / "objects"
        self.tmp_root = self.root / "tmp"
        self.me = uuid.uuid4().hex
        self.tmp_dir = self.tmp_root / self.me
        self._lock: BinaryIO | None = None

    async def start(self) -> None:
        self.objects_dir.mkdir(parents=True, exist_ok=True)
        self.tmp_root.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.tmp_root / f"{self.me}.lock", "ab")  # noqa: SIM115 (held while the process lives)
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.tmp_dir.mkdir()

    async def close(self) -> None:
        if self._lock is not None:
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
            (self.tmp_root / f"{self.me}.lock").unlink(missing_ok=True)
            self._lock.close()
            self._lock = None

    async def begin(self) -> LocalTemp:
        return LocalTemp(self.tmp_dir / uuid.uuid4().hex, self.objects_dir)

    def _path(self, sha256: str) -> Path:
        return self.objects_dir / sha256[:2] / sha256

    async def exists(self, sha256: str) -> bool:
        return self._path(sha256).is_file()

    async def read(self, sha256: str, start: int, end: int) -> AsyncIterator[bytes]:
        file = await to_thread.run_sync(open, self._path(sha256), "rb", 0)
        try:
            file.seek(start)
            left = end - start
            while left > 0:
                chunk = await to_thread.run_sync(file.read, min(CHUNK, left))
                if not chunk:
                    raise OSError(f"object {sha256} is shorter than recorded")
                left -= len(chunk)
                yield chunk
        finally:
            file.close()

    async def delete(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    async def objects(self) -> AsyncIterator[str]:
        for bucket in sorted(self.objects_dir.iterdir()):
            if bucket.is_dir():
                for path in sorted(bucket.iterdir()):
                    if len(path.name) == 64 and set(path.name) <= HEX:
                        yield path.name

    async def sweep_temp(self) -> int:
        return await to_thread.run_sync(self._sweep)

    def _sweep(self) -> int:
        removed = 0
        owners = {entry.name.removesuffix(".lock") for entry in self.tmp_root.iterdir()} - {self.me}
        for owner in sorted(owners):
            lock_path = self.tmp_root / f"{owner}.lock"
            with open(lock_path, "ab") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live process: its uploads are in flight
                directory = self.tmp_root / owner
                if directory.is_dir():
                    removed += sum(1 for _ in directory.iterdir())
                    shutil.rmtree(directory, ignore_errors=True)
                lock_path.unlink(missing_ok=True)
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
