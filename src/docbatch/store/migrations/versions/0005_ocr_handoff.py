"""Documents remember an OCR hand-off, and what a recovery re-opened them from.

- ``documents.needs_ocr`` is set when the extract step hands a document to an OCR worker
  (its text layer is missing). Whoever re-sends the document while it is still at the
  extract stage (the reconciler after a crash, ``run --resume``, a parked retry) sends
  the OCR step, not a plain extract step that would find out again, and hand off again.
- ``documents.reopened_from``: the terminal state (``failed`` or ``cancelled``) a
  recovery batch re-opened the document from, which its original batch still counts it
  as until it ends again (see :mod:`docbatch.store.recovery`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("needs_ocr", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("reopened_from", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("reopened_from")
        batch.drop_column("needs_ocr")
