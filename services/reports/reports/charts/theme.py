"""One look for every chart and the map: fonts, colours, sizes (a Vega-Lite `config`)."""

from __future__ import annotations

from typing import Any

import altair as alt
from smartcity_vocabulary import ParticipantStatus

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#1f2933"
MUTED = "#616e7c"
ACCENT = "#0b5394"
# the participant flow from first step to last, light to dark
STEP_COLOURS: dict[str, str] = {
    ParticipantStatus.APPLIED: "#c6dbef",
    ParticipantStatus.ASSESSED: "#9ecae1",
    ParticipantStatus.SELECTED: "#6baed6",
    ParticipantStatus.MOU_SIGNED: "#3182bd",
    ParticipantStatus.MENTORING: "#08519c",
    ParticipantStatus.COMPLETED: "#2ca25f",
}
WIDTH, HEIGHT = 560, 260


def inline(values: list[dict[str, Any]]) -> alt.Data:
    """Data carried in the specification itself (altair's `Data` is not typed)."""
    return alt.Data(values=values)  # type: ignore[no-untyped-call]


def config() -> dict[str, Any]:
    return {
        "font": FONT,
        "background": "white",
        "padding": 12,
        "view": {"stroke": None},
        "title": {"fontSize": 15, "color": INK, "anchor": "start", "subtitleColor": MUTED, "subtitleFontSize": 11},
        "axis": {
            "labelFontSize": 11,
            "titleFontSize": 11,
            "labelColor": INK,
            "titleColor": MUTED,
            "gridColor": "#e4e7eb",
            "domainColor": "#9aa5b1",
            "tickColor": "#9aa5b1",
        },
        "legend": {"labelFontSize": 11, "titleFontSize": 11, "labelColor": INK, "titleColor": MUTED},
        "bar": {"color": ACCENT},
        "text": {"color": INK, "fontSize": 11},
    }
