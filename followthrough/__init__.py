"""followthrough: measure whether engineering leaders keep the promises they make."""

__version__ = "0.1.0"
