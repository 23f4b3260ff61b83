"""Migrations build the same schema as the models, from empty, on SQLite and PostgreSQL."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from marketplace import create_app
from marketplace.config import TestConfig
from marketplace.extensions import db
from tests.conftest import TEST_DATABASE_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path}/migrations.db"
        return
    name = f"choxa_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_from_empty_match_models(empty_database_url, tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url
        MEDIA_DIR = str(tmp_path / "media")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
