"""Routines: the model (model.py), the TOML loader (loader.py) and writer (writer.py), the
library of built-in and user routines (library.py), durations, progression, customising
and the `new` template."""
