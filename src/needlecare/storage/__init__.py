"""Storage: SQLAlchemy 2 models, engine and session set-up, unit of work, Alembic migrations."""
