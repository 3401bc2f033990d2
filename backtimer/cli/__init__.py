"""Command-line interface. Every command is declared in `commands.py` (its help, its
arguments: argparse only) and run by a function of its group's module (`inspect`,
`history`, `status`, ...), which main.py imports only once the command line parses: so
`--help`, `--version` and a usage message load none of the commands' code, and each
command loads only its own (Textual, SQLite, sound, the routine loader)."""
