"""The injected clock: ``--now`` / ``FOLLOWTHROUGH_NOW`` parsing (SPEC §5).

Nothing in followthrough reads the machine's clock except :func:`machine_now`,
and nothing reads the machine's time zone at all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo


class ClockError(ValueError):
    """The clock value cannot be read; the message is for the user."""


def parse_now(text: str, zone: tzinfo) -> datetime:
    """ISO 8601; a time without an offset (or a bare date) is in the team zone."""
    value = text.strip()
    try:
        if len(value) == 10:
            moment = datetime.combine(date.fromisoformat(value), time(0))
        else:
            moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise ClockError(
            "--now / FOLLOWTHROUGH_NOW must be an ISO 8601 time like "
            f'2026-11-20T09:00:00+01:00, got "{text}"'
        ) from None
    if moment.tzinfo is None:
        # Localise through UTC so a wall time in a DST gap still lands on a real instant.
        moment = moment.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return moment


def machine_now(zone: tzinfo) -> datetime:
    """The real time, aware, shown in ``zone``: used only when no clock is injected."""
    return datetime.now(tz=zone)
