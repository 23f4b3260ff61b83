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
import math
import os
import shutil
import sys
import threading
import time
import uuid
from array import array
from collections import Counter, OrderedDict
from itertools import repeat
from operator import add, sub
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.scoring import BM25F

from .. import documents
from ..analysis import SYNONYMS, accented_analyzer, folded_analyzer, folded_words, transpositions
from . import FACETS, Hits, Query, SearchBackend
from .whoosh_queue import WriteQueue

log = logging.getLogger(__name__)

# Bump when the schema or analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 6
SUGGEST_CHARS = 24  # phrase prefixes indexed for suggest-as-you-type
SUGGEST_SCAN = 300  # postings read per suggestion request, at most
POSTINGS_CACHED = 2_000_000  # decoded postings kept per searcher (4-byte docnums)
LOCK_WAIT = 0.25  # seconds a writer waits for the lock before leaving its ids to the holder

# (field, boost): the name counts most; category, stall, places, certifications and description
# share one field (fewer fields per word is what keeps Whoosh fast at 100,000 products).
FOLDED_FIELDS = (("name_f", 6.0), ("body_f", 2.0))
TYPO_FIELDS = (("name_f", 3.0), ("body_f", 1.0))
SORTED_BY = {"price_asc": ("price", False), "price_desc": ("price", True), "newest": ("created", True)}
BAND_KEYS = [key for key, _lo, _hi in documents.PRICE_BANDS]
# Facets are small integers in fixed-width columns: cheap to count over many matches.
FACET_FIELDS = {"category": "category_id", "province": "province", "commune": "commune",
                "price_band": "price_band", "ocop": "ocop", "traceable": "traceable"}


def make_schema() -> Schema:
    acc, fol = accented_analyzer(), folded_analyzer()
    facet = lambda: NUMERIC(bits=32, sortable=True)  # noqa: E731
    return Schema(
        id=ID(stored=True, unique=True),
        name=STORED(), stall=STORED(), fingerprint=STORED(),
        name_a=TEXT(analyzer=acc), name_f=TEXT(analyzer=fol), body_f=TEXT(analyzer=fol),
        stall_f=TEXT(analyzer=fol), suggest=KEYWORD(commas=True),
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


_BAND = math.log(1.05)


class _Ranking(BM25F):
    """Relevance first; among equally relevant products, in stock before sold out, then more
    OCOP stars. Scores within about 5% of each other count as equally relevant (field lengths
    make BM25 scores of equally good matches differ in the last digits)."""

    use_final = True

    def final(self, searcher, docnum, score):
        cols = getattr(searcher, "_choxa_cols", None)
        if cols is None:
            reader = searcher.reader()
            cols = (reader.column_reader("in_stock"), reader.column_reader("ocop"))
            searcher._choxa_cols = cols
        return _band(score) + 0.1 * cols[0][docnum] + 0.01 * cols[1][docnum]


def _band(score: float) -> int:
    return math.floor(math.log(score) / _BAND) if score > 0 else -1000


def _column_list(reader, field, name) -> list:
    """A numeric column's values, as column_reader(name) gives them one by one, read in bulk:
    the searcher is replaced after every index change, so this runs often."""
    raw = reader.column_reader(name, translate=False)
    values = raw
    if (isinstance(raw, NumericColumn.Reader) and raw._count == raw._doccount
            and raw._typecode in "bBhHiIlLqQ"):
        values = array(raw._typecode)
        values.frombytes(raw._dbfile.get(raw._basepos, raw._count * raw._fixedlen))
        if sys.byteorder == "little":
            values.byteswap()  # stored big-endian
    if field.numtype is int and not field.decimal_places:
        # NUMERIC.from_column_value for integers: undo the sign offset.
        offset = (1 << (field.bits - 1)) if field.signed else 0
        return list(map(sub, values, repeat(offset)))
    return list(map(field.from_column_value, values))


class _Memo(dict):
    """A dict that computes a missing value once."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


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
        self._close_searcher()
        self._local.ix = (current["gen"], ix)
        return ix

    @contextmanager
    def _searcher(self):
        ix = self._open()
        searcher = getattr(self._local, "searcher", None)
        # Not searcher.refresh(): it reuses segment readers and misses new deletions, which
        # shows an updated product twice.
        if searcher is not None and not searcher.up_to_date():
            searcher.close()
            searcher = None
        if searcher is None:
            searcher = ix.searcher(weighting=_Ranking())
        self._local.searcher = searcher
        yield searcher

    def _close_searcher(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None

    def usable(self) -> bool:
        try:
            with self._searcher() as s:
                s.doc_count()
            return True
        except Exception:
            return False

    # ---- reading -----------------------------------------------------------------------------

    def _word_terms(self, reader, fol, acc):
        """(field, text, boost) of every term standing for one typed word. A word the index
        does not know is taken as a typo: its known neighbours within one edit (or one swap of
        letters) stand in for it."""
        alts = [("name_a", acc, 8.0)] + [(f, fol, b) for f, b in FOLDED_FIELDS]
        if fol in SYNONYMS:
            alts += [(f, SYNONYMS[fol], b * 0.5) for f, b in FOLDED_FIELDS]
        known = any(reader.doc_frequency(f, fol) for f, _b in FOLDED_FIELDS)
        if len(fol) >= 4 and not known:
            for field, boost in TYPO_FIELDS:
                near = set(reader.terms_within(field, fol, 1, prefix=1))
                near |= {t for t in transpositions(fol) if reader.doc_frequency(field, t)}
                alts += [(field, t, boost) for t in sorted(near)]
        return alts

    @staticmethod
    def _read_postings(searcher, field, btext) -> tuple[array, array]:
        """(docnums, weights) of one term, in docnum order, deleted documents left out."""
        reader = searcher.reader()
        ids, weights = array("i"), array("f")
        if (field, btext) not in reader:
            return ids, weights
        m = reader.postings(field, btext)
        if hasattr(m, "_read_weights") and not reader.has_deletions():
            # A fresh leaf matcher of one segment (the case after a rebuild): take whole
            # blocks; a posting at a time costs several Python calls each.
            while m.is_active():
                m._read_ids()
                m._read_weights()
                ids.extend(m._ids)
                weights.extend(m._weights)
                m._next_block()
            return ids, weights
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
        return ids, weights

    def _postings(self, searcher, field, text) -> dict[float, array]:
        """Decoded postings, {weight: docnums}, kept on the searcher (which lives until the
        index changes): buyers type a small vocabulary, and decoding was most of a query."""
        cache = searcher.__dict__.setdefault("_choxa_postings", OrderedDict())
        key = (field, text)
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        ids, weights = self._read_postings(searcher, field, searcher.schema[field].to_bytes(text))
        # Docnums grouped by weight (a term count: few distinct values), so that a query
        # scores a whole group with set operations.
        found = {}
        for d, w in zip(ids, weights):
            group = found.get(w)
            if group is None:
                group = found[w] = array("i")
            group.append(d)
        cache[key] = found
        size = searcher.__dict__.get("_choxa_cached", 0) + len(ids)
        while size > POSTINGS_CACHED and len(cache) > 1:
            size -= sum(map(len, cache.popitem(last=False)[1].values()))
        searcher._choxa_cached = size
        return found

    def _columns(self, searcher) -> dict[str, list]:
        """The facet and sort columns as plain lists indexed by docnum, read once per searcher."""
        cols = getattr(searcher, "_choxa_lists", None)
        if cols is None:
            reader = searcher.reader()
            names = set(FACET_FIELDS.values()) | {"in_stock", "ocop", "price", "created"}
            cols = {n: _column_list(reader, searcher.schema[n], n) for n in names}
            searcher._choxa_lists = cols
        return cols

    def _match(self, searcher, words):
        """(matching docnums, per word the (field, text, boost, postings) of its terms). The
        word with the fewest postings goes first; the others are only probed against what
        still matches, which never builds a set of a long posting list."""
        reader = searcher.reader()
        per_word = [[(f, t, b, self._postings(searcher, f, t)) for f, t, b in self._word_terms(reader, fol, acc)]
                    for acc, fol in words]
        arrays = [[ids for _f, _t, _b, p in terms for ids in p.values()] for terms in per_word]
        arrays.sort(key=lambda a: sum(map(len, a)))
        docs = set().union(*arrays[0])
        for word in arrays[1:]:
            docs = set().union(*(docs.intersection(ids) for ids in word))
        return docs, per_word

    def search(self, query: Query) -> Hits:
        """Matching with set operations over whole posting lists, facets counted from
        in-memory columns, and only the matching documents scored: the same results as
        Whoosh's own collectors (BM25F per term, summed, then _Ranking.final), without
        stepping a tree of matchers through every posting in Python."""
        with self._searcher() as s:
            reader = s.reader()
            cols = self._columns(s)
            scored = query.sort not in SORTED_BY
            if query.words:
                docs, per_word = self._match(s, query.words)
            else:
                docs, per_word = set(reader.all_doc_ids()), None
            for name, value in query.filters.items():
                if name == "price_band":
                    value = BAND_KEYS.index(value) if value in BAND_KEYS else -1
                col, value = cols[FACET_FIELDS[name]], int(value)
                docs = {d for d in docs if col[d] == value}
            facets = {}
            for f in FACETS:
                col = cols[FACET_FIELDS[f]]
                facets[f] = {self._facet_key(f, k): v for k, v in Counter(map(col.__getitem__, docs)).items()}
            if scored:
                docs = sorted(docs)
                scores = self._scores(s, per_word, docs) if per_word else [1.0] * len(docs)
                in_stock, ocop = cols["in_stock"], cols["ocop"]
                # _Ranking.final from the columns in memory, once per distinct (score, stock, stars).
                final = _Memo(lambda key: -(_band(key[0]) + 0.1 * key[1] + 0.01 * key[2]))
                keys = map(final.__getitem__,
                           zip(scores, map(in_stock.__getitem__, docs), map(ocop.__getitem__, docs)))
                order = [d for _k, d in sorted(zip(keys, docs))]
            else:
                field, reverse = SORTED_BY[query.sort]
                col = cols[field]
                order = sorted(docs, key=lambda d: (col[d], d), reverse=reverse)
            start = (query.page - 1) * query.per_page
            ids = [int(reader.stored_fields(d)["id"]) for d in order[start:start + query.per_page]]
            return Hits(ids=ids, total=len(docs), facets=facets)

    @staticmethod
    def _scores(searcher, per_word, docs: list[int]) -> list[float]:
        """BM25F of each matching document (in the order of `docs`): per term weight * the
        term's scorer, summed in query order, as Whoosh sums it. The scorer depends only on
        (weight, field length), and few such pairs occur: each is computed once per term, and
        the per-document work runs in map() rather than a Python loop."""
        total = [0.0] * len(docs)
        weighting = searcher.weighting
        lengths = searcher.__dict__.setdefault("_choxa_lengths", {})
        field_length = searcher.doc_field_length
        docset = set(docs)
        for terms in per_word:
            for field, text, boost, groups in terms:
                if not groups:
                    continue
                scorer = weighting.scorer(searcher, field, searcher.schema[field].to_bytes(text))
                if field not in lengths:
                    lengths[field] = _Memo(lambda d, f=field: field_length(d, f, 1))
                dl, memo = lengths[field], _Memo(lambda key, s=scorer._score, b=boost: s(*key) * b)
                part = {}
                for weight, ids in groups.items():
                    hit = list(docset.intersection(ids))
                    if hit:
                        part.update(zip(hit, map(memo.__getitem__, zip(repeat(weight), map(dl.__getitem__, hit)))))
                if not part:
                    continue
                # Adding 0.0 where the term is absent leaves a sum unchanged.
                total = list(map(add, total, map(part.get, docs, repeat(0.0))))
        return total

    @staticmethod
    def _facet_key(name, key) -> str:
        if name == "price_band":
            return BAND_KEYS[int(key)] if 0 <= int(key) < len(BAND_KEYS) else ""
        return str(int(key))

    def suggest(self, words, limit):
        typed = " ".join(f for _a, f in words)
        key = typed[:SUGGEST_CHARS]
        names, stalls = [], []
        with self._searcher() as s:
            reader = s.reader()
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
        with self._searcher() as s:
            reader = s.reader()
            for _acc, fol in words:
                if any(reader.doc_frequency(f, fol) for f, _b in FOLDED_FIELDS) or fol in SYNONYMS:
                    fixed.append(fol)
                    continue
                best = None
                for field in ("name_f", "body_f"):
                    found = s.corrector(field).suggest(fol, limit=1, maxdist=2, prefix=1)
                    if found:
                        best = found[0]
                        break
                fixed.append(best or fol)
                changed |= best is not None
            if not changed:
                return None
            candidate = " ".join(fixed)
            docs, _terms = self._match(s, [(w, w) for w in fixed])
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
        writer = ix.writer()
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
            writer = ix.writer(limitmb=128)
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
        with self._searcher() as s:
            indexed = {int(f["id"]): f["fingerprint"] for f in s.all_stored_fields()}
        missing = set(wanted) - set(indexed)
        stale = {i for i, fp in indexed.items() if wanted.get(i) != fp}
        return missing, stale

    def doc_count(self) -> int:
        with self._searcher() as s:
            return s.doc_count()

    def size_bytes(self) -> int:
        current = self._current()
        if current is None:
            return 0
        path = os.path.join(self.dir, current["gen"])
        return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def _matches(text: str, typed: str) -> bool:
    """Does some word of `text` start the typed phrase ('vai th' in 'Vải thiều Lục Ngạn')?"""
    return (" " + " ".join(folded_words(text))).find(" " + typed) >= 0
