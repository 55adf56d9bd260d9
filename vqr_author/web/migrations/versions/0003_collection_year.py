"""The 收集年度 the office collects: each version's 报告年度 (from its 封面, "" for versions stored
before) and the desk's settings table.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as table:
        table.add_column(sa.Column("year", sa.String(length=10), nullable=False, server_default=""))
    op.create_table("settings",
                    sa.Column("key", sa.String(length=40), nullable=False),
                    sa.Column("value", sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint("key"))


def downgrade() -> None:
    op.drop_table("settings")
    with op.batch_alter_table("submissions") as table:
        table.drop_column("year")
