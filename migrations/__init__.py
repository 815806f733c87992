"""Alembic migrations; shipped with the package so `ceasewatch migrate` works from a wheel."""
