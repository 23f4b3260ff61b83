"""Database ids are 32-bit integer columns: a bigger number from a URL, form or JSON body is
no row at all, and must be a 404/None rather than a database error (PostgreSQL refuses it)."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def as_id(value) -> int | None:
    """A positive id that fits the columns, or None for anything else."""
    if isinstance(value, bool):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if 0 < value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """`<id:name>` in routes: a positive integer within the id columns' range."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)
