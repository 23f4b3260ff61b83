"""Write transactions on SQLite queue on a file lock beside the database and hand the turn on
once their changes are committed (SQLite's own busy handler let an unlucky writer wait seconds
under a burst of trace-page scans)."""
import fcntl

import pytest
from sqlalchemy import select, text

from marketplace.catalog.models import Product
from marketplace.core.transactions import queue_path, write_transaction
from marketplace.extensions import db


def turn_is_free(path) -> bool:
    """Could another writer take its turn now?"""
    with open(path, "a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
        return True


@pytest.mark.sqlite_only
def test_a_writer_holds_the_turn_until_its_changes_are_in(app, make):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    path = queue_path(db.engine.url.database)
    product = make.product(price=45000)
    write_transaction()
    assert not turn_is_free(path)
    product.price = 52000
    db.session.commit()
    assert turn_is_free(path)
    with db.engine.connect() as other:  # the next writer sees what the last one wrote
        assert other.scalar(select(Product.price).where(Product.id == product.id)) == 52000

    write_transaction()
    product.price = 1
    assert not turn_is_free(path)
    db.session.rollback()
    assert turn_is_free(path)
    assert db.session.get(Product, product.id).price == 52000


@pytest.mark.sqlite_only
def test_an_ordinary_transaction_does_not_take_the_turn(app, make):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    product = make.product(price=45000)
    product.price = 46000
    db.session.flush()
    assert turn_is_free(queue_path(db.engine.url.database))
    db.session.commit()


def test_only_a_relaxed_write_skips_waiting_for_the_disk(app, make):
    """A stamp scan's commit may return before the log is on disk; the transaction after it,
    on the same connection, is durable again."""
    make.product()
    sqlite = db.engine.dialect.name == "sqlite"
    setting = text("PRAGMA synchronous") if sqlite else text("SHOW synchronous_commit")
    relaxed, durable = (1, 2) if sqlite else ("off", "on")  # SQLite: NORMAL, FULL
    write_transaction(durable=False)
    assert db.session.scalar(setting) == relaxed
    db.session.commit()
    write_transaction()
    assert db.session.scalar(setting) == durable
    db.session.commit()
