"""list_versions.unknown_fields: entry fields a version cannot state (missing side files)

Revision ID: 0006_unknown_fields
Revises: 0005_service
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_unknown_fields"
down_revision: str | Sequence[str] | None = "0005_service"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("list_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unknown_fields", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("list_versions", schema=None) as batch_op:
        batch_op.drop_column("unknown_fields")
