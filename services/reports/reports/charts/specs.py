"""The charts of the overview as Vega-Lite specifications (altair), one look for all (theme.py)."""

from __future__ import annotations

from typing import Any

import altair as alt

from ..masterplans.schemas import MasterPlansReport
from ..mentoring.schemas import MentoringReport
from ..monitoring.schemas import MonitoringReport
from ..overview.schemas import Overview
from ..scope import Scope
from ..vocabulary import DIMENSIONS, Lang, label
from . import theme
from .words import scope_label, word


def _finish(chart: alt.TopLevelMixin, title: str, scope: Scope, lang: Lang) -> dict[str, Any]:
    spec = chart.properties(title=alt.Title(title, subtitle=scope_label(scope, lang))).to_dict(validate=False)
    spec["config"] = theme.config()
    return spec


def _bars(rows: list[dict[str, Any]], value_title: str, lang: Lang) -> alt.TopLevelMixin:
    """Horizontal bars in the given order, each with its number; a note over them when all are zero."""
    data = theme.inline(rows)
    order = [r["label"] for r in rows]
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=180)),
        x=alt.X("value:Q", title=value_title, axis=alt.Axis(tickMinStep=1, format="d")),
    )
    bars = base.mark_bar(cornerRadiusEnd=2).encode(color=alt.Color("colour:N", scale=None, legend=None))
    numbers = base.mark_text(align="left", dx=4).encode(text=alt.Text("value:Q", format=",d"))
    layers = [bars, numbers]
    if not any(r["value"] for r in rows):
        note = (
            alt.Chart(theme.inline([{"text": word("no_data", lang)}]))
            .mark_text(fontSize=14, color=theme.MUTED)
            .encode(text="text:N")
        )
        layers.append(note)
    return alt.layer(*layers).properties(width=theme.WIDTH, height=theme.HEIGHT)


def funnel(report: Overview, scope: Scope, lang: Lang) -> dict[str, Any]:
    rows = [
        {"label": r.label, "value": r.reached, "colour": theme.STEP_COLOURS.get(r.step, theme.ACCENT)}
        for r in report.funnel
    ]
    return _finish(_bars(rows, word("participants", lang), lang), word("funnel", lang), scope, lang)


def stages(report: Overview, scope: Scope, lang: Lang) -> dict[str, Any]:
    rows = [{"label": r.label, "value": r.tracks, "colour": theme.ACCENT} for r in report.stages]
    rows.append({"label": word("completed", lang), "value": report.summary.tracks_completed, "colour": "#2ca25f"})
    return _finish(_bars(rows, word("tracks", lang), lang), word("stages", lang), scope, lang)


def waiting(report: MentoringReport, scope: Scope, lang: Lang) -> dict[str, Any]:
    colours = ("#9ecae1", "#6baed6", "#f4a259", "#d1495b")  # the longer the wait, the warmer
    rows = [
        {"label": r.label, "value": r.deliverables, "colour": colour}
        for r, colour in zip(report.waiting_by_age, colours, strict=True)
    ]
    return _finish(_bars(rows, word("deliverables", lang), lang), word("waiting", lang), scope, lang)


def initiatives(report: MasterPlansReport, scope: Scope, lang: Lang) -> dict[str, Any]:
    rows = [
        {
            "label": f"{r.label} ({r.quick_wins} {word('quick_wins', lang)})",
            "value": r.initiatives,
            "colour": theme.ACCENT,
        }
        for r in report.dimensions
    ]
    return _finish(_bars(rows, word("initiative_count", lang), lang), word("initiatives", lang), scope, lang)


def achievement(report: MonitoringReport, scope: Scope, lang: Lang) -> dict[str, Any]:
    """The latest period with accepted results: each dimension's mean achievement in percent."""
    with_results = [r.period_code for r in report.achievement if r.regions]
    period = with_results[-1] if with_results else None
    rows = [
        {
            "label": f"{r.label} ({r.regions})",
            "value": round((r.achievement or 0) * 100),
            "colour": theme.ACCENT,
        }
        for r in report.achievement
        if r.period_code == period
    ] or [{"label": label, "value": 0, "colour": theme.ACCENT} for label in _dimension_labels(lang)]
    title = word("achievement", lang) + (f", {word('period', lang)} {period}" if period else "")
    return _finish(_bars(rows, word("achievement_percent", lang), lang), title, scope, lang)


def _dimension_labels(lang: Lang) -> list[str]:
    return [label(d, lang) for d in DIMENSIONS]
