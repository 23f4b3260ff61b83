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

    def _base(self, query: Query):
        name_f, other_f, band = self._columns()
        name_a = func.lower(Product.name)
        score = literal(0.0)
        base = (visible_products().with_only_columns(Product.id)
                .join(Product.category).join(Stall.commune).outerjoin(Stall.village))
        for acc, fol in query.words:
            alts = [fol] + ([SYNONYMS[fol]] if fol in SYNONYMS else []) + (transpositions(fol) if len(fol) >= 4 else [])
            either = "(" + "|".join(alts) + ")"
            match = _word(name_f, either) | _word(other_f, either)
            if len(fol) >= 4:
                match = match | (func.word_similarity(fol, name_f) >= TYPO_SIMILARITY) \
                    | (func.word_similarity(fol, other_f) >= TYPO_SIMILARITY)
            base = base.where(match)
            score = score + 6 * func.word_similarity(fol, name_f) + 2 * func.word_similarity(fol, other_f) \
                + case((_word(name_a, acc), 8.0), else_=0.0) + case((_word(name_f, either), 3.0), else_=0.0)
        f = query.filters
        columns = {"category": Product.category_id, "province": Commune.province_code, "commune": Commune.id,
                   "ocop": func.coalesce(Product.ocop_stars, 0)}
        for key, column in columns.items():
            if f.get(key):
                base = base.where(cast(column, Integer) == int(f[key]))
        if f.get("price_band"):
            base = base.where(band == f["price_band"])
        if f.get("traceable") == "1":
            base = base.where(literal(False))  # no product has batches through this backend yet
        facet_cols = {"category": Product.category_id, "province": Commune.province_code,
                      "commune": Commune.id, "price_band": band, "ocop": func.coalesce(Product.ocop_stars, 0)}
        return base, score, facet_cols

    def search(self, query: Query) -> Hits:
        self._setup()
        base, score, facet_cols = self._base(query)
        in_stock = case((Product.stock_milli >= Product.min_milli, 1), else_=0)
        order = {
            "price_asc": (Product.price.asc(), Product.id.desc()),
            "price_desc": (Product.price.desc(), Product.id.desc()),
            "newest": (Product.created_at.desc(), Product.id.desc()),
        }.get(query.sort, (func.round(cast(score, db.Numeric), 1).desc(), in_stock.desc(),
                           func.coalesce(Product.ocop_stars, 0).desc(), Product.id.desc()))
        page = base.order_by(*order).limit(query.per_page).offset((query.page - 1) * query.per_page)
        ids = list(db.session.scalars(page))
        facets = {}
        for name, column in facet_cols.items():
            rows = db.session.execute(base.with_only_columns(column, func.count()).group_by(column))
            facets[name] = {str(v): n for v, n in rows}
        facets["traceable"] = {}
        total = sum(facets["category"].values())
        return Hits(ids=ids, total=total, facets={k: facets.get(k, {}) for k in FACETS})

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
