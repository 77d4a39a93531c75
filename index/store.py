"""Where the index lives: generations swapped by a pointer file, one writer at a time.

On disk (INDEX_DIR):
    CURRENT              the name of the live generation, replaced atomically (os.replace)
    gen-000001/ ...      one Whoosh index per generation; a rebuild writes the next one
    write.lock           fcntl lock: every write, in any process, holds it (others wait)
    REBUILD              present while a rebuild runs: {"gen": ..., "pid": ...}
    gen-00000N.journal   writes made to the live generation during that rebuild, replayed
                         into the new generation before it is swapped in

A RAM store (path None) keeps the same shape in memory, for tests and benchmarks.
Opening a store removes what a killed process left behind: a rebuild's marker, journal and
half-built generation, and an unfinished CURRENT replacement.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.filedb.filestore import FileStorage, RamStorage

from index.schema import build_schema, whoosh_values

log = logging.getLogger(__name__)

CURRENT = "CURRENT"
REBUILD = "REBUILD"
LOCK_FILE = "write.lock"
WRITER_TIMEOUT = 60.0  # Whoosh's own lock, only contended by writers outside this store


def _cache_missing_columns() -> None:
    """Make Whoosh remember that a segment has no length column for a field.

    Whoosh-Reloaded 2.7.5 looks for the length column of every posting it writes and, for
    fields that keep no lengths (ids, codes, the spelling words), asks the file system each
    time: ~100 stat calls per document. Remembering the answer cut a rebuild by a third.
    """
    from whoosh.codec import whoosh3

    reader_class = whoosh3.W3PerDocReader
    if getattr(reader_class, "_vetted_patched", False):
        return

    def _cached_reader(self, fieldname, column):
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = None
            if self.has_column(fieldname):
                reader = self.column_reader(fieldname, column)
            self._readers[fieldname] = reader
            return reader

    reader_class._cached_reader = _cached_reader
    reader_class._vetted_patched = True


_cache_missing_columns()


def _writer(ix, **options):
    # Separate segment files, not one compound file: a searcher then maps postings instead
    # of copying them, opens in ~0.2 ms and a one-document commit costs ~10 ms, not ~90 ms.
    return ix.writer(timeout=WRITER_TIMEOUT, delay=0.05, compound=False, **options)


def _commit(writer) -> None:
    # MERGE_SMALL keeps the number of segments bounded without rewriting the big one.
    writer.commit(mergetype=writing.MERGE_SMALL)


def _apply(writer, ops: list[tuple[str, object]]) -> None:
    for op, payload in ops:
        if op == "index":
            writer.update_document(**whoosh_values(payload))
        else:
            for clinic_id in payload:
                writer.delete_by_term("id", clinic_id)


def _number(name: str) -> int:
    """Return a generation's number (gen-000012 -> 12; 0 for a name that is not one)."""
    digits = name.split("-", 1)[-1]
    return int(digits) if digits.isdigit() else 0


class _RamStorage(RamStorage):
    """An index in memory whose writers' scratch files stay in memory too.

    Whoosh's RamStorage puts them in `<tmp>/MAIN.tmp`, one folder shared by every process on
    the machine: two processes writing in-memory indexes at once delete each other's files.
    """

    def temp_storage(self, name=None):
        return RamStorage()


class Store:
    """The generations of one index (on disk, or in memory when path is None)."""

    def __init__(self, path: str | os.PathLike | None):
        self.path = Path(path) if path is not None else None
        self.schema = build_schema()
        self._thread_lock = threading.RLock()
        self._lock_depth = 0  # how deep the owning thread holds write_lock
        self._open_lock = threading.Lock()  # never held while waiting for another lock
        self._indexes: dict[str, object] = {}
        # In memory only: the live generation and the rebuild journal.
        self._ram_current: str | None = None
        self._ram_journal: list | None = None
        if self.path is not None:
            self.path.mkdir(parents=True, exist_ok=True)
        with self.write_lock():
            self._remove_leftovers()
            self._ensure_current()

    # Generations

    def current_name(self) -> str | None:
        """Return the live generation's name (read fresh: another process may swap it)."""
        if self.path is None:
            return self._ram_current
        try:
            return (self.path / CURRENT).read_text().strip() or None
        except FileNotFoundError:
            return None

    def _next_name(self) -> str:
        if self.path is None:
            names = list(self._indexes)
        else:
            names = [p.name for p in self.path.glob("gen-*") if p.is_dir()]
        return f"gen-{max(map(_number, names), default=0) + 1:06d}"

    def _create(self, name: str):
        if self.path is None:
            ix = _RamStorage().create_index(self.schema)
        else:
            folder = self.path / name
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir()
            ix = FileStorage(str(folder)).create_index(self.schema)
        self._indexes[name] = ix
        return ix

    def _set_current(self, name: str) -> None:
        if self.path is None:
            self._ram_current = name
            return
        tmp = self.path / f"{CURRENT}.{os.getpid()}.{threading.get_ident()}"
        tmp.write_text(name)
        os.replace(tmp, self.path / CURRENT)

    def open(self, name: str):
        """Return the Whoosh index of generation name (opened once per process)."""
        with self._open_lock:
            ix = self._indexes.get(name)
            if ix is None:
                ix = self._indexes[name] = whoosh_index.open_dir(str(self.path / name))
            return ix

    def _remove_leftovers(self) -> None:
        """Remove the files of rebuilds and swaps whose process died (call under the lock)."""
        if self.path is None:
            return
        marker = self._rebuild_marker()  # None when no rebuild runs (a dead one's is removed)
        running = marker["gen"] if marker else None
        current = self.current_name()
        for leftover in self.path.glob(f"{CURRENT}.*"):
            leftover.unlink(missing_ok=True)  # a CURRENT replacement never moved into place
        for journal in self.path.glob("gen-*.journal"):
            if journal.stem != running:
                journal.unlink(missing_ok=True)
        for folder in self.path.glob("gen-*"):
            name = folder.name
            if not folder.is_dir() or name in (current, running):
                continue
            if current is None or _number(name) > _number(current):
                log.warning("removing %s, left by a rebuild that did not finish", name)
                self._drop_generation(name)

    def _ensure_current(self) -> None:
        name = self.current_name()
        if name is not None:
            try:
                ix = self.open(name)
            except (OSError, whoosh_index.IndexError) as exc:
                log.warning("index generation %s cannot be opened (%s); starting anew", name, exc)
            else:
                if set(ix.schema.names()) == set(self.schema.names()):
                    return
                # Built by another version of this code: start an empty generation
                # (check() then reports every clinic missing; a rebuild fills it).
                log.warning("index generation %s has another schema; starting anew", name)
        fresh = self._next_name()
        self._create(fresh)
        self._set_current(fresh)

    # Writing

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the index's write lock: in this process and, on disk, in every process.

        Re-entrant within a thread, so a caller may hold it around several writes.
        """
        with self._thread_lock:
            if self.path is None or self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            with open(self.path / LOCK_FILE, "a+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # waits for the writer before us
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def write(self, ops: list[tuple[str, object]]) -> None:
        """Apply ("index", doc) and ("remove", ids) operations to the live generation."""
        if not ops:
            return
        with self.write_lock():
            ix = self.open(self.current_name())
            writer = _writer(ix)
            try:
                _apply(writer, ops)
            except BaseException:
                writer.cancel()
                raise
            _commit(writer)
            self._journal(ops)

    def _rebuild_marker(self) -> dict | None:
        if self.path is None:
            return {"gen": "ram"} if self._ram_journal is not None else None
        try:
            marker = json.loads((self.path / REBUILD).read_text())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(int(marker["pid"]), 0)
        except (ProcessLookupError, KeyError, ValueError, TypeError):
            # The rebuilding process died: nobody will replay the journal.
            (self.path / REBUILD).unlink(missing_ok=True)
            return None
        except PermissionError:
            pass
        return marker

    def _journal(self, ops: list[tuple[str, object]]) -> None:
        marker = self._rebuild_marker()
        if marker is None:
            return
        if self.path is None:
            self._ram_journal.extend(ops)
            return
        with open(self.path / f"{marker['gen']}.journal", "a", encoding="utf-8") as fh:
            for op, payload in ops:
                fh.write(json.dumps([op, payload], ensure_ascii=False) + "\n")

    def rebuild(self, docs: Iterable[dict]) -> int:
        """Build a new generation from docs and swap it in; return how many documents."""
        with self.write_lock():
            name = self._next_name()
            ix = self._create(name)
            if self.path is None:
                self._ram_journal = []
            else:
                marker = {"gen": name, "pid": os.getpid()}
                (self.path / f"{name}.journal").write_text("")
                (self.path / REBUILD).write_text(json.dumps(marker))
        count = 0
        try:
            writer = _writer(ix, limitmb=256)
            try:
                for doc in docs:
                    writer.add_document(**whoosh_values(doc))
                    count += 1
            except BaseException:
                writer.cancel()
                raise
            _commit(writer)
            with self.write_lock():
                ops = self._read_journal(name)
                if ops:
                    writer = _writer(ix)
                    _apply(writer, ops)
                    _commit(writer)
                previous = self.current_name()
                self._set_current(name)
                self._end_rebuild(name)
                self._drop_old(keep={name, previous})
        except BaseException:
            with self.write_lock():
                self._end_rebuild(name)
                self._drop_generation(name)
            raise
        return count

    def _read_journal(self, name: str) -> list:
        if self.path is None:
            return list(self._ram_journal or [])
        ops = []
        with open(self.path / f"{name}.journal", encoding="utf-8") as fh:
            for line in fh:
                op, payload = json.loads(line)
                ops.append((op, payload))
        return ops

    def _end_rebuild(self, name: str) -> None:
        if self.path is None:
            self._ram_journal = None
            return
        (self.path / REBUILD).unlink(missing_ok=True)
        (self.path / f"{name}.journal").unlink(missing_ok=True)

    def _drop_generation(self, name: str) -> None:
        self._indexes.pop(name, None)
        if self.path is not None:
            shutil.rmtree(self.path / name, ignore_errors=True)

    def _drop_old(self, keep: set) -> None:
        # The previous generation stays: another process may be finishing a search on it.
        if self.path is None:
            for name in list(self._indexes):
                if name not in keep:
                    self._indexes.pop(name)
            return
        for folder in self.path.glob("gen-*"):
            if folder.is_dir() and folder.name not in keep:
                self._drop_generation(folder.name)

    def close(self) -> None:
        self._indexes.clear()
