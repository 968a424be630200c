"""Containers: child documents and the bytes of their members.

- ``documents.parent_id``: the container (ZIP, e-mail, PDF) a child document came out
  of; ``documents.container_path``: where it sits inside it
  (``production.zip!/folder/letter.docx``); ``documents.depth``: how many containers
  deep it is (0 for a submitted file).
- ``blobs``: the bytes of child documents, content-addressed by their sha256, so a
  member's name is never used to build a file-system path.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("parent_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("container_path", sa.Text(), nullable=True))
        batch.add_column(sa.Column("depth", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_documents_parent_id", ["parent_id"])
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("blobs")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_parent_id")
        batch.drop_column("depth")
        batch.drop_column("container_path")
        batch.drop_column("parent_id")
