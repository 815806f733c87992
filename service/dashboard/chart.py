"""Index timelines as inline SVG, drawn on the server so the page works without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str  # SVG polyline points
    warning_y: float
    critical_y: float
    markers: list[tuple[float, str]]  # (x, level) of alert starts
    area: str = ""  # polygon points: the line closed along the bottom edge
    bands: list[tuple[float, float, str]] = field(default_factory=list)  # alert episodes
    days: list[tuple[float, str]] = field(default_factory=list)  # (x, "Mon") at midnights UTC
    last: tuple[float, float] | None = None  # the current value's point


def timeline(
    points: Sequence[tuple[datetime, float]],
    *,
    alerts: Sequence[tuple[datetime, str]],
    warning: float,
    critical: float,
    episodes: Sequence[tuple[datetime, datetime | None, str]] = (),
    width: int = 320,
    height: int = 80,
) -> Chart:
    """Maps index values (0-100) over time to SVG coordinates; y grows downwards.

    `alerts` are (start, level) marks; `episodes` (start, end or None while open, level) are
    shaded so that how long a watch stayed at a level reads at a glance."""

    def y(value: float) -> float:
        return round(height - value / 100.0 * height, 1)

    if len(points) < 2:
        return Chart(width, height, "", y(warning), y(critical), [])
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1.0

    def x(at: datetime) -> float:
        seconds = min(max((at - start).total_seconds(), 0.0), span)
        return round(seconds / span * width, 1)

    line = " ".join(f"{x(t)},{y(v)}" for t, v in points)
    area = f"0,{height} {line} {width},{height}"
    markers = [(x(at), level) for at, level in alerts if start <= at <= end]
    bands = [
        (x(begin), x(finish or end), level)
        for begin, finish, level in episodes
        if begin <= end and (finish is None or finish >= start)
    ]
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    days = []
    while midnight < end:
        days.append((x(midnight), midnight.strftime("%a")))
        midnight += timedelta(days=1)
    last = (x(points[-1][0]), y(points[-1][1]))
    return Chart(width, height, line, y(warning), y(critical), markers, area, bands, days, last)
