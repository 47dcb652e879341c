"""Instrument definition files (YAML) and their schema: see README.md.

``model`` holds the data classes, ``rules`` the scoring-rule parsers; loading and lookup
live in :mod:`laktasi.instruments.registry`.
"""
