"""evidence files: the display name and content type of an uploaded piece of evidence

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 06:10:00

Declared evidence of a candidacy may be a file uploaded by its managers
(``kind`` ``upload``, ``reference`` the sha256 naming the stored file): the
row keeps the name the file had (display text only) and the content type
found from its bytes.
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidacy_evidence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_name", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("content_type", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("candidacy_evidence", schema=None) as batch_op:
        batch_op.drop_column("content_type")
        batch_op.drop_column("file_name")
