"""admin: buyers' reports, announcements, officer-hidden products, review snapshot, commune thresholds

Revision ID: 0006_admin
Revises: 0005_shipping
Create Date: 2026-11-22 02:45:45.855134

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_admin'
down_revision = '0005_shipping'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_announcements_author_id_users')),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_announcements_commune_id_communes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcements_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcements_created_at'), ['created_at'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('stall_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('photo_key', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['commune_id'], ['communes.id'], name=op.f('fk_reports_commune_id_communes')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_reports_product_id_products')),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_reports_resolved_by_id_users')),
    sa.ForeignKeyConstraint(['stall_id'], ['stalls.id'], name=op.f('fk_reports_stall_id_stalls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_commune_status', ['commune_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_stall_id'), ['stall_id'], unique=False)

    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_jump_pct', sa.Integer(), nullable=False, server_default='30'))
        batch_op.add_column(sa.Column('report_threshold', sa.Integer(), nullable=False, server_default='3'))

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('officer_hidden', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('officer_hidden_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('approved_snapshot', sa.JSON(), nullable=True))

    # Existing rows got their values from the server defaults; the models set them from now on.
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.alter_column('price_jump_pct', server_default=None)
        batch_op.alter_column('report_threshold', server_default=None)
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.alter_column('officer_hidden', server_default=None)
        batch_op.alter_column('officer_hidden_reason', server_default=None)



def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('approved_snapshot')
        batch_op.drop_column('officer_hidden_reason')
        batch_op.drop_column('officer_hidden')

    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_column('report_threshold')
        batch_op.drop_column('price_jump_pct')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_stall_id'))
        batch_op.drop_index(batch_op.f('ix_reports_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_reports_product_id'))
        batch_op.drop_index(batch_op.f('ix_reports_created_at'))
        batch_op.drop_index('ix_reports_commune_status')

    op.drop_table('reports')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcements_created_at'))
        batch_op.drop_index(batch_op.f('ix_announcements_commune_id'))

    op.drop_table('announcements')
