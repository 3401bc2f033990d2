"""Desk breaks: the pure scheduler, its settings and persisted state, and notifications."""
