"""search: search_documents, the PostgreSQL search backend's folded copy of visible products

Revision ID: 0008_search
Revises: 0007_ledger
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_search"
down_revision = '0007_ledger'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # The trigram operator class for the GIN indexes below.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "search_documents",
        sa.Column("product_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("stall", sa.String(length=120), nullable=False),
        sa.Column("name_a", sa.Text(), nullable=False),
        sa.Column("name_f", sa.Text(), nullable=False),
        sa.Column("stall_f", sa.Text(), nullable=False),
        sa.Column("body_f", sa.Text(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("province", sa.Integer(), nullable=False),
        sa.Column("commune", sa.Integer(), nullable=False),
        sa.Column("price_band", sa.String(length=16), nullable=False),
        sa.Column("ocop", sa.Integer(), nullable=False),
        sa.Column("in_stock", sa.Integer(), nullable=False),
        sa.Column("traceable", sa.Integer(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_search_documents")),
    )
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.create_index("ix_search_documents_name_f", ["name_f"], unique=False,
                              postgresql_using="gin", postgresql_ops={"name_f": "gin_trgm_ops"})
        batch_op.create_index("ix_search_documents_body_f", ["body_f"], unique=False,
                              postgresql_using="gin", postgresql_ops={"body_f": "gin_trgm_ops"})


def downgrade():
    with op.batch_alter_table("search_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_search_documents_body_f")
        batch_op.drop_index("ix_search_documents_name_f")
    op.drop_table("search_documents")
