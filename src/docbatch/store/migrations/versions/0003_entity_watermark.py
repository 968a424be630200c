"""An index for reading a project's entities created since a moment.

The resolve stage keeps each project's fuzzy-matched entities in memory and tops them
up with those created since its last look (``docbatch.engine.known_entities``); without this
index every look scanned all of the project's entities.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        op.f("ix_entities_project_id_created_at"), "entities", ["project_id", "created_at"]
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_entities_project_id_created_at"), table_name="entities")
