"""Test fixtures. The suite runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL is set (the Makefile runs both passes)."""
import os
import tempfile

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import text

from marketplace import create_app, pagecache
from marketplace.config import TestConfig
from marketplace.extensions import db, limiter

from . import factories

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def _workdir():
    with tempfile.TemporaryDirectory(prefix="choxa-test-") as path:
        yield path


class Client(FlaskClient):
    """Requests reuse the test's app context, so `g` would leak between requests (and between
    clients: Flask-Login caches the user there). Each request starts with an empty `g`, as in
    production."""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(_workdir):
    class Config(TestConfig):
        # A file, not :memory:, so threads and processes in concurrency tests share it.
        SQLALCHEMY_DATABASE_URI = TEST_DATABASE_URL or f"sqlite:///{_workdir}/test.db"
        MEDIA_DIR = os.path.join(_workdir, "media")
        SEARCH_INDEX_DIR = os.path.join(_workdir, "search-index")
        PAGE_CACHE_DIR = os.path.join(_workdir, "pagecache")
        PAGE_CACHE_REDIS = ""  # one machine; tests/test_pagecache.py tries Redis itself
        INSTANCE_PATH = _workdir

    os.environ.setdefault("INSTANCE_DIR", _workdir)
    app = create_app(Config)
    app.test_client_class = Client
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(request, app):
    """Every test starts from empty tables, no cached pages and a fresh rate limiter."""
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    pagecache.bump(app)  # the tables were emptied behind the ORM's back
    limiter.reset()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make():
    """Factories: make.user(), make.commune(), make.stall(), make.product(), ..."""
    return factories


def login(client, user) -> None:
    """Log a user in without going through the rate-limited form."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
