"""ledger: gateway payments, refunds and the stalls' append-only ledger

Revision ID: 0007_ledger
Revises: 0006_admin
Create Date: 2026-11-22 02:50:23.607408

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_ledger'
down_revision = "0006_admin"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('gateway_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=12), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('stall_order_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('redirect_url', sa.Text(), nullable=False),
    sa.Column('provider_ref', sa.String(length=80), nullable=False),
    sa.Column('transaction_id', sa.String(length=80), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_gateway_payments_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_payments')),
    sa.UniqueConstraint('reference', name=op.f('uq_gateway_payments_reference'))
    )
    with op.batch_alter_table('gateway_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gateway_payments_order_id'), ['order_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stall_id', sa.Integer(), nullable=False),
    sa.Column('stall_order_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_ledger_entries_actor_id_users')),
    sa.ForeignKeyConstraint(['stall_id'], ['stalls.id'], name=op.f('fk_ledger_entries_stall_id_stalls')),
    sa.ForeignKeyConstraint(['stall_order_id'], ['stall_orders.id'], name=op.f('fk_ledger_entries_stall_order_id_stall_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_ledger_entries_stall_created', ['stall_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_stall_order_id'), ['stall_order_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stall_order_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=12), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('provider_reference', sa.String(length=80), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('after_delivery', sa.Boolean(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_refunds_actor_id_users')),
    sa.ForeignKeyConstraint(['stall_order_id'], ['stall_orders.id'], name=op.f('fk_refunds_stall_order_id_stall_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_stall_order_id'), ['stall_order_id'], unique=False)



def downgrade():

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_stall_order_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_stall_order_id'))
        batch_op.drop_index('ix_ledger_entries_stall_created')
        batch_op.drop_index(batch_op.f('ix_ledger_entries_created_at'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('gateway_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gateway_payments_order_id'))

    op.drop_table('gateway_payments')
