"""refund checks: pending gateway refunds are looked up until the provider settles them

Revision ID: 0010_refund_checks
Revises: 0009_perf
Create Date: 2026-11-23 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_refund_checks"
down_revision = "0009_perf"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_refunds_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refunds_status"))
        batch_op.drop_column("checked_at")
