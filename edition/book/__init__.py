"""Sphinx plug-ins every edition shares (registered by edition/__init__.py)."""
