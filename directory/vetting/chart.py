"""Geometry of the score history chart (pure): the template draws it as inline SVG."""

from __future__ import annotations

from datetime import date

WIDTH, HEIGHT = 320, 120
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 30, 10, 8, 20


def history_chart(history: list[dict], *, width: int = WIDTH, height: int = HEIGHT) -> dict | None:
    """Return the points of a score-over-time line (last score of each day), or None if empty."""
    by_day: dict[date, float] = {}
    for row in history:
        if row.get("score") is None or not row.get("at"):
            continue
        by_day[date.fromisoformat(str(row["at"])[:10])] = float(row["score"])
    if not by_day:
        return None
    days = sorted(by_day)
    span = max((days[-1] - days[0]).days, 1)
    inner_w = width - PAD_LEFT - PAD_RIGHT
    inner_h = height - PAD_TOP - PAD_BOTTOM

    def x(day: date) -> float:
        if len(days) == 1:
            return PAD_LEFT + inner_w / 2
        return round(PAD_LEFT + inner_w * (day - days[0]).days / span, 1)

    def y(score: float) -> float:
        return round(PAD_TOP + inner_h * (1 - min(max(score, 0.0), 100.0) / 100), 1)

    points = [
        {"x": x(day), "y": y(by_day[day]), "at": day.isoformat(), "score": by_day[day]}
        for day in days
    ]
    # A step line: the score holds until the day it changes.
    path = []
    for i, p in enumerate(points):
        if i:
            path.append(f"{p['x']},{points[i - 1]['y']}")
        path.append(f"{p['x']},{p['y']}")
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(path),
        "grid": [{"y": y(v), "label": str(v)} for v in (0, 50, 100)],
        "first": days[0].isoformat(),
        "last": days[-1].isoformat(),
        "left": PAD_LEFT,
        "right": width - PAD_RIGHT,
        "baseline": height - PAD_BOTTOM,
    }
