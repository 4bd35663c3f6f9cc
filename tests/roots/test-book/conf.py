"""The fixture book's settings are its _config.yml, as Jupyter Book reads it: tests/test_roots.py
passes them to Sphinx (Sphinx's test app wants this file to exist)."""
