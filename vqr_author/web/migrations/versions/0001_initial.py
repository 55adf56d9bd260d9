"""The schema of the first web app (created by create_all, version 1 in its meta table).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("admin_tokens",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("token_hash", sa.String(length=64), nullable=False),
                    sa.Column("created", sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("token_hash"))
    op.create_table("admins",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("username", sa.String(length=80), nullable=False),
                    sa.Column("password_hash", sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("username"))
    op.create_table("audit",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("at", sa.DateTime(), nullable=False),
                    sa.Column("actor", sa.String(length=200), nullable=False),
                    sa.Column("action", sa.String(length=80), nullable=False),
                    sa.Column("detail", sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    op.create_table("meta",
                    sa.Column("key", sa.String(length=40), nullable=False),
                    sa.Column("value", sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_table("region_workbooks",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("uploaded", sa.DateTime(), nullable=False),
                    sa.Column("sha256", sa.String(length=64), nullable=False),
                    sa.Column("level", sa.String(length=20), nullable=False),
                    sa.Column("errors", sa.Integer(), nullable=False),
                    sa.Column("warnings", sa.Integer(), nullable=False),
                    sa.Column("problems_json", sa.Text(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    op.create_table("schools",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("code", sa.String(length=40), nullable=False),
                    sa.Column("name", sa.String(length=200), nullable=False),
                    sa.Column("token", sa.String(length=64), nullable=False),
                    sa.Column("created", sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("code"), sa.UniqueConstraint("token"))
    op.create_table("sign_ins",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("token_hash", sa.String(length=64), nullable=False),
                    sa.Column("admin_id", sa.Integer(), nullable=False),
                    sa.Column("expires", sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(["admin_id"], ["admins.id"]),
                    sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("token_hash"))
    op.create_table("submissions",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("school_id", sa.Integer(), nullable=False),
                    sa.Column("version", sa.Integer(), nullable=False),
                    sa.Column("uploaded", sa.DateTime(), nullable=False),
                    sa.Column("sha256", sa.String(length=64), nullable=False),
                    sa.Column("size", sa.Integer(), nullable=False),
                    sa.Column("errors", sa.Integer(), nullable=False),
                    sa.Column("warnings", sa.Integer(), nullable=False),
                    sa.Column("problems_json", sa.Text(), nullable=False),
                    sa.Column("diff_json", sa.Text(), nullable=False),
                    sa.Column("review", sa.String(length=20), nullable=False),
                    sa.Column("comment", sa.Text(), nullable=False),
                    sa.ForeignKeyConstraint(["school_id"], ["schools.id"]),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_submissions_school_id", "submissions", ["school_id"], unique=False)
    op.create_table("jobs",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("kind", sa.String(length=20), nullable=False),
                    sa.Column("submission_id", sa.Integer(), nullable=True),
                    sa.Column("region_id", sa.Integer(), nullable=True),
                    sa.Column("state", sa.String(length=20), nullable=False),
                    sa.Column("progress", sa.Text(), nullable=False),
                    sa.Column("message", sa.Text(), nullable=False),
                    sa.Column("created", sa.DateTime(), nullable=False),
                    sa.Column("updated", sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(["region_id"], ["region_workbooks.id"]),
                    sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_jobs_submission_id", "jobs", ["submission_id"], unique=False)


def downgrade() -> None:
    for table in ("jobs", "submissions", "sign_ins", "schools", "region_workbooks", "meta", "audit", "admins",
                  "admin_tokens"):
        op.drop_table(table)
