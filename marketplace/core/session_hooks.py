"""Listeners on every SQLAlchemy session, for areas that follow what commits (the search index,
the page cache)."""
from sqlalchemy import event
from sqlalchemy.orm import Session


def listen_once(hooks: dict) -> None:
    """Listen to these Session events (name -> function) once per process, however many apps
    are created (tests create several)."""
    for name, hook in hooks.items():
        if not event.contains(Session, name, hook):
            event.listen(Session, name, hook)
