"""Alembic's environment for the web app's database: run by vqr_author.web.migrate on the
connection it hands over (there is no alembic.ini), in batch mode so that SQLite can alter tables."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
