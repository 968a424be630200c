"""Error recovery: scheduled retries, recovery batches and the quarantine.

- ``documents.retry_at``: when a parked retry is due (the reconciler sends it then);
- ``documents.retries``: retries spent by the retry policy (crashes count in ``attempts``);
- ``documents.recovery_batch_id``: the recovery batch that re-opened a failed document;
- ``quarantine``: bytes (by sha256) that failed the same stage with the same code
  repeatedly, skipped in later batches until released.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy of the timestamp type (see 0001).
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("retry_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("retries", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("recovery_batch_id", sa.String(length=36), nullable=True))
    op.create_index(op.f("ix_documents_state_retry_at"), "documents", ["state", "retry_at"])
    op.create_index(op.f("ix_documents_recovery_batch_id"), "documents", ["recovery_batch_id"])
    op.create_table(
        "quarantine",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("error_code", sa.String(length=100), nullable=False),
        sa.Column("error_category", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_seen", TIMESTAMP, nullable=False),
        sa.Column("last_seen", TIMESTAMP, nullable=False),
        sa.Column("released", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("released_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("sha256", "stage", "error_code", name=op.f("pk_quarantine")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("quarantine")
    op.drop_index(op.f("ix_documents_recovery_batch_id"), table_name="documents")
    op.drop_index(op.f("ix_documents_state_retry_at"), table_name="documents")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("recovery_batch_id")
        batch.drop_column("retries")
        batch.drop_column("retry_at")
