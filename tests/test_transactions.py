"""Write transactions on SQLite queue on a file lock beside the database and hand the turn on
once their changes are committed (SQLite's own busy handler let an unlucky writer wait seconds
under a burst of trace-page scans)."""
import fcntl

import pytest
from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.core.transactions import queue_path, write_transaction
from marketplace.extensions import db

pytestmark = pytest.mark.sqlite_only


def turn_is_free(path) -> bool:
    """Could another writer take its turn now?"""
    with open(path, "a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
        return True


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


def test_an_ordinary_transaction_does_not_take_the_turn(app, make):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    product = make.product(price=45000)
    product.price = 46000
    db.session.flush()
    assert turn_is_free(queue_path(db.engine.url.database))
    db.session.commit()
