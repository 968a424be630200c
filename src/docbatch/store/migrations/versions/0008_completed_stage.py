"""A completed document's stage is its last stage (relate).

Until now a document whose stages ran together (fused, or served from the cache) was
completed at the first of them, so the dashboard said "completed at extract". This data
migration moves every completed document to relate; the stages it ran are unchanged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    documents = sa.table("documents", sa.column("state", sa.String), sa.column("stage", sa.String))
    op.execute(
        sa.update(documents)
        .where(documents.c.state == "completed", documents.c.stage != "relate")
        .values(stage="relate")
    )


def downgrade() -> None:
    """Revert this revision: nothing to undo (the stage a document was wrongly left at
    is not recorded anywhere, and the schema did not change)."""
