"""The tile-grid map of Indonesia: each of the 38 provinces a tile at its place (provinces.py), coloured by
how many of its kabupaten/kota take part, with a bar of how far they are (applied ... completed)."""

from __future__ import annotations

from typing import Any

import altair as alt
from smartcity_vocabulary import ParticipantStatus

from ..overview.schemas import Overview, ProvinceRow
from ..provinces import PROVINCES, ROWS
from ..scope import Scope
from ..vocabulary import Lang, label
from . import theme
from .words import scope_label, word

TILE = 58  # pixels per grid unit
GAP = 0.08
# the bar's segments, in the order of the flow: where the regions taking part are now
SEGMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ParticipantStatus.APPLIED, (ParticipantStatus.APPLIED, ParticipantStatus.ASSESSED, ParticipantStatus.WAITLISTED)),
    (ParticipantStatus.SELECTED, (ParticipantStatus.SELECTED,)),
    (ParticipantStatus.MOU_SIGNED, (ParticipantStatus.MOU_SIGNED,)),
    (ParticipantStatus.MENTORING, (ParticipantStatus.MENTORING,)),
    (ParticipantStatus.COMPLETED, (ParticipantStatus.COMPLETED,)),
)


def _taking_part(row: ProvinceRow | None) -> int:
    return 0 if row is None else row.participants - row.rejected - row.withdrawn


Rows = list[dict[str, Any]]


def tile_data(report: Overview, lang: Lang) -> tuple[Rows, Rows, Rows]:
    """(tiles, bar segments, legend) in grid units: x to the east, y to the south."""
    by_code = {p.province_code: p for p in report.provinces}
    most = max((_taking_part(by_code.get(p.code)) for p in PROVINCES), default=0)
    tiles: Rows = []
    segments: Rows = []
    for province in PROVINCES:
        row = by_code.get(province.code)
        n = _taking_part(row)
        x, y = province.column, province.row
        tiles.append(
            {
                "code": province.code,
                "name": province.short,
                "full_name": province.name,
                "n": n,
                "x": x,
                "x2": x + 1 - GAP,
                "y": y,
                "y2": y + 1 - GAP,
                "ink": "white" if most and n > most / 2 else theme.INK,
                "count": str(n) if n else "–",
            }
        )
        if row is None or n == 0:
            continue
        left: float = x + 0.08
        width = 1 - GAP - 0.16
        for step, statuses in SEGMENTS:
            share = sum(getattr(row, s) for s in statuses) / n
            if share:
                segments.append(
                    {
                        "x": left,
                        "x2": left + share * width,
                        "y": y + 0.72,
                        "y2": y + 0.82,
                        "colour": theme.STEP_COLOURS[step],
                    }
                )
                left += share * width
    legend: Rows = []
    for index, (step, _) in enumerate(SEGMENTS):
        key_x = index * 2.2
        legend.append(
            {
                "x": key_x,
                "x2": key_x + 0.3,
                "y": ROWS + 0.25,
                "y2": ROWS + 0.55,
                "colour": theme.STEP_COLOURS[step],
                "label": label(step, lang),
                "tx": key_x + 0.4,
                "ty": ROWS + 0.4,
            }
        )
    return tiles, segments, legend


def tile_map(report: Overview, scope: Scope, lang: Lang) -> dict[str, Any]:
    tiles, segments, legend = tile_data(report, lang)
    columns = max(p.column for p in PROVINCES) + 1
    x_scale = alt.Scale(domain=[0, columns], nice=False, zero=False)
    y_scale = alt.Scale(domain=[0, ROWS + 1], nice=False, zero=False, reverse=True)
    x, y = alt.X("x:Q", scale=x_scale, axis=None), alt.Y("y:Q", scale=y_scale, axis=None)
    most = max((t["n"] for t in tiles), default=0)
    fill = alt.Color(
        "n:Q",
        scale=alt.Scale(domain=[0, max(most, 1)], range=["#eef2f7", theme.ACCENT]),
        legend=alt.Legend(title=word("taking_part", lang), orient="right", format="d", tickMinStep=1),
    )
    base = alt.Chart(theme.inline(tiles))
    layers = [
        base.mark_rect(cornerRadius=3).encode(
            x=x, x2="x2:Q", y=y, y2="y2:Q", color=fill, tooltip=["full_name:N", "n:Q"]
        ),
        base.transform_calculate(tx="datum.x + 0.46", ty="datum.y + 0.2")
        .mark_text(fontSize=10)
        .encode(
            x=alt.X("tx:Q", scale=x_scale, axis=None),
            y=alt.Y("ty:Q", scale=y_scale, axis=None),
            text="name:N",
            color=alt.Color("ink:N", scale=None),
        ),
        base.transform_calculate(tx="datum.x + 0.46", ty="datum.y + 0.47")
        .mark_text(fontSize=17, fontWeight="bold")
        .encode(
            x=alt.X("tx:Q", scale=x_scale, axis=None),
            y=alt.Y("ty:Q", scale=y_scale, axis=None),
            text="count:N",
            color=alt.Color("ink:N", scale=None),
        ),
    ]
    if segments:
        layers.append(
            alt.Chart(theme.inline(segments))
            .mark_rect()
            .encode(x=x, x2="x2:Q", y=y, y2="y2:Q", color=alt.Color("colour:N", scale=None))
        )
    keys = alt.Chart(theme.inline(legend))
    layers.append(keys.mark_rect().encode(x=x, x2="x2:Q", y=y, y2="y2:Q", color=alt.Color("colour:N", scale=None)))
    layers.append(
        keys.mark_text(align="left", fontSize=11).encode(
            x=alt.X("tx:Q", scale=x_scale, axis=None), y=alt.Y("ty:Q", scale=y_scale, axis=None), text="label:N"
        )
    )
    if not most:
        layers.append(
            alt.Chart(theme.inline([{"text": word("no_data", lang), "x": columns / 2, "y": ROWS / 2}]))
            .mark_text(fontSize=16, color=theme.MUTED)
            .encode(x=x, y=y, text="text:N")
        )
    chart = alt.layer(*layers).properties(width=columns * TILE, height=(ROWS + 1) * TILE)
    title = alt.Title(word("map", lang), subtitle=scope_label(scope, lang))
    spec = chart.properties(title=title).to_dict(validate=False)
    spec["config"] = theme.config()
    return spec
