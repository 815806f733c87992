"""Index timelines as inline SVG, drawn on the server so the page works without JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    line: str  # SVG polyline points
    warning_y: float
    critical_y: float
    markers: list[tuple[float, str]]  # (x, level) of alert starts


def timeline(
    points: Sequence[tuple[datetime, float]],
    *,
    alerts: Sequence[tuple[datetime, str]],
    warning: float,
    critical: float,
    width: int = 320,
    height: int = 80,
) -> Chart:
    """Maps index values (0-100) over time to SVG coordinates; y grows downwards."""

    def y(value: float) -> float:
        return round(height - value / 100.0 * height, 1)

    if len(points) < 2:
        return Chart(width, height, "", y(warning), y(critical), [])
    start, end = points[0][0], points[-1][0]
    span = (end - start).total_seconds() or 1.0

    def x(at: datetime) -> float:
        return round((at - start).total_seconds() / span * width, 1)

    line = " ".join(f"{x(t)},{y(v)}" for t, v in points)
    markers = [(x(at), level) for at, level in alerts if start <= at <= end]
    return Chart(width, height, line, y(warning), y(critical), markers)
