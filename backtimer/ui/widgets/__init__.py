"""Widgets of the session screen: countdown, breath guide, routine progress."""
