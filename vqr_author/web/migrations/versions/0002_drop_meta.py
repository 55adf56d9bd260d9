"""The schema's version is kept by Alembic (alembic_version) from now on: the meta table goes.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("meta")


def downgrade() -> None:
    meta = op.create_table("meta",
                           sa.Column("key", sa.String(length=40), nullable=False),
                           sa.Column("value", sa.String(length=200), nullable=False),
                           sa.PrimaryKeyConstraint("key"))
    op.bulk_insert(meta, [{"key": "schema_version", "value": "1"}])
