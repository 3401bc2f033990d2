"""backtimer: a terminal coach for back and neck exercise routines."""

__version__ = "0.1.0"
