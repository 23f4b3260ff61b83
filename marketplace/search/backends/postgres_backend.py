"""PostgreSQL backend: no index of its own, it queries the live (committed) tables, so several
machines can share it. Folding is unaccent (which also maps đ -> d) in an IMMUTABLE wrapper so
it can be indexed; one-edit typos on 4+ letter words are caught by pg_trgm word similarity."""
from sqlalchemy import Integer, case, cast, func, literal, select, text

from ...catalog.models import Category, Product
from ...catalog.services import visible_products
from ...communes.models import Commune, Village
from ...extensions import db
from ...stalls.models import Stall
from ..analysis import SYNONYMS, transpositions
from ..documents import PRICE_BANDS
from . import FACETS, Hits, Query, SearchBackend

SETUP = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE OR REPLACE FUNCTION choxa_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate(coalesce(value, ''), 'đĐ', 'dD'))) $$",
)
TYPO_SIMILARITY = 0.45
FACET_COLUMNS = ("category", "province", "commune", "price_band", "ocop")


def ensure_setup(connection) -> None:
    exists = connection.execute(text("SELECT 1 FROM pg_proc WHERE proname = 'choxa_fold'")).first()
    if not exists:
        for statement in SETUP:
            connection.execute(text(statement))


def _word(column, word: str):
    # Words are \w+ only (analysis.query_tokens), so they are safe inside the regex.
    return column.op("~")(literal(r"\m" + word + r"\M"))


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self):
        self._ready = False

    def _setup(self):
        if not self._ready:
            with db.engine.begin() as conn:
                ensure_setup(conn)
            self._ready = True

    def _columns(self):
        name_f = func.choxa_fold(Product.name)
        other_f = func.choxa_fold(func.concat_ws(
            " ", Category.name, Stall.name, Village.name, Commune.name, Commune.province_name,
            Product.description))
        band = case(*[(Product.price < hi, literal(key)) for key, _lo, hi in PRICE_BANDS if hi],
                    else_=literal(PRICE_BANDS[-1][0]))
        return name_f, other_f, band

    def _matches(self, query: Query):
        """One scan: every visible product that matches, with its score and facet values.
        Folding is computed once per row in a materialized CTE, not once per use."""
        name_f, other_f, band = self._columns()
        rows = (visible_products().with_only_columns(
            Product.id.label("id"), Product.price.label("price"), Product.created_at.label("created"),
            func.coalesce(Product.ocop_stars, 0).label("ocop"),
            case((Product.stock_milli >= Product.min_milli, 1), else_=0).label("in_stock"),
            Product.category_id.label("category"), Commune.province_code.label("province"),
            Commune.id.label("commune"), band.label("price_band"),
            func.lower(Product.name).label("name_a"), name_f.label("name_f"), other_f.label("other_f"))
            .join(Product.category).join(Stall.commune).outerjoin(Stall.village))
        f = query.filters
        for key, column in {"category": Product.category_id, "province": Commune.province_code,
                            "commune": Commune.id, "ocop": func.coalesce(Product.ocop_stars, 0)}.items():
            if f.get(key):
                rows = rows.where(cast(column, Integer) == int(f[key]))
        if f.get("price_band"):
            rows = rows.where(band == f["price_band"])
        if f.get("traceable") == "1":
            rows = rows.where(literal(False))  # no product has batches through this backend yet
        docs = rows.cte("docs").prefix_with("MATERIALIZED")
        score = literal(0.0)
        where = []
        for acc, fol in query.words:
            alts = [fol] + ([SYNONYMS[fol]] if fol in SYNONYMS else []) + (transpositions(fol) if len(fol) >= 4 else [])
            either = "(" + "|".join(alts) + ")"
            match = _word(docs.c.name_f, either) | _word(docs.c.other_f, either)
            if len(fol) >= 4:
                match = match | (func.word_similarity(fol, docs.c.name_f) >= TYPO_SIMILARITY) \
                    | (func.word_similarity(fol, docs.c.other_f) >= TYPO_SIMILARITY)
            where.append(match)
            score = score + 6 * func.word_similarity(fol, docs.c.name_f) \
                + 2 * func.word_similarity(fol, docs.c.other_f) \
                + case((_word(docs.c.name_a, acc), 8.0), else_=0.0) + case((_word(docs.c.name_f, either), 3.0), else_=0.0)
        cols = [docs.c[k] for k in ("id", "price", "created", "ocop", "in_stock", *FACET_COLUMNS)]
        return db.session.execute(select(*cols, score.label("score")).where(*where)).all()

    def search(self, query: Query) -> Hits:
        self._setup()
        rows = self._matches(query)
        key = {
            "price_asc": lambda r: (r.price, -r.id),
            "price_desc": lambda r: (-r.price, -r.id),
            "newest": lambda r: (-r.created.timestamp(), -r.id),
        }.get(query.sort, lambda r: (-round(float(r.score), 1), -r.in_stock, -r.ocop, -r.id))
        rows.sort(key=key)
        start = (query.page - 1) * query.per_page
        facets = {name: {} for name in FACETS}
        for row in rows:
            for name in FACET_COLUMNS:
                value = str(getattr(row, name))
                facets[name][value] = facets[name].get(value, 0) + 1
        return Hits(ids=[r.id for r in rows[start:start + query.per_page]], total=len(rows), facets=facets)

    def suggest(self, words, limit):
        self._setup()
        *head, last = [f for _a, f in words]
        out = []
        for kind, column in (("product", Product.name), ("stall", Stall.name)):
            folded = func.choxa_fold(column)
            query = visible_products().with_only_columns(column).where(
                folded.op("~")(literal(r"\m" + last)))
            for word in head:
                query = query.where(_word(folded, word))
            n = limit if kind == "product" else max(1, limit // 3)
            names = db.session.scalars(query.group_by(column).order_by(func.count().desc(), column).limit(n))
            out += [(kind, name) for name in names]
        return out

    def correct(self, words):
        self._setup()
        vocab = (select(func.regexp_split_to_table(func.choxa_fold(Product.name), r"\W+").label("w"))
                 .where(Product.id.in_(visible_products().with_only_columns(Product.id))).distinct().subquery())
        fixed, changed = [], False
        for _acc, fol in words:
            best = db.session.scalar(select(vocab.c.w).where(func.similarity(vocab.c.w, fol) > 0.3)
                                     .order_by(func.similarity(vocab.c.w, fol).desc()).limit(1))
            fixed.append(best or fol)
            changed |= bool(best) and best != fol
        return " ".join(fixed) if changed else None
