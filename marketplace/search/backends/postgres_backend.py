"""PostgreSQL backend, for deployments where several machines share one database.

The committed-data follower (search/index.py) keeps one row per visible product in
search_documents, folded in Python exactly like the Whoosh index; queries match words with
trigram-indexed regular expressions and catch one-edit typos with pg_trgm word similarity."""
from sqlalchemy import case, delete, func, literal, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from ...extensions import db
from .. import documents
from ..analysis import SYNONYMS, folded_words, transpositions
from ..models import SearchDocument as D
from . import FACETS, Hits, Query, SearchBackend

TYPO_SIMILARITY = 0.45
FACET_COLUMNS = ("category_id", "province", "commune", "price_band", "ocop", "traceable")
WRITE_LOCK = 7_212_003  # pg_advisory_xact_lock key: one search writer at a time


def _word(column, pattern: str):
    # Words are \w+ only (analysis.query_tokens), so they are safe inside the regex.
    return column.op("~", is_comparison=True)(literal(r"\m" + pattern + r"\M"))


def _row(doc: dict) -> dict:
    return {
        "product_id": int(doc["id"]), "name": doc["name"], "stall": doc["stall"],
        "name_a": doc["name"].lower(), "name_f": " ".join(folded_words(doc["name"])),
        "stall_f": " ".join(folded_words(doc["stall"])),
        "body_f": " ".join(folded_words(" ".join((doc["category"], doc["stall"], doc["place"], doc["extra"],
                                                   doc["description"])))),
        "category_id": int(doc["category_id"]), "province": int(doc["province"]), "commune": int(doc["commune"]),
        "price_band": doc["price_band"], "ocop": int(doc["ocop"]), "in_stock": doc["in_stock"],
        "traceable": int(doc["traceable"]), "price": doc["price"], "created": doc["created"],
        "fingerprint": doc["fingerprint"],
    }


class PostgresBackend(SearchBackend):
    name = "postgres"

    # ---- reading -----------------------------------------------------------------------------

    def _rows(self, query: Query):
        where, score = [], literal(0.0)
        for acc, fol in query.words:
            alts = [fol] + ([SYNONYMS[fol]] if fol in SYNONYMS else []) + (transpositions(fol) if len(fol) >= 4 else [])
            either = "(" + "|".join(alts) + ")"
            match = _word(D.name_f, either) | _word(D.body_f, either)
            if len(fol) >= 4:
                match = match | literal(fol).op("<%", is_comparison=True)(D.name_f) | literal(fol).op("<%", is_comparison=True)(D.body_f)
            where.append(match)
            score = (score + 6 * func.word_similarity(fol, D.name_f) + 2 * func.word_similarity(fol, D.body_f)
                     + case((_word(D.name_a, acc), 8.0), else_=0.0)
                     + case((_word(D.name_f, either), 3.0), else_=0.0))
        for key, value in query.filters.items():
            column = getattr(D, "category_id" if key == "category" else key)
            where.append(column == (value if key == "price_band" else int(value)))
        db.session.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
                           {"t": str(TYPO_SIMILARITY)})
        columns = [D.product_id, D.price, D.created, D.ocop, D.in_stock, *(getattr(D, c) for c in FACET_COLUMNS)]
        return db.session.execute(select(*columns, score.label("score")).where(*where)).all()

    def search(self, query: Query) -> Hits:
        rows = self._rows(query)
        key = {
            "price_asc": lambda r: (r.price, -r.product_id),
            "price_desc": lambda r: (-r.price, -r.product_id),
            "newest": lambda r: (-r.created, -r.product_id),
        }.get(query.sort, lambda r: (-round(float(r.score), 1), -r.in_stock, -r.ocop, -r.product_id))
        rows.sort(key=key)
        facets = {name: {} for name in FACETS}
        for row in rows:
            for name, column in zip(FACETS, FACET_COLUMNS):
                value = str(getattr(row, column))
                facets[name][value] = facets[name].get(value, 0) + 1
        facets["traceable"].pop("0", None)
        start = (query.page - 1) * query.per_page
        return Hits(ids=[r.product_id for r in rows[start:start + query.per_page]], total=len(rows), facets=facets)

    def suggest(self, words, limit):
        typed = " ".join(f for _a, f in words)
        out = []
        for kind, name, folded, n in (("product", D.name, D.name_f, limit), ("stall", D.stall, D.stall_f, max(1, limit // 3))):
            names = db.session.scalars(select(name).where(folded.op("~", is_comparison=True)(literal(r"\m" + typed)))
                                       .group_by(name).order_by(func.count().desc(), name).limit(n))
            out += [(kind, value) for value in names]
        return out

    def correct(self, words):
        vocab = select(func.regexp_split_to_table(D.name_f, " ").label("w")).distinct().subquery()
        fixed, changed = [], False
        for _acc, fol in words:
            best = db.session.scalar(select(vocab.c.w).where(func.similarity(vocab.c.w, fol) > 0.3)
                                     .order_by(func.similarity(vocab.c.w, fol).desc(), vocab.c.w).limit(1))
            fixed.append(best or fol)
            changed |= bool(best) and best != fol
        return " ".join(fixed) if changed else None

    # ---- writing -----------------------------------------------------------------------------

    def apply(self, product_ids):
        if not product_ids:
            return
        with Session(db.engine) as session, session.begin():
            # Serialised and read under the lock, so the last writer writes the newest data.
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
            docs = documents.load(session, product_ids)
            gone = set(product_ids) - set(docs)
            if gone:
                session.execute(delete(D).where(D.product_id.in_(gone)))
            self._upsert(session, [_row(d) for d in docs.values()])

    @staticmethod
    def _upsert(session, rows):
        for start in range(0, len(rows), 1000):
            stmt = insert(D).values(rows[start:start + 1000])
            stmt = stmt.on_conflict_do_update(index_elements=[D.product_id],
                                              set_={c: stmt.excluded[c] for c in rows[0] if c != "product_id"})
            session.execute(stmt)

    def rebuild(self) -> int:
        count = 0
        with Session(db.engine) as session, session.begin():
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK})
            session.execute(delete(D))
            batch = []
            reader = Session(db.engine)
            try:
                for doc in documents.iter_all(reader):
                    batch.append(_row(doc))
                    if len(batch) == 1000:
                        self._upsert(session, batch)
                        count, batch = count + len(batch), []
            finally:
                reader.close()
            if batch:
                self._upsert(session, batch)
                count += len(batch)
        return count

    def check(self):
        with Session(db.engine) as session:
            wanted = {int(d["id"]): d["fingerprint"] for d in documents.iter_all(session)}
            indexed = dict(session.execute(select(D.product_id, D.fingerprint)).all())
        missing = set(wanted) - set(indexed)
        stale = {i for i, fp in indexed.items() if wanted.get(i) != fp}
        return missing, stale
