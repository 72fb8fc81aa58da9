"""Kept for the callers that import it from here."""
from maillab_tools.server import DEFAULT_BINARY, Pop3d  # noqa: F401
