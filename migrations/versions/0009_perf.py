"""perf: indexes serving the storefront's newest-first listings

Revision ID: 0009_perf
Revises: 0008_search
Create Date: 2026-11-22 03:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0009_perf"
down_revision = "0008_search"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index("ix_products_order_newest", ["featured", "created_at", "id"], unique=False)
        batch_op.create_index("ix_products_newest", ["status", "hidden", "deleted_at", "featured", "created_at", "id"],
                               unique=False)
        batch_op.create_index("ix_products_category_newest", ["category_id", "status", "hidden", "deleted_at", "featured", "created_at", "id"], unique=False)
        batch_op.create_index("ix_products_stall_newest", ["stall_id", "status", "hidden", "deleted_at", "featured", "created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_index("ix_products_stall_newest")
        batch_op.drop_index("ix_products_category_newest")
        batch_op.drop_index("ix_products_newest")
        batch_op.drop_index("ix_products_order_newest")
