"""Fake trackers spoken to over real HTTP on 127.0.0.1 (see ``tests/fakes/github.py``)."""
