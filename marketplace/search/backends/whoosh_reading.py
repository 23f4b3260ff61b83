"""Reading the Whoosh index fast, in bounded memory.

A query is answered with set operations over whole posting lists and columns held as compact
arrays, scoring only the matching documents: the same results as Whoosh's own collectors
(BM25F per term, summed, then Ranking.final) without stepping a tree of matchers through every
posting in Python. What is decoded belongs to one `View` of the index; when the index changes
the view is closed and all of it is dropped at once. Nothing decoded refers back to the
searcher, so no reference cycle keeps an old view (and its memory-mapped segments) alive.

Bulk reading uses the layout of Whoosh's W3 codec (leaf matchers' blocks, fixed-width numeric
columns); other layouts fall back to Whoosh's public per-item API with the same results.
"""
import heapq
import math
import sys
from array import array
from collections import Counter, OrderedDict
from itertools import repeat
from operator import add

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.columns import NumericColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from .. import documents
from ..analysis import SYNONYMS, transpositions
from . import FACETS, Hits

POSTINGS_CACHED = 1_000_000  # decoded postings kept per view: ~4 MB of docnums at most
# Answered queries kept per view: the season's searches repeat until the index changes, and
# counting the facets of 17,000 matches is most of a query.
RESULTS_CACHED = 256

# (field, boost): the name counts most; category, stall, places, certifications and description
# share one field (fewer fields per word is what keeps Whoosh fast at 100,000 products).
FOLDED_FIELDS = (("name_f", 6.0), ("body_f", 2.0))
TYPO_FIELDS = (("name_f", 3.0), ("body_f", 1.0))
SORTED_BY = {"price_asc": ("price", False), "price_desc": ("price", True), "newest": ("created", True)}
BAND_KEYS = [key for key, _lo, _hi in documents.PRICE_BANDS]
# Facets are small integers in fixed-width columns: cheap to count over many matches.
FACET_FIELDS = {"category": "category_id", "province": "province", "commune": "commune",
                "price_band": "price_band", "ocop": "ocop", "traceable": "traceable"}
COLUMNS = sorted(set(FACET_FIELDS.values()) | {"in_stock", "ocop", "price", "created"})

_BAND = math.log(1.05)


def band(score: float) -> int:
    return math.floor(math.log(score) / _BAND) if score > 0 else -1000


class Ranking(BM25F):
    """Relevance first; among equally relevant products, in stock before sold out, then more
    OCOP stars. Scores within about 5% of each other count as equally relevant (field lengths
    make BM25 scores of equally good matches differ in the last digits). Whoosh's collectors
    use this; the fast path computes the same from its columns."""

    use_final = True

    def final(self, searcher, docnum, score):
        cols = searcher.__dict__.get("_ranking_cols")
        if cols is None:
            reader = searcher.reader()
            cols = searcher._ranking_cols = (reader.column_reader("in_stock"), reader.column_reader("ocop"))
        return band(score) + 0.1 * cols[0][docnum] + 0.01 * cols[1][docnum]


class Memo(dict):
    """A dict that computes a missing value once."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self[key] = self.compute(key)
        return value


# ---- bulk reading, one segment at a time ---------------------------------------------------------

def _fixed_width(column_reader) -> array | None:
    """A fixed-width numeric column of one segment as an array, in one read; None when the
    column is stored another way."""
    raw = column_reader
    if not (isinstance(raw, NumericColumn.Reader) and raw._count == raw._doccount
            and raw._typecode in "bBhHiIlLqQ"):
        return None
    values = array(raw._typecode)
    values.frombytes(raw._dbfile.get(raw._basepos, raw._count * raw._fixedlen))
    if sys.byteorder == "little" and values.itemsize > 1:
        values.byteswap()  # stored big-endian
    return values


def column_array(reader, name) -> array:
    """A numeric column by docnum, as stored: the field's sortable form (to_column_value), which
    orders as the numbers do. Translating 100,000 values per column on every index change
    would cost more than the rest of a query; the few values a query compares or shows are
    translated instead."""
    values = None
    for segment, _offset in reader.leaf_readers():
        raw = segment.column_reader(name, translate=False)
        part = _fixed_width(raw)
        if part is None:  # a small segment stored another way: one value at a time
            part = map(raw.__getitem__, range(segment.doc_count_all()))
        if values is None:
            values = part if isinstance(part, array) else array("Q", part)
        else:
            values.extend(part if getattr(part, "typecode", None) == values.typecode else array(values.typecode, part))
    return values if values is not None else array("Q")


def length_bytes(reader, field: str) -> bytes:
    """Each document's length in `field` as Whoosh stores it (one byte, see byte_to_length)."""
    parts = []
    for segment, _offset in reader.leaf_readers():
        count = segment.doc_count_all()
        perdoc = getattr(segment, "_perdoc", None)
        column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN) if hasattr(perdoc, "_cached_reader") else None
        bulk = _fixed_width(column) if column is not None else None
        if bulk is not None:
            parts.append(bulk.tobytes())
        else:  # the public API gives lengths, not bytes: map them back
            parts.append(bytes(length_to_byte(segment.doc_field_length(d, field, 0) or 0) for d in range(count)))
    return b"".join(parts)


def read_postings(reader, field, btext) -> tuple[array, array]:
    """(docnums, weights) of one term, in docnum order, deleted documents left out."""
    ids, weights = array("i"), array("f")
    for segment, offset in reader.leaf_readers():
        if (field, btext) not in segment:
            continue
        m = segment.postings(field, btext)
        if isinstance(m, FilterMatcher):
            m = m.child  # deletions are left out below, from a set, rather than a posting at a time
        seg_ids, seg_weights = array("i"), array("f")
        if hasattr(m, "_read_weights"):
            # A leaf matcher: take whole blocks; a posting at a time costs several Python calls.
            while m.is_active():
                m._read_ids()
                m._read_weights()
                seg_ids.extend(m._ids)
                seg_weights.extend(m._weights)
                m._next_block()
        else:
            while m.is_active():
                seg_ids.append(m.id())
                seg_weights.append(m.weight())
                m.next()
        deleted = set(segment.segment().deleted_docs()) if segment.has_deletions() else ()
        if deleted or offset:
            kept = [(d + offset, w) for d, w in zip(seg_ids, seg_weights) if d not in deleted]
            seg_ids, seg_weights = array("i", (d for d, _w in kept)), array("f", (w for _d, w in kept))
        ids.extend(seg_ids)
        weights.extend(seg_weights)
    return ids, weights


# ---- one view of the index ---------------------------------------------------------------------

class View:
    """A searcher and what the fast path decoded from it: the columns, field lengths and the
    postings of recently asked terms (least recently used dropped past POSTINGS_CACHED)."""

    def __init__(self, ix):
        self.searcher = ix.searcher(weighting=Ranking())
        self.reader = self.searcher.reader()
        self._columns: dict[str, array] | None = None
        self._lengths: dict[str, bytes] = {}
        self._postings: OrderedDict = OrderedDict()
        self._cached = 0
        self._results: OrderedDict = OrderedDict()

    def up_to_date(self) -> bool:
        return self.searcher.up_to_date()

    def close(self) -> None:
        self._columns, self._lengths, self._postings, self._results = None, {}, OrderedDict(), OrderedDict()
        self.searcher.close()

    def columns(self) -> dict[str, array]:
        if self._columns is None:
            self._columns = {n: column_array(self.reader, n) for n in COLUMNS}
        return self._columns

    def value(self, column: str, stored: int):
        """A column's stored value as the number it stands for."""
        return self.searcher.schema[column].from_column_value(stored)

    def stored(self, column: str, value: int) -> int:
        return self.searcher.schema[column].to_column_value(value)

    def lengths(self, field: str) -> bytes:
        if field not in self._lengths:
            self._lengths[field] = length_bytes(self.reader, field)
        return self._lengths[field]

    def postings(self, field, text) -> dict[float, array]:
        """{weight: docnums} of a term. Docnums grouped by weight (a term count: few distinct
        values), so that a query scores a whole group at once."""
        key = (field, text)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        ids, weights = read_postings(self.reader, field, self.searcher.schema[field].to_bytes(text))
        found = {}
        for d, w in zip(ids, weights):
            group = found.get(w)
            if group is None:
                group = found[w] = array("i")
            group.append(d)
        self._postings[key] = found
        self._cached += len(ids)
        while self._cached > POSTINGS_CACHED and len(self._postings) > 1:
            self._cached -= sum(map(len, self._postings.popitem(last=False)[1].values()))
        return found

    # ---- queries ---------------------------------------------------------------------------

    def word_terms(self, fol: str, acc: str) -> list[tuple[str, str, float]]:
        """(field, text, boost) of every term standing for one typed word. A word the index
        does not know is taken as a typo: its known neighbours within one edit (or one swap of
        letters) stand in for it."""
        reader = self.reader
        alts = [("name_a", acc, 8.0)] + [(f, fol, b) for f, b in FOLDED_FIELDS]
        if fol in SYNONYMS:
            alts += [(f, SYNONYMS[fol], b * 0.5) for f, b in FOLDED_FIELDS]
        if len(fol) >= 4 and not self.knows(fol):
            for field, boost in TYPO_FIELDS:
                near = set(reader.terms_within(field, fol, 1, prefix=1))
                near |= {t for t in transpositions(fol) if reader.doc_frequency(field, t)}
                alts += [(field, t, boost) for t in sorted(near)]
        return alts

    def knows(self, fol: str) -> bool:
        return any(self.reader.doc_frequency(f, fol) for f, _b in FOLDED_FIELDS)

    def match(self, words):
        """(matching docnums, per word the (field, text, boost, postings) of its terms). The
        word with the fewest postings goes first; the others are only probed against what
        still matches, which never builds a set of a long posting list."""
        per_word = [[(f, t, b, self.postings(f, t)) for f, t, b in self.word_terms(fol, acc)]
                    for acc, fol in words]
        arrays = [[ids for _f, _t, _b, p in terms for ids in p.values()] for terms in per_word]
        arrays.sort(key=lambda a: sum(map(len, a)))
        docs = set().union(*arrays[0])
        for word in arrays[1:]:
            docs = set().union(*(docs.intersection(ids) for ids in word))
        return docs, per_word

    def search(self, query) -> Hits:
        """The answer to `query`, from the results cache when this view answered it before
        (a copy: callers may change what they get)."""
        key = (tuple(query.words), tuple(sorted(query.filters.items())), query.sort, query.page, query.per_page)
        hits = self._results.get(key)
        if hits is None:
            hits = self._results[key] = self.answer(query)
            if len(self._results) > RESULTS_CACHED:
                self._results.popitem(last=False)
        else:
            self._results.move_to_end(key)
        return Hits(ids=list(hits.ids), total=hits.total, facets={f: dict(c) for f, c in hits.facets.items()})

    def answer(self, query) -> Hits:
        cols = self.columns()
        scored = query.sort not in SORTED_BY
        if query.words:
            docs, per_word = self.match(query.words)
        else:
            docs, per_word = set(self.reader.all_doc_ids()), None
        for name, value in query.filters.items():
            if name == "price_band":
                value = BAND_KEYS.index(value) if value in BAND_KEYS else -1
            column = FACET_FIELDS[name]
            col, value = cols[column], self.stored(column, int(value))
            docs = {d for d in docs if col[d] == value}
        facets = {}
        for f in FACETS:
            column = FACET_FIELDS[f]
            counts = Counter(map(cols[column].__getitem__, docs))
            facets[f] = {facet_key(f, self.value(column, k)): v for k, v in counts.items()}
        start = (query.page - 1) * query.per_page
        end = start + query.per_page
        if scored:
            docs = sorted(docs)
            scores = self.scores(per_word, docs) if per_word else [1.0] * len(docs)
            # Ranking.final from the columns in memory, once per distinct (score, stock, stars).
            final = Memo(lambda key: -(band(key[0]) + 0.1 * self.value("in_stock", key[1])
                                       + 0.01 * self.value("ocop", key[2])))
            keys = map(final.__getitem__, zip(scores, map(cols["in_stock"].__getitem__, docs),
                                              map(cols["ocop"].__getitem__, docs)))
            # Only the pages up to this one are ordered: a heap of them, not a sort of all matches.
            order = [d for _k, d in heapq.nsmallest(end, zip(keys, docs))]
        else:
            # Stored values order as the numbers do.
            field, reverse = SORTED_BY[query.sort]
            col = cols[field]
            order = (heapq.nlargest if reverse else heapq.nsmallest)(end, docs, key=lambda d: (col[d], d))
        ids = [int(self.reader.stored_fields(d)["id"]) for d in order[start:end]]
        return Hits(ids=ids, total=len(docs), facets=facets)

    def scores(self, per_word, docs: list[int]) -> list[float]:
        """BM25F of each matching document (in the order of `docs`): per term weight * the
        term's scorer, summed in query order, as Whoosh sums it. The scorer depends only on
        (weight, stored length byte), and few such pairs occur: each is computed once per term,
        and the per-document work runs in map() rather than a Python loop."""
        total = [0.0] * len(docs)
        searcher = self.searcher
        docset = set(docs)
        for terms in per_word:
            for field, text, boost, groups in terms:
                if not groups:
                    continue
                score = searcher.weighting.scorer(searcher, field, searcher.schema[field].to_bytes(text))._score
                lengths = self.lengths(field)
                memo = Memo(lambda key, s=score, b=boost: s(key[0], byte_to_length(key[1])) * b)
                part = {}
                for weight, ids in groups.items():
                    hit = list(docset.intersection(ids))
                    if hit:
                        part.update(zip(hit, map(memo.__getitem__, zip(repeat(weight), map(lengths.__getitem__, hit)))))
                if part:
                    # Adding 0.0 where the term is absent leaves a sum unchanged.
                    total = list(map(add, total, map(part.get, docs, repeat(0.0))))
        return total


def facet_key(name, key) -> str:
    if name == "price_band":
        return BAND_KEYS[int(key)] if 0 <= int(key) < len(BAND_KEYS) else ""
    return str(int(key))
