"""Transactions: those that write under concurrency and the SQLite settings they rely on, and
how a request's transaction ends (see end_request).

A service that reads and then writes (checkout, webhooks, a stamp scan) calls write_transaction().
On PostgreSQL that is an ordinary transaction (its row locks queue writers). On SQLite it begins
IMMEDIATE, taking the database's write lock up front so racing writers wait instead of failing on
a lock upgrade, and it first queues on a file lock beside the database: SQLite's own busy
handler polls with growing sleeps (up to 100 ms), so under a burst of writers an unlucky one lost
every round and waited seconds; the file lock hands the turn on as soon as a writer commits.
"""
import fcntl
import os

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..extensions import db

# Execution option of a connection whose transaction must begin as a SQLite write transaction.
SQLITE_IMMEDIATE = "sqlite_begin_immediate"
# Execution option: this transaction's commit need not wait for the disk (see write_transaction).
SQLITE_RELAXED = "sqlite_relaxed_commit"
_QUEUE = "sqlite_write_queue"  # key in the DBAPI connection's info: the open lock file
_RELAXED = "sqlite_relaxed"  # key in the DBAPI connection's info: synchronous is NORMAL now
_WROTE = "wrote"  # key in the DBAPI connection's info: this transaction ran something not a SELECT
_READING = "reading_connection"  # key in the session's info: the connection of its transaction


# PostgreSQL: this transaction's commit need not wait for the disk (SET LOCAL synchronous_commit
# TO OFF as an expression, so a statement can carry it instead of a round trip of its own).
RELAXED_COMMIT = func.set_config("synchronous_commit", "off", True)


def write_transaction(durable: bool = True) -> None:
    """End the session's current transaction (committing anything the caller left pending, so
    nothing is silently lost) and start one that may write safely under concurrency.

    `durable=False` is for frequent writes nobody would miss after a power cut (a stamp scan):
    the commit returns before the database's log reaches the disk (PostgreSQL's
    synchronous_commit off, SQLite's synchronous NORMAL), so a crash of the machine may lose the
    last moments of them, never consistency; the next durable commit flushes them with it. A
    scan is the one write a public page makes, so it should not wait on the disk with the
    other writers queued behind it."""
    db.session.commit()
    conn = db.session.connection(execution_options={SQLITE_IMMEDIATE: True, SQLITE_RELAXED: not durable})
    if not durable and conn.dialect.name == "postgresql":
        conn.execute(select(RELAXED_COMMIT))


def single_statement_writes():
    """PostgreSQL: end the session's current transaction and give a connection whose statements
    each commit on their own (autocommit). A write that is one statement then costs one round
    trip instead of three (BEGIN, the statement, COMMIT); on a small machine a round trip costs
    as much as the statement. Only for writes that are whole in one statement."""
    db.session.commit()
    return db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def end_request(exc: BaseException | None) -> None:
    """At the end of a request, COMMIT a transaction that only read instead of letting the session
    roll it back. For a read they mean the same, but psycopg forgets every prepared statement on
    a ROLLBACK, so PostgreSQL would plan each page's queries afresh on every request. A request
    that failed, or whose transaction ran anything but a SELECT, is rolled back as before."""
    if not db.session.registry.has():
        return  # the request never used the database (a page from the cache)
    session = db.session
    conn = session.info.pop(_READING, None)
    if (exc is None and conn is not None and not conn.closed and not conn.info.get(_WROTE)
            and not (session.new or session.dirty or session.deleted)):
        session.commit()


@event.listens_for(Session, "after_begin")
def _remember_connection(session, transaction, connection):
    session.info[_READING] = connection


@event.listens_for(Engine, "begin")
def _forget_writes(conn):
    conn.info.pop(_WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[_WROTE] = True


def queue_path(database: str | None) -> str | None:
    """The lock file SQLite writers queue on; None for an in-memory database."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database) + ".writers"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL so readers never block the writer; a busy timeout instead of 'database is locked'."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    # pysqlite sees the open transaction and does not begin another; transactions without the
    # option keep pysqlite's default handling.
    if conn.dialect.name != "sqlite" or not conn.get_execution_options().get(SQLITE_IMMEDIATE):
        return
    info = conn.connection.info
    if _QUEUE not in info:
        path = queue_path(conn.engine.url.database)
        info[_QUEUE] = open(path, "a+b") if path else None  # one open file per connection: flock is per open file
    queue = info[_QUEUE]
    if queue is not None:
        fcntl.flock(queue, fcntl.LOCK_EX)
    try:
        if conn.get_execution_options().get(SQLITE_RELAXED):
            conn.exec_driver_sql("PRAGMA synchronous=NORMAL")  # only outside a transaction
            info[_RELAXED] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _leave_queue(conn)
        raise


@event.listens_for(Engine, "commit")
def _sqlite_commit(conn):
    # This event comes before SQLAlchemy's commit: commit here (its own is then a no-op), so the
    # next writer gets its turn only once this one's changes are in.
    if conn.dialect.name == "sqlite" and conn.connection.info.get(_QUEUE) is not None:
        conn.connection.dbapi_connection.commit()
        _leave_queue(conn)


@event.listens_for(Engine, "rollback")
def _sqlite_rollback(conn):
    if conn.dialect.name == "sqlite" and conn.connection.info.get(_QUEUE) is not None:
        conn.connection.dbapi_connection.rollback()
        _leave_queue(conn)


def _leave_queue(conn) -> None:
    info = conn.connection.info
    if info.pop(_RELAXED, False):
        conn.connection.dbapi_connection.execute("PRAGMA synchronous=FULL")
    queue = info.get(_QUEUE)
    if queue is not None:
        fcntl.flock(queue, fcntl.LOCK_UN)  # unlocking a lock not held is harmless
