"""Feed fetching, parsing, normalising and next-check policy.

A pure library: no database, no service or classifier imports, nothing built at import time.
"""
