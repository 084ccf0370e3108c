"""alerts: one open alert per (party key, entity), counting repeats

Revision ID: 0005_service
Revises: 0004_review
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_service"
down_revision: str | Sequence[str] | None = "0004_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_key", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("times_seen", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_index("ix_alerts_party_entity", ["party_key", "entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_party_entity")
        batch_op.drop_column("times_seen")
        batch_op.drop_column("last_seen")
        batch_op.drop_column("party_key")
