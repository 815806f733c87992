"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.db


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', service.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    op.create_table('app_state',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canonical_link', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('published_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('first_seen_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('source_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('canonical_link')
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_articles_published_at'), ['published_at'], unique=False)

    op.create_table('feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('site_url', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
    sa.Column('last_modified', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('next_check_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('check_interval_s', sa.Float(), nullable=True),
    sa.Column('lease_owner', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('lease_until', service.db.UTCDateTime(), nullable=True),
    sa.Column('last_checked_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('last_status', sa.Integer(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('last_error_kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('last_warning', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('entries_seen', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url')
    )
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feeds_lease_owner'), ['lease_owner'], unique=False)
        batch_op.create_index(batch_op.f('ix_feeds_next_check_at'), ['next_check_at'], unique=False)

    op.create_table('job_health',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('misses', sa.Integer(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('last_run_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('last_success_at', service.db.UTCDateTime(), nullable=True),
    sa.Column('last_duration_s', sa.Float(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('last_missed_at', service.db.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('model_versions',
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('version')
    )
    op.create_table('article_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('model_version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('escalation', sa.Float(), nullable=False),
    sa.Column('deescalation', sa.Float(), nullable=False),
    sa.Column('quad', sa.JSON(), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('scored_at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('article_id', 'model_version', name='uq_score_article_model')
    )
    with op.batch_alter_table('article_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_scores_article_id'), ['article_id'], unique=False)
        batch_op.create_index('ix_score_escalation', ['escalation'], unique=False)

    op.create_table('article_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('guid', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=True),
    sa.Column('outlet', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('published_at', service.db.UTCDateTime(), nullable=False),
    sa.Column('seen_at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('feed_id', 'guid', name='uq_source_feed_guid')
    )
    with op.batch_alter_table('article_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_sources_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_sources_feed_id'), ['feed_id'], unique=False)

    op.create_table('labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('quad', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('created_at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_labels_article_id'), ['article_id'], unique=False)

    op.create_table('model_promotions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('at', service.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version'], ['model_versions.version'], ),
    sa.PrimaryKeyConstraint('id')
    )
    


def downgrade() -> None:
    
    op.drop_table('model_promotions')
    with op.batch_alter_table('labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_labels_article_id'))

    op.drop_table('labels')
    with op.batch_alter_table('article_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_sources_feed_id'))
        batch_op.drop_index(batch_op.f('ix_article_sources_article_id'))

    op.drop_table('article_sources')
    with op.batch_alter_table('article_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_score_escalation')
        batch_op.drop_index(batch_op.f('ix_article_scores_article_id'))

    op.drop_table('article_scores')
    op.drop_table('model_versions')
    op.drop_table('job_health')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feeds_next_check_at'))
        batch_op.drop_index(batch_op.f('ix_feeds_lease_owner'))

    op.drop_table('feeds')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_published_at'))
        batch_op.drop_index(batch_op.f('ix_articles_content_hash'))

    op.drop_table('articles')
    op.drop_table('app_state')
    op.drop_table('api_keys')
    
