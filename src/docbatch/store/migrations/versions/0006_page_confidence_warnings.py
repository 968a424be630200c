"""Pages say when OCR read them with low confidence; documents carry warnings.

``pages.low_confidence`` marks a page whose OCR fell under the configured confidence (its
text is kept but left out of entity extraction). ``documents.warnings`` lists what a
reader should know about a completed document (``no_text``, ``low_confidence_pages``,
``pdf_repaired``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("pages") as batch:
        batch.add_column(
            sa.Column("low_confidence", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("warnings", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True)
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("warnings")
    with op.batch_alter_table("pages") as batch:
        batch.drop_column("low_confidence")
