"""Storage: SQLAlchemy tables, Alembic migrations, record <-> row functions."""
