"""Search: the extensions and folding function (unaccent, đ -> d) the `postgres` search
backend uses. SQLite has nothing to do (the Whoosh index lives on disk).

No trigram index here: the backend scores whole documents across joined tables, which an
expression index on one column cannot serve, and Alembic's model comparison cannot see one.

Revision ID: 0002_search
Revises: 0001_foundation
"""
from alembic import op

revision = "0002_search"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

FOLD = ("CREATE OR REPLACE FUNCTION choxa_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE "
        "AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, "
        "translate(coalesce(value, ''), 'đĐ', 'dD'))) $$")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(FOLD)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS choxa_fold(text)")
