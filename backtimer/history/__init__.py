"""Session and desk-break history in SQLite (store), the session listener that writes it
(recorder) and what people see of it (stats)."""
