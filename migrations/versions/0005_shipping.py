"""shipping: shipments (one per stall order) and their tracking events

Revision ID: 0005_shipping
Revises: 0004_orders
Create Date: 2026-11-22 02:47:35.917308

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_shipping'
down_revision = '0004_orders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stall_order_id', sa.Integer(), nullable=False),
    sa.Column('stall_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('carrier', sa.String(length=16), nullable=False),
    sa.Column('service', sa.String(length=12), nullable=False),
    sa.Column('tracking_number', sa.String(length=40), nullable=False),
    sa.Column('weight_grams', sa.Integer(), nullable=False),
    sa.Column('length_cm', sa.Integer(), nullable=True),
    sa.Column('width_cm', sa.Integer(), nullable=True),
    sa.Column('height_cm', sa.Integer(), nullable=True),
    sa.Column('cod_amount', sa.Integer(), nullable=False),
    sa.Column('allow_inspection', sa.Boolean(), nullable=False),
    sa.Column('freight_payer', sa.String(length=8), nullable=False),
    sa.Column('content', sa.String(length=255), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cod_remitted_at', sa.DateTime(), nullable=True),
    sa.Column('cod_remitted_amount', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('cod_amount >= 0', name=op.f('ck_shipments_cod_not_negative')),
    sa.CheckConstraint('weight_grams > 0', name=op.f('ck_shipments_weight_positive')),
    sa.ForeignKeyConstraint(['stall_id'], ['stalls.id'], name=op.f('fk_shipments_stall_id_stalls')),
    sa.ForeignKeyConstraint(['stall_order_id'], ['stall_orders.id'], name=op.f('fk_shipments_stall_order_id_stall_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('code', name=op.f('uq_shipments_code')),
    sa.UniqueConstraint('stall_order_id', name=op.f('uq_shipments_stall_order_id'))
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_stall_id'), ['stall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('tracking_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_tracking_events_actor_id_users')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_tracking_events_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_events'))
    )
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_events_shipment_id'), ['shipment_id'], unique=False)



def downgrade():
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_events_shipment_id'))

    op.drop_table('tracking_events')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipments_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_shipments_status'))
        batch_op.drop_index(batch_op.f('ix_shipments_stall_id'))
        batch_op.drop_index(batch_op.f('ix_shipments_created_at'))

    op.drop_table('shipments')
