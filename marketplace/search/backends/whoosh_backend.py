"""The Whoosh index on local disk.

Layout of SEARCH_INDEX_DIR:
  CURRENT        {"gen": "gen-...", "schema": N}: the generation readers open, swapped atomically
  gen-*/         Whoosh indexes; a rebuild writes a new one aside and then swaps CURRENT
  pending/*.ids  product ids waiting to be (re)indexed, one file per change, from any process
  write.lock     flock held by the one process writing at a time

Several gunicorn workers write at once: each drops its ids into pending/, then takes the
lock only if it is free within a moment. Whoever holds the lock drains pending/, reloads
those products from the committed database *under the lock* (so the last writer writes the
newest data) and, after releasing, looks again, so no id is stranded and no user waits.
"""
import json
import logging
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .. import documents
from ..analysis import SYNONYMS, accented_analyzer, folded_analyzer, folded_words
from . import Hits, Query, SearchBackend
from .whoosh_queue import WriteQueue
from .whoosh_reading import BAND_KEYS, View

log = logging.getLogger(__name__)

# Bump when the schema, the analysis or the file layout changes: an index of another version
# is rebuilt.
SCHEMA_VERSION = 7
SUGGEST_CHARS = 24  # phrase prefixes indexed for suggest-as-you-type
SUGGEST_SCAN = 300  # postings read per suggestion request, at most
LOCK_WAIT = 0.25  # seconds a writer waits for the lock before leaving its ids to the holder
# Segments as separate files, never one compound file: Whoosh reads a compound segment by
# copying each part into memory (the postings and term index of 100,000 products are ~280 MB,
# per process, again after every change); separate files are read from the page cache.
WRITER_OPTIONS = {"compound": False}


def make_schema() -> Schema:
    acc, fol = accented_analyzer(), folded_analyzer()
    facet = lambda: NUMERIC(bits=32, sortable=True)  # noqa: E731
    return Schema(
        id=ID(stored=True, unique=True),
        name=STORED(), stall=STORED(), fingerprint=STORED(),
        name_a=TEXT(analyzer=acc), name_f=TEXT(analyzer=fol), body_f=TEXT(analyzer=fol),
        stall_f=TEXT(analyzer=fol), suggest=KEYWORD(commas=True, scorable=True),
        category_id=facet(), province=facet(), commune=facet(), price_band=facet(), ocop=facet(),
        traceable=facet(), in_stock=facet(),
        price=NUMERIC(bits=64, sortable=True), created=NUMERIC(bits=64, sortable=True),
    )


def to_fields(doc: dict) -> dict:
    return {
        "id": doc["id"], "name": doc["name"], "stall": doc["stall"], "fingerprint": doc["fingerprint"],
        "name_a": doc["name"], "name_f": doc["name"],
        "body_f": " ".join((doc["category"], doc["stall"], doc["place"], doc["extra"], doc["description"])),
        "stall_f": doc["stall"], "suggest": ",".join(phrase_prefixes(doc["name"]) | phrase_prefixes(doc["stall"])),
        "category_id": int(doc["category_id"]), "province": int(doc["province"]), "commune": int(doc["commune"]),
        "price_band": BAND_KEYS.index(doc["price_band"]), "ocop": int(doc["ocop"]),
        "traceable": int(doc["traceable"]), "in_stock": doc["in_stock"],
        "price": doc["price"], "created": doc["created"],
    }


def phrase_prefixes(text: str) -> set[str]:
    """'Vải thiều Lục' -> 'va', 'vai', 'vai t', ..., 'th', 'thi', ..., 'luc': what someone may
    have typed so far, starting at any word. One term lookup then answers a suggestion."""
    words = folded_words(text)
    out = set()
    for i in range(len(words)):
        phrase = " ".join(words[i:])[:SUGGEST_CHARS]
        out.update(phrase[:n].strip() for n in range(2, len(phrase) + 1))
    return out


class IndexUnavailable(Exception):
    pass


class WhooshBackend(SearchBackend):
    name = "whoosh"

    def __init__(self, directory: str):
        self.dir = str(directory)
        os.makedirs(self.dir, exist_ok=True)
        self.queue = WriteQueue(self.dir)
        self._local = threading.local()
        self._rebuild_thread: threading.Thread | None = None

    # ---- generations -------------------------------------------------------------------------

    def _current(self) -> dict | None:
        try:
            with open(os.path.join(self.dir, "CURRENT")) as fh:
                current = json.load(fh)
        except (OSError, ValueError):
            return None
        if current.get("schema") != SCHEMA_VERSION:
            return None
        return current

    def _open(self):
        """The current generation's index, reopened when a rebuild swapped it."""
        current = self._current()
        if current is None:
            raise IndexUnavailable("no index of the current schema")
        cached = getattr(self._local, "ix", None)
        if cached is not None and cached[0] == current["gen"]:
            return cached[1]
        try:
            ix = whoosh_index.open_dir(os.path.join(self.dir, current["gen"]))
        except Exception as exc:  # any corruption means "rebuild", never a 500
            raise IndexUnavailable(str(exc)) from exc
        self._close_view()
        self._local.ix = (current["gen"], ix)
        return ix

    @contextmanager
    def _view(self):
        """This thread's view of the index, replaced once the index changed. Not
        searcher.refresh(): it reuses segment readers and misses new deletions, which shows an
        updated product twice."""
        ix = self._open()
        view = getattr(self._local, "view", None)
        if view is not None and not view.up_to_date():
            self._close_view()
            view = None
        if view is None:
            view = self._local.view = View(ix)
        yield view

    def _close_view(self):
        view = getattr(self._local, "view", None)
        if view is not None:
            self._local.view = None
            view.close()

    def version(self) -> str:
        # The generation a rebuild swapped in, and the commit within it: another process may
        # apply queued changes after the page cache heard of the database commit.
        current = self._current()
        try:
            return f"{current['gen']}.{self._open().latest_generation()}" if current else ""
        except IndexUnavailable:  # searches answer from the database meanwhile
            return ""

    def usable(self) -> bool:
        try:
            with self._view() as view:
                view.searcher.doc_count()
            return True
        except Exception:
            return False

    # ---- reading -----------------------------------------------------------------------------

    def search(self, query: Query) -> Hits:
        with self._view() as view:
            return view.search(query)

    def suggest(self, words, limit):
        typed = " ".join(f for _a, f in words)
        key = typed[:SUGGEST_CHARS]
        names, stalls = [], []
        with self._view() as view:
            reader = view.reader
            if not reader.doc_frequency("suggest", key):
                return []
            # Read only the first postings of one term: a few ms however many products match.
            matcher = reader.postings("suggest", key)
            scanned = 0
            while matcher.is_active() and scanned < SUGGEST_SCAN and len(names) < limit:
                docnum = matcher.id()
                matcher.next()
                scanned += 1
                if reader.is_deleted(docnum):
                    continue
                fields = reader.stored_fields(docnum)
                if fields["name"] not in names and _matches(fields["name"], typed):
                    names.append(fields["name"])
                if fields["stall"] not in stalls and _matches(fields["stall"], typed):
                    stalls.append(fields["stall"])
        out = [("product", n) for n in names[:limit]]
        return out + [("stall", n) for n in stalls[: max(1, limit // 3)]]

    def correct(self, words):
        fixed, changed = [], False
        with self._view() as view:
            for _acc, fol in words:
                if view.knows(fol) or fol in SYNONYMS:
                    fixed.append(fol)
                    continue
                best = None
                for field in ("name_f", "body_f"):
                    found = view.searcher.corrector(field).suggest(fol, limit=1, maxdist=2, prefix=1)
                    if found:
                        best = found[0]
                        break
                fixed.append(best or fol)
                changed |= best is not None
            if not changed:
                return None
            candidate = " ".join(fixed)
            docs, _terms = view.match([(w, w) for w in fixed])
            return candidate if docs else None

    # ---- writing -----------------------------------------------------------------------------

    def apply(self, product_ids):
        if not product_ids:
            return
        self.queue.append(product_ids)
        self.flush_pending(wait=LOCK_WAIT)

    def flush_pending(self, wait: float = LOCK_WAIT) -> None:
        """Apply the pending changes if the lock is free; the holder re-checks after releasing.
        Without an index yet, changes wait: the first build covers them."""
        if self._current() is None:
            return
        while True:
            with self.queue.lock(wait) as held:
                if not held:
                    return
                files = self.queue.files()
                if files:
                    self._write(self._open(), self.queue.read(files))
                    self.queue.remove(files)
            if not self.queue.has_pending():
                return
            wait = 0

    def _write(self, ix, ids) -> None:
        from ...extensions import db
        from sqlalchemy.orm import Session

        with Session(db.engine) as session:
            docs = documents.load(session, ids)
        writer = ix.writer(**WRITER_OPTIONS)
        try:
            for pid in ids:
                if pid in docs:
                    writer.update_document(**to_fields(docs[pid]))
                else:
                    writer.delete_by_term("id", str(pid))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def rebuild(self, only_if_missing: bool = False) -> int:
        """Build a new generation aside from the database, swap CURRENT, then apply what
        writers queued meanwhile. Readers see the old index until the swap. With
        `only_if_missing`, a process that waited while another built the index does nothing
        (several gunicorn workers find the index missing at once; one build is enough)."""
        from ...extensions import db
        from sqlalchemy.orm import Session

        with self.queue.lock(wait=600) as held:
            if not held:
                raise IndexUnavailable("another rebuild holds the lock")
            if only_if_missing and self._usable():
                return 0
            covered = self.queue.files()  # the full build below covers these
            gen = f"gen-{int(time.time())}-{uuid.uuid4().hex[:6]}"
            path = os.path.join(self.dir, gen)
            os.makedirs(path)
            ix = whoosh_index.create_in(path, make_schema())
            writer = ix.writer(limitmb=128, **WRITER_OPTIONS)
            count = 0
            with Session(db.engine) as session:
                for doc in documents.iter_all(session):
                    writer.add_document(**to_fields(doc))
                    count += 1
            writer.commit(optimize=True)
            tmp = os.path.join(self.dir, f"CURRENT.{uuid.uuid4().hex[:6]}")
            with open(tmp, "w") as fh:
                json.dump({"gen": gen, "schema": SCHEMA_VERSION}, fh)
            os.replace(tmp, os.path.join(self.dir, "CURRENT"))
            self.queue.remove(covered)
            self._cleanup(keep={gen})
        self.flush_pending(wait=0)
        return count

    def _usable(self) -> bool:
        try:
            self._open()
        except IndexUnavailable:
            return False
        return True

    def _cleanup(self, keep: set[str]) -> None:
        """Drop all but the newest older generation (a process may still be reading it)."""
        gens = sorted((g for g in os.listdir(self.dir) if g.startswith("gen-") and g not in keep),
                      key=lambda g: os.path.getmtime(os.path.join(self.dir, g)))
        for g in gens[:-1]:
            shutil.rmtree(os.path.join(self.dir, g), ignore_errors=True)

    def rebuild_in_background(self, app) -> None:
        """Start one rebuild thread for a missing or broken index (search meanwhile falls
        back to the database)."""
        if self._rebuild_thread is not None and self._rebuild_thread.is_alive():
            return

        def run():
            with app.app_context():
                try:
                    self.rebuild(only_if_missing=True)
                except Exception:
                    log.exception("search index rebuild failed")

        self._rebuild_thread = threading.Thread(target=run, name="search-rebuild", daemon=True)
        self._rebuild_thread.start()

    def check(self):
        from ...extensions import db
        from sqlalchemy.orm import Session

        with Session(db.engine) as session:
            wanted = {int(d["id"]): d["fingerprint"] for d in documents.iter_all(session)}
        with self._view() as view:
            indexed = {int(f["id"]): f["fingerprint"] for f in view.searcher.all_stored_fields()}
        missing = set(wanted) - set(indexed)
        stale = {i for i, fp in indexed.items() if wanted.get(i) != fp}
        return missing, stale

    def doc_count(self) -> int:
        with self._view() as view:
            return view.searcher.doc_count()

    def size_bytes(self) -> int:
        current = self._current()
        if current is None:
            return 0
        path = os.path.join(self.dir, current["gen"])
        return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def _matches(text: str, typed: str) -> bool:
    """Does some word of `text` start the typed phrase ('vai th' in 'Vải thiều Lục Ngạn')?"""
    return (" " + " ".join(folded_words(text))).find(" " + typed) >= 0
