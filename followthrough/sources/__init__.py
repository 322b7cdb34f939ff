"""The trackers followthrough reads: each module turns one tracker's API into plain records."""

from __future__ import annotations


class SourceUnavailable(Exception):
    """A tracker could not be read (or written); the message is one line for the user.

    It names the source and the cause, and never contains a token.
    """
