"""The app's screens; each has its CSS in a .tcss file beside it."""
