"""watches alerts outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('watches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('include_terms', sa.JSON(), nullable=False),
    sa.Column('exclude_terms', sa.JSON(), nullable=False),
    sa.Column('ceasefire', sa.JSON(), nullable=False),
    sa.Column('warning_enter', sa.Float(), nullable=False),
    sa.Column('warning_exit', sa.Float(), nullable=False),
    sa.Column('critical_enter', sa.Float(), nullable=False),
    sa.Column('critical_exit', sa.Float(), nullable=False),
    sa.Column('half_life_h', sa.Float(), nullable=False),
    sa.Column('pending_s', sa.Float(), nullable=False),
    sa.Column('keep_firing_s', sa.Float(), nullable=False),
    sa.Column('reminder_s', sa.Float(), nullable=False),
    sa.Column('min_sources_critical', sa.Integer(), nullable=False),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watch_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('pending_since', service.db.UTCDateTime(), nullable=False),
    sa.Column('started_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('resolved_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('below_exit_since', service.db.UTCDateTime(), nullable=True),
    sa.Column('peak_index', sa.Float(), nullable=False),
    sa.Column('last_index', sa.Float(), nullable=False),
    sa.Column('notified_level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('last_notified_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('rationale', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('updated_at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['watch_id'], ['watches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_watch_id'), ['watch_id'], unique=False)
        batch_op.create_index(
            'uq_alert_open_per_watch', ['watch_id'], unique=True,
            sqlite_where=sa.text("state IN ('pending', 'firing')"),
            postgresql_where=sa.text("state IN ('pending', 'firing')"),
        )

    op.create_table('attributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watch_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('published_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('matched', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['watch_id'], ['watches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('watch_id', 'article_id', name='uq_attribution')
    )
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attributions_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attributions_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attributions_watch_id'), ['watch_id'], unique=False)

    op.create_table('silences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('watch_id', sa.Integer(), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('starts_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('ends_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['watch_id'], ['watches.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('silences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_silences_ends_at'), ['ends_at'], unique=False)

    op.create_table('outbox_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('watch_id', sa.Integer(), nullable=True),
    sa.Column('alert_id', sa.Integer(), nullable=True),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['watch_id'], ['watches.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id')
    )
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_events_type'), ['type'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_events_type'))
        batch_op.drop_index(batch_op.f('ix_outbox_events_created_at'))

    op.drop_table('outbox_events')
    with op.batch_alter_table('silences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_silences_ends_at'))

    op.drop_table('silences')
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attributions_watch_id'))
        batch_op.drop_index(batch_op.f('ix_attributions_published_at'))
        batch_op.drop_index(batch_op.f('ix_attributions_article_id'))

    op.drop_table('attributions')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alert_open_per_watch')
        batch_op.drop_index(batch_op.f('ix_alerts_watch_id'))
        batch_op.drop_index(batch_op.f('ix_alerts_state'))
        batch_op.drop_index(batch_op.f('ix_alerts_fingerprint'))

    op.drop_table('alerts')
    op.drop_table('watches')
    
