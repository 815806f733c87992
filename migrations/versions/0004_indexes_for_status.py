"""indexes for status: one watch's attributions in a time window

Every evaluation, index series and status figure reads one watch's attributions over a time
window; with an index on published_at alone, each read scanned every watch's window.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain CREATE INDEX on both databases (no batch table copy on SQLite).
    op.create_index(
        'ix_attribution_watch_published', 'attributions', ['watch_id', 'published_at'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_attribution_watch_published', table_name='attributions')
