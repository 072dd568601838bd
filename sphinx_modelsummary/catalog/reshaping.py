"""Filled in by the catalog work (see catalog/__init__.py for the rule API)."""
