"""Command-line interface. Each command group lives in its own module with a
`register(subparsers)` function; heavy imports (Textual, sqlite, audio) happen
inside the command handlers so that quick commands stay quick."""
