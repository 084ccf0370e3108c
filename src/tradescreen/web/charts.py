"""SVG charts drawn on the server: no JavaScript library, no CDN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

EVENT_COLORS = {
    "added": "#b91c1c",
    # ERC workflow steps
    "proposed": "#1d4ed8",
    "decision": "#7c3aed",
    "escalation": "#b45309",
    "listing": "#b91c1c",
    "final": "#15803d",
    "removed": "#15803d",
    "enjoined": "#b45309",
    "injunction_lifted": "#b91c1c",
    "modified": "#1d4ed8",
    "policy_changed": "#7c3aed",
    "general_license": "#0e7490",
    "general_license_ended": "#0e7490",
    "effective": "#9f1239",
    "note": "#475569",
}


def timeline_svg(
    events: Sequence[tuple[dt.date, str, str]], width: int = 720, *, listing: bool = True
) -> str:
    """A horizontal timeline of (date, event type, label).

    For a listing (`listing=True`) it runs to today with a band where the party was
    listed (red) or enjoined (amber); otherwise (a workflow) it spans just its events.
    """
    if not events:
        return ""
    events = sorted(events)
    pad = dt.timedelta(days=60 if listing else 3)
    start = events[0][0] - pad
    end = (max(events[-1][0], dt.date.today()) if listing else events[-1][0]) + pad
    span = (end - start).days or 1
    left, right, axis_y = 20, width - 20, 70

    def x(date: dt.date) -> float:
        return left + (date - start).days / span * (right - left)

    parts = [
        f'<svg class="timeline" role="img" viewBox="0 0 {width} {axis_y + 40 + 18 * len(events)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>Listing timeline</title>'
    ]
    # Band: listed (red) between added and removed, enjoined (amber).
    state, since = None, start
    for date, kind, _label in [*events, (end, "end", "")] if listing else []:
        if state in ("listed", "enjoined"):
            color = "#fecaca" if state == "listed" else "#fde68a"
            parts.append(
                f'<rect x="{x(since):.1f}" y="{axis_y - 10}" width="{max(x(date) - x(since), 1):.1f}" '
                f'height="20" fill="{color}"/>'
            )
        if kind in ("added", "injunction_lifted"):
            state, since = "listed", date
        elif kind == "enjoined" and state == "listed":
            state, since = "enjoined", date
        elif kind == "removed":
            state, since = "removed", date
        elif state in ("listed", "enjoined"):
            since = date
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#334155"/>')
    ticks = [dt.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]
    if not listing and len(ticks) < 2:
        ticks = [
            d
            for d in (dt.date(y, m, 1) for y in range(start.year, end.year + 1) for m in range(1, 13))
            if start < d <= end
        ]
    for tick in ticks:
        xs = x(tick)
        label = str(tick.year) if tick.month == 1 else tick.strftime("%b %Y")
        parts.append(
            f'<line x1="{xs:.1f}" y1="{axis_y - 14}" x2="{xs:.1f}" y2="{axis_y + 14}" stroke="#94a3b8"/>'
            f'<text x="{xs:.1f}" y="{axis_y - 20}" font-size="11" text-anchor="middle">{label}</text>'
        )
    for i, (date, kind, label) in enumerate(events):
        color = EVENT_COLORS.get(kind, "#475569")
        xs, ly = x(date), axis_y + 34 + 18 * i
        parts.append(
            f'<circle cx="{xs:.1f}" cy="{axis_y}" r="6" fill="{color}"><title>{date} {escape(kind)}'
            f'</title></circle><line x1="{xs:.1f}" y1="{axis_y + 6}" x2="{xs:.1f}" y2="{ly - 10}" '
            f'stroke="{color}" stroke-dasharray="2 2"/>'
            f'<text x="{min(xs, right - 420):.1f}" y="{ly}" font-size="12" fill="{color}">'
            f"{date.isoformat()} {escape(kind.replace('_', ' '))}: {escape(label[:60])}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def growth_svg(series: dict[str, list[tuple[dt.datetime, int]]], width: int = 720, height: int = 220) -> str:
    """List size over time, one line per feed."""
    points = [p for values in series.values() for p in values]
    if not points:
        return ""
    t0 = min(p[0] for p in points)
    t1 = max(p[0] for p in points)
    span = (t1 - t0).total_seconds() or 1.0
    top = max(p[1] for p in points) or 1
    left, bottom = 60, height - 30
    palette = ["#1d4ed8", "#b91c1c", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#9f1239", "#475569"]
    parts = [
        f'<svg class="growth" role="img" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        "<title>List size over time</title>"
        f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#334155"/>'
        f'<line x1="{left}" y1="10" x2="{left}" y2="{bottom}" stroke="#334155"/>'
        f'<text x="{left - 6}" y="16" font-size="11" text-anchor="end">{top}</text>'
        f'<text x="{left - 6}" y="{bottom}" font-size="11" text-anchor="end">0</text>'
    ]
    for i, (feed, values) in enumerate(sorted(series.items())):
        color = palette[i % len(palette)]
        coords = [
            (
                left + (t - t0).total_seconds() / span * (width - left - 20)
                if len(points) > 1
                else left + 10,
                bottom - n / top * (bottom - 20),
            )
            for t, n in values
        ]
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        for cx, cy in coords:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{color}"/>')
        parts.append(
            f'<text x="{left + 10 + 130 * (i % 5)}" y="{height - 8 - 14 * (i // 5)}" font-size="12" '
            f'fill="{color}">■ {escape(feed)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
