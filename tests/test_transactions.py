"""Write transactions on SQLite queue on a file lock beside the database and hand the turn on
once their changes are committed (SQLite's own busy handler let an unlucky writer wait seconds
under a burst of trace-page scans)."""
import fcntl
import threading

import pytest
from sqlalchemy import create_engine, event, select, text

from marketplace.catalog.models import Product
from marketplace.core import connections
from marketplace.core.transactions import end_request, queue_path, write_transaction
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


def in_own_request(app, work, exc=None) -> list[str]:
    """Run `work` as a request of its own would (its own app context, in its own thread) and end
    it as a request ends; returns how its transaction ended ("commit" / "rollback")."""
    ends, failures = [], []

    def note_commit(conn):
        ends.append("commit")

    def note_rollback(conn):
        ends.append("rollback")

    def run():
        try:
            with app.app_context():
                event.listen(db.session.connection(), "commit", note_commit)
                event.listen(db.session.connection(), "rollback", note_rollback)
                work()
                end_request(exc)
                db.session.remove()
        except Exception as error:  # reported to the test below
            failures.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not failures, failures
    return ends


def test_a_request_that_only_read_commits_so_the_database_keeps_its_plans(app, make):
    """psycopg forgets its prepared statements on every ROLLBACK: a page that only read ends
    with COMMIT, which means the same for a read."""
    product = make.product()
    db.session.commit()
    read = lambda: db.session.get(Product, product.id).name  # noqa: E731
    assert in_own_request(app, read)[:1] == ["commit"]
    assert in_own_request(app, read, exc=RuntimeError("the view failed"))[:1] == ["rollback"]


def test_a_request_that_wrote_without_committing_loses_its_writes(app, make):
    product = make.product(price=45000)
    db.session.commit()

    def flushed():
        db.session.get(Product, product.id).price = 1
        db.session.flush()

    def pending():
        db.session.get(Product, product.id).price = 2

    def raw():
        db.session.execute(text("UPDATE products SET price = 3 WHERE id = :id"), {"id": product.id})

    for work in (flushed, pending, raw):
        assert "commit" not in in_own_request(app, work)
    db.session.expire_all()
    assert db.session.get(Product, product.id).price == 45000


def test_a_connection_that_died_while_idle_in_the_pool_is_replaced(app, monkeypatch):
    """A restart or a firewall may drop a pooled connection: the next request still works."""
    engine = create_engine(db.engine.url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert conn.scalar(select(1)) == 1
        raw.close()  # dies while idle in the pool
        monkeypatch.setattr(connections, "IDLE_SECONDS", 0.0)
        with engine.connect() as conn:
            assert conn.scalar(select(1)) == 1
            assert conn.connection.dbapi_connection is not raw
    finally:
        engine.dispose()
