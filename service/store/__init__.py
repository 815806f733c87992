"""Queries and claims. Functions here flush but never commit: the caller owns the transaction."""
