"""Hand-built SVG charts: small, fast, readable on a 360 px phone and in black and white.

No colour carries meaning: bars are dark grey on a light track with the count written beside
them, and curves differ by dash pattern. Every chart sits above its table on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from laktasi.dashboards.indicators import Curve

W = 360


def _svg(height: int, title: str, body: list[str]) -> SafeString:
    t = escape(title)
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" aria-label="{t}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="DejaVu Sans, sans-serif" '
        f'font-size="14"><title>{t}</title>' + "".join(body) + "</svg>"
    )


def bar_chart(rows: Sequence[tuple[str, int, int]], title: str) -> SafeString:
    """Horizontal bars of n/N as a percentage, one row per label; "—" when N = 0."""
    row_h, top, left, width = 38, 8, 8, W - 100
    body = []
    for i, (label, n, d) in enumerate(rows):
        y = top + i * row_h
        share = n / d if d else 0
        body.append(f'<text x="{left}" y="{y + 12}">{escape(label[:48])}</text>')
        body.append(
            f'<rect x="{left}" y="{y + 17}" width="{width}" height="14" fill="#eeeeee" '
            f'stroke="#555555" stroke-width="1"/>'
        )
        if d:
            body.append(
                f'<rect x="{left}" y="{y + 17}" width="{width * share:.1f}" height="14" '
                f'fill="#333333"/>'
            )
        value = f"{100 * share:.0f}% ({n}/{d})" if d else "— (0)"
        body.append(f'<text x="{left + width + 6}" y="{y + 29}">{escape(value)}</text>')
    return _svg(top + len(rows) * row_h + 6, title, body)


def km_chart(curves: Sequence[Curve], title: str, months: int = 6) -> SafeString:
    """Step curves of the proportion still exclusively breastfed, 0–6 months."""
    x0, x1, y0, y1 = 44, W - 12, 16, 186
    legend_h = 18 * len(curves)
    height = y1 + 34 + legend_h

    def px(t: float) -> float:
        return x0 + (x1 - x0) * min(t, months) / months

    def py(s: float) -> float:
        return y1 - (y1 - y0) * s

    body = [
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="none" '
        f'stroke="#999999"/>'
    ]
    for pct in (0, 25, 50, 75, 100):
        y = py(pct / 100)
        body.append(f'<line x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>')
        body.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{pct}%</text>')
    for m in range(months + 1):
        x = px(m)
        body.append(f'<text x="{x:.1f}" y="{y1 + 15}" text-anchor="middle">{m}</text>')
    body.append(
        f'<text x="{(x0 + x1) / 2:.0f}" y="{y1 + 29}" text-anchor="middle">'
        f"{escape(title.split('|')[-1])}</text>"
    )
    for i, curve in enumerate(curves):
        d = [f"M{px(0):.1f},{py(1):.1f}"]
        for t, s in curve.points[1:]:
            d.append(f"H{px(t):.1f}V{py(s):.1f}")
        last_t = max(curve.result.time) if curve.result.time else 0
        d.append(f"H{px(last_t):.1f}")
        dash = f' stroke-dasharray="{curve.dash}"' if curve.dash else ""
        body.append(
            f'<path d="{"".join(d)}" fill="none" stroke="#111111" stroke-width="2.2"{dash}/>'
        )
        ly = y1 + 44 + 18 * i
        body.append(
            f'<line x1="{x0}" x2="{x0 + 34}" y1="{ly - 4}" y2="{ly - 4}" stroke="#111111" '
            f'stroke-width="2.2"{dash}/>'
        )
        body.append(
            f'<text x="{x0 + 42}" y="{ly}">{escape(curve.label)} (n = {curve.result.n_used})</text>'
        )
    return _svg(height, title.split("|")[0], body)


def bar_summary(rows: Sequence[tuple[str, int, int]]) -> str:
    """The chart in one sentence, for readers who do not see it: the highest and the lowest
    share (rows without babies are left out)."""
    shown = [(label, n, d) for label, n, d in rows if d]
    if not shown:
        return _("No baby counted yet.")
    high = max(shown, key=lambda r: (r[1] / r[2], r[2]))
    low = min(shown, key=lambda r: (r[1] / r[2], -r[2]))
    if len(shown) == 1 or high == low:
        return _("%(label)s: %(pct)s%% (%(n)s of %(d)s).") % _share(high)
    return _("Highest: %(high)s. Lowest: %(low)s.") % {
        "high": _("%(label)s, %(pct)s%% (%(n)s of %(d)s)") % _share(high),
        "low": _("%(label)s, %(pct)s%% (%(n)s of %(d)s)") % _share(low),
    }


def _share(row: tuple[str, int, int]) -> dict:
    label, n, d = row
    return {"label": label, "pct": f"{100 * n / d:.0f}", "n": n, "d": d}


def km_summary(curves: Sequence[Curve], months: int = 6) -> str:
    """Each curve's share still exclusively breastfed at its last age shown, in words."""
    parts = []
    for curve in curves:
        inside = [(t, s) for t, s in curve.points if t <= months]
        if not inside or not curve.result.n_used:
            continue
        t, s = inside[-1]
        parts.append(
            _("%(label)s: %(pct)s%% still exclusively breastfed at %(m)s months (n = %(n)s)")
            % {"label": curve.label, "pct": f"{100 * s:.0f}", "m": f"{t:.1f}".rstrip("0").rstrip("."),
               "n": curve.result.n_used}
        )  # fmt: skip
    return "; ".join(parts) + "." if parts else _("No baby counted yet.")
