"""Alembic environment: migrations run on the connection `parley.store.migrate` passes in."""

from alembic import context

from parley.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
