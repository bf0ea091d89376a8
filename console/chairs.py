"""Bookings laid out on the tenant's chairs for the calendar pages.

The built-in calendar books against a number of chairs (booking.chairs), not named ones:
a booking takes any chair free for its span (its duration plus the buffer). The page
shows the same: each day's bookings go, in start order, on the first chair free by then.
The availability rules never let more than `chairs` overlap, so the lanes are the chairs;
should the file have lost a chair since, an extra lane shows what no longer fits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from store.models import Booking


@dataclass
class Chair:
    number: int
    bookings: list[Booking] = field(default_factory=list)


def on_chairs(bookings: list[Booking], chairs: int, buffer: timedelta) -> list[Chair]:
    """The bookings (ones that take a chair) on chairs numbered from 1, in start order."""
    lanes = [Chair(n) for n in range(1, chairs + 1)]
    for booking in sorted(bookings, key=lambda b: (b.start, b.id)):
        lane = next((c for c in lanes if not c.bookings or c.bookings[-1].end + buffer <= booking.start), None)
        if lane is None:
            lane = Chair(len(lanes) + 1)
            lanes.append(lane)
        lane.bookings.append(booking)
    return lanes
