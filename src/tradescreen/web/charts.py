"""SVG charts drawn on the server: no JavaScript library, no CDN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from tradescreen.domain import ListVersion

EVENT_COLORS = {
    "added": "#b91c1c",
    # ERC workflow steps
    "proposed": "#1d4ed8",
    "decision": "#7c3aed",
    "escalation": "#b45309",
    "listing": "#b91c1c",
    "final": "#15803d",
    "publication": "#b91c1c",
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


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Year starts between the two dates, or month starts when they span under two years."""
    years = [dt.date(y, 1, 1) for y in range(first.year, last.year + 1) if first <= dt.date(y, 1, 1) <= last]
    if len(years) >= 2:
        step = max(1, len(years) // 8)
        return years[::step]
    months = [
        dt.date(y, m, 1)
        for y in range(first.year, last.year + 1)
        for m in range(1, 13)
        if first <= dt.date(y, m, 1) <= last
    ]
    step = max(1, len(months) // 8)
    return months[::step]


def growth_svg(versions: Sequence[ListVersion], width: int = 720, height: int = 260) -> str:
    """Entries per version over time, one line per feed, plotted by publication date.

    A version is placed at the date the list itself was published when the file says so
    (`ListVersion.published`); a file that carries no date is placed at its load date and
    drawn hollow, so that the chart never passes a load date off as a publication date.
    """
    points: dict[str, list[tuple[dt.date, int, bool]]] = {}
    for v in versions:
        when, known = (v.published, True) if v.published else (v.loaded_at.date(), False)
        points.setdefault(v.feed, []).append((when, v.row_count, known))
    if not points:
        return ""
    for values in points.values():
        values.sort()
    dates = [d for values in points.values() for d, _n, _k in values]
    t0, t1 = min(dates), max(dates)
    if t0 == t1:
        t0, t1 = t0 - dt.timedelta(days=30), t1 + dt.timedelta(days=30)
    span = (t1 - t0).days or 1
    top = max(n for values in points.values() for _d, n, _k in values) or 1
    left, right, plot_top = 70, width - 20, 20
    legend_rows = (len(points) + 3) // 4
    bottom = height - 58
    height_total = height + 16 * legend_rows

    def x(day: dt.date) -> float:
        return left + (day - t0).days / span * (right - left)

    def y(n: int) -> float:
        return bottom - n / top * (bottom - plot_top)

    palette = ["#1d4ed8", "#b91c1c", "#15803d", "#7c3aed", "#b45309", "#0e7490", "#9f1239", "#475569"]
    parts = [
        f'<svg class="growth" role="img" viewBox="0 0 {width} {height_total}" '
        'xmlns="http://www.w3.org/2000/svg"><title>Entries per list version, by publication date</title>'
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#334155"/>'
        f'<line x1="{left}" y1="{plot_top}" x2="{left}" y2="{bottom}" stroke="#334155"/>'
    ]
    for frac in (0.0, 0.5, 1.0):
        n = round(top * frac)
        parts.append(
            f'<text x="{left - 6}" y="{y(n) + 4:.1f}" font-size="11" text-anchor="end">{n:,}</text>'
            f'<line x1="{left - 3}" y1="{y(n):.1f}" x2="{left}" y2="{y(n):.1f}" stroke="#334155"/>'
        )
    for tick in _ticks(t0, t1):
        label = str(tick.year) if tick.month == 1 else tick.strftime("%b %Y")
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{bottom}" x2="{x(tick):.1f}" y2="{bottom + 4}" stroke="#334155"/>'
            f'<text x="{x(tick):.1f}" y="{bottom + 16}" font-size="11" text-anchor="middle">{label}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{(left + right) / 2:.0f}" y="{bottom + 34}" font-size="12" '
        'text-anchor="middle">publication date of the list version (hollow: no date in the file, '
        "load date shown)</text>"
        f'<text class="axis-label" x="14" y="{(plot_top + bottom) / 2:.0f}" font-size="12" '
        f'text-anchor="middle" transform="rotate(-90 14 {(plot_top + bottom) / 2:.0f})">entries</text>'
    )
    for i, (feed, values) in enumerate(sorted(points.items())):
        color = palette[i % len(palette)]
        path = " ".join(f"{x(d):.1f},{y(n):.1f}" for d, n, _k in values)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{path}"/>')
        for d, n, known in values:
            fill = color if known else "#ffffff"
            what = "published" if known else "loaded (no publication date in the file)"
            parts.append(
                f'<circle cx="{x(d):.1f}" cy="{y(n):.1f}" r="3.5" fill="{fill}" stroke="{color}" '
                f'stroke-width="1.5"><title>{escape(feed)}: {n:,} entries, {what} {d.isoformat()}'
                "</title></circle>"
            )
        parts.append(
            f'<text x="{left + 160 * (i % 4)}" y="{bottom + 54 + 16 * (i // 4)}" font-size="12" '
            f'fill="{color}">■ {escape(feed)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
