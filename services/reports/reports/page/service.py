"""The printable page: the overview, its charts and the map drawn inline (data: URIs), no script, no
external asset, numbers and dates written the way the reader's language writes them (Babel)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession

from ..charts import specs, tilemap
from ..charts.render import render
from ..charts.words import scope_label
from ..overview.service import PROGRAMME_ZONE, overview
from ..scope import Scope
from ..vocabulary import REACHED, Lang
from .words import PAGE_WORDS

_templates = Environment(loader=PackageLoader("reports", "page/templates"), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class InlineImage:
    name: str
    src: str
    width: int
    height: int
    alt: str


def inline_svg(name: str, svg: bytes, alt: str) -> InlineImage:
    root = ElementTree.fromstring(svg)
    width, height = (int(float(root.get(a, "0"))) for a in ("width", "height"))
    return InlineImage(name, "data:image/svg+xml;base64," + base64.b64encode(svg).decode(), width, height, alt)


async def programme_page(session: AsyncSession, scope: Scope, lang: Lang) -> str:
    report = await overview(session, scope, lang)
    w = {key: words[lang] for key, words in PAGE_WORDS.items()}
    charts = []
    for name, draw in (("funnel", specs.funnel), ("stages", specs.stages), ("map", tilemap.tile_map)):
        spec = draw(report, scope, lang)
        charts.append(inline_svg(name, await render(spec, "svg"), spec["title"]["text"]))

    def number(n: int) -> str:
        return format_decimal(n, locale=lang)

    def percent(rate: float) -> str:
        return format_percent(rate, format="#,##0.0%", locale=lang)

    def day(d: date | None) -> str:
        return format_date(d, format="long", locale=lang) if d else "–"

    summary = report.summary
    reached_regions = sum(r.participants for r in report.statuses if r.status in REACHED)
    people = PAGE_WORDS["people"][lang].format(
        regions=number(reached_regions),
        people=format_compact_decimal(summary.population_reached, fraction_digits=1, locale=lang),
    )
    provinces = [
        {**row.model_dump(), "taking_part": row.participants - row.rejected - row.withdrawn}
        for row in report.provinces
        if row.participants
    ]
    return _templates.get_template("programme.html").render(
        lang=lang,
        w=w,
        scope_label=scope_label(scope, lang),
        as_of=format_date(datetime.now(PROGRAMME_ZONE).date(), format="long", locale=lang),
        kpis=[
            ("participants", number(summary.participants)),
            ("taking_part", number(summary.taking_part)),
            ("mous_signed", number(summary.mous_signed)),
            ("tracks_active", number(summary.tracks_active)),
            ("tracks_completed", number(summary.tracks_completed)),
            ("completion_rate", percent(summary.completion_rate)),
            ("population_reached", format_compact_decimal(summary.population_reached, fraction_digits=1, locale=lang)),
        ],
        people_sentence=people,
        charts=charts[:2],
        map=charts[2],
        report=report,
        provinces=provinces,
        number=number,
        percent=percent,
        day=day,
    )
