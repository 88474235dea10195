"""Alembic environment: runs against the URL set by needlecare.storage.migrate."""

from alembic import context

from needlecare.storage import models  # noqa: F401  (registers the tables)
from needlecare.storage.base import Base
from needlecare.storage.engine import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = make_engine(url, pooled=False)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `needlecare db upgrade`")
run_migrations_online()
