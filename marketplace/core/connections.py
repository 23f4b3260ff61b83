"""Database connections checked before use only when they sat idle in the pool.

SQLAlchemy's pool_pre_ping costs one round trip on every request; on a small machine a round
trip to PostgreSQL takes about half a millisecond, as long as a whole query. A connection
handed back moments ago is alive in all but the rarest cases (a database restarted within those
seconds, which fails requests anyway); one that waited longer may have been dropped by a
restart or a firewall, so it is pinged, and replaced when the ping fails."""
import time

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

IDLE_SECONDS = 5.0
_RETURNED = "returned_at"  # key in the pool record's info: when the connection came back


@event.listens_for(Pool, "checkin")
def _note_return(dbapi_connection, record):
    if record is not None:
        record.info[_RETURNED] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection, record, proxy):
    returned = record.info.get(_RETURNED)
    if returned is None or time.monotonic() - returned < IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:  # whatever the driver raises for a dead connection
        # The pool throws this connection away and checks out (or opens) another.
        raise DisconnectionError("the connection died while idle in the pool") from exc
