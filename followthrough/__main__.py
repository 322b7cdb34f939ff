"""``python -m followthrough``."""

from followthrough.cli import main

main()
