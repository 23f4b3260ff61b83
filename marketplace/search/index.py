"""The index follows committed data (microblog's SearchableMixin idea, for several models).

After every flush the changed products, stalls, communes, villages and categories are noted on
the session; after the commit they are turned into product ids and handed to the backend; a
rollback forgets them. So a rolled-back change never reaches the index, and a stall that is
suspended (or a commune renamed) updates every product it shows.
"""
import logging

from flask import current_app, has_app_context
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from ..catalog.models import Category, Certification, Product, ProductImage
from ..communes.models import Commune, Village
from ..core.session_hooks import listen_once
from ..extensions import db
from ..stalls.models import Stall
from . import documents

log = logging.getLogger(__name__)

KEY = "search_pending"
# Only these attributes change what a product's document says.
WATCHED = {
    Stall: ("status", "name", "commune_id", "village_id"),
    Commune: ("name", "province_name", "province_code"),
    Village: ("name",),
    Category: ("name",),
}
_BUCKET = {Stall: "stalls", Commune: "communes", Village: "villages", Category: "categories"}
# Rows that belong to one product (product_id) and change its document.
PRODUCT_PARTS = {Certification, ProductImage}


def follow_product_part(model) -> None:
    """Reindex a product when a row of `model` (with a product_id) changes; for areas above
    catalog (e.g. trace's batches) that search must not import."""
    PRODUCT_PARTS.add(model)


def _changed(obj, attrs) -> bool:
    state = inspect(obj)
    return any(state.attrs[a].history.has_changes() for a in attrs)


def _pending(session) -> dict:
    return session.info.setdefault(KEY, {"products": set(), "stalls": set(), "communes": set(),
                                         "villages": set(), "categories": set()})


def note_products(session, product_ids) -> None:
    """For changes the ORM does not see (a bulk or conditional UPDATE, e.g. reserving stock at
    checkout): reindex these products once the session's transaction commits."""
    _pending(session)["products"].update(product_ids)


def _after_flush(session, _flush_context):
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = type(obj)
        if kind is Product:
            pending["products"].add(obj.id)
        elif kind in PRODUCT_PARTS:
            pending["products"].add(obj.product_id)
        elif kind in WATCHED and (obj in session.deleted or obj in session.new or _changed(obj, WATCHED[kind])):
            pending[_BUCKET[kind]].add(obj.id)


def _after_commit(session):
    pending = session.info.pop(KEY, None)
    if not pending or not any(pending.values()) or not has_app_context():
        return
    backend = current_app.extensions.get("search")
    if backend is None or not current_app.config.get("SEARCH_FOLLOW_COMMITS", True):
        return
    try:
        # The committed session cannot emit SQL here; a short separate one reads what is now true.
        with Session(db.engine) as reader:
            ids = {i for i in pending["products"] if i is not None}
            ids |= documents.product_ids_for(reader, pending["stalls"], pending["communes"],
                                             pending["villages"], pending["categories"])
        backend.apply(ids)
    except Exception:  # the user's change is committed; the index catches up via `flask search check`
        log.exception("search index update failed after commit")


def _after_transaction_end(session, transaction):
    # Runs after _after_commit on commit; on rollback or close it forgets the noted changes.
    if transaction.parent is None:
        session.info.pop(KEY, None)


def install_hooks() -> None:
    listen_once({"after_flush": _after_flush, "after_commit": _after_commit,
                 "after_transaction_end": _after_transaction_end})
