"""The Textual app. The only package that imports Textual (tests/test_layers.py checks it)."""
