"""Charts drawn on the server as inline SVG: no script, no style attribute, so the pages
keep their strict Content-Security-Policy. Colours come from classes (``s0`` ... ``s6``)
in app.css; every bar carries a ``<title>`` that browsers show on hover.

    >>> svg = stacked_bars(["2026-12-01", "2026-12-02"], [("payments", [1.0, 2.5])], "usd")
    >>> svg.count("<rect class=\\"bar s0\\"")
    2
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["SERIES_COLOURS", "meter", "stacked_bars"]

SERIES_COLOURS = 7  # s0 ... s6 in app.css; a seventh and later series share s6
_WIDTH, _HEIGHT = 760, 240
_LEFT, _BOTTOM, _TOP, _LEGEND = 64, 28, 10, 150


def _amount(value: float, unit: str) -> str:
    if unit == "usd":
        return f"${value:,.2f}" if value >= 1 or value == 0 else f"${value:.3f}"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1000:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}"


def _ceiling(value: float) -> float:
    """A round number at or above ``value``, for the axis."""
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 100 if value >= 1 else 0.01
    while step * 10 < value:
        step *= 10
    for multiple in (1, 2, 2.5, 5, 10):
        if step * multiple >= value:
            return step * multiple
    return step * 10


def stacked_bars(
    days: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], unit: str
) -> Markup:
    """One bar per day, stacked by series (name, one value per day), with a y axis in
    ``unit`` (``usd`` or tokens) and a legend."""
    plot_w = _WIDTH - _LEFT - _LEGEND
    plot_h = _HEIGHT - _TOP - _BOTTOM
    totals = [sum(values[i] for _, values in series) for i in range(len(days))]
    top = _ceiling(max(totals, default=0.0))
    slot = plot_w / max(len(days), 1)
    bar = max(1.0, slot * 0.7)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'width="{_WIDTH}" height="{_HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0.0, 0.5, 1.0):
        y = _TOP + plot_h * (1 - tick)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_amount(top * tick, unit))}</text>"
        )
    every = max(1, len(days) // 8)  # at most about eight dates under the axis
    for i, day in enumerate(days):
        x = _LEFT + i * slot + (slot - bar) / 2
        base = float(_TOP + plot_h)
        for n, (name, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            height = plot_h * value / top
            base -= height
            label = f"{day} · {name}: {_amount(value, unit)}"
            parts.append(
                f'<rect class="bar s{min(n, SERIES_COLOURS - 1)}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}"><title>{escape(label)}</title></rect>'
            )
        if i % every == 0:
            parts.append(
                f'<text class="axis" x="{x + bar / 2:.1f}" y="{_HEIGHT - 8}" '
                f'text-anchor="middle">{escape(day[5:])}</text>'
            )
    for n, (name, values) in enumerate(series):
        y = _TOP + 16 * n
        parts.append(
            f'<rect class="s{min(n, SERIES_COLOURS - 1)}" x="{_WIDTH - _LEGEND + 12}" '
            f'y="{y}" width="10" height="10"/>'
            f'<text class="legend" x="{_WIDTH - _LEGEND + 28}" y="{y + 9}">'
            f"{escape(name[:22])} {escape(_amount(sum(values), unit))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def meter(share: float, alert_at: float = 0.8, width: int = 160) -> Markup:
    """A horizontal bar filled to ``share`` (capped at 1): amber from ``alert_at``, red
    from a whole budget."""
    filled = max(0.0, min(share, 1.0)) * width
    state = "bad" if share >= 1 else "warn" if share >= alert_at else "ok"
    return Markup(
        f'<svg class="meter" role="img" viewBox="0 0 {width} 10" width="{width}" height="10" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{share:.0%}</title>'
        f'<rect class="meter-track" width="{width}" height="10"/>'
        f'<rect class="meter-fill {state}" width="{filled:.1f}" height="10"/></svg>'
    )
