"""The app in a browser: textual-serve runs one app process per browser connection."""
