"""The printable page: the overview with its charts and map inline, no script, no external asset; in headless
chromium every image renders, the page prints to A4 landscape PDF, and pdftoppm makes page one a PNG."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image
from smartcity_dev.testing import skip_without

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PDFTOPPM = shutil.which("pdftoppm")
PDFINFO = shutil.which("pdfinfo")


@pytest.fixture
async def year(feeds, catch_up):
    for i in range(12):
        region = f"{(32, 35, 73, 91)[i % 4]}.{71 + i:02d}"
        steps = ("applied", "assessed", "selected", "mou_signed", "mentoring", "completed")[: 3 + i % 4]
        pid = feeds.walk(region, "2027", *steps)
        if len(steps) >= 5:
            feeds.track(
                pid, region, "2027", *(("bimtek_2", "bimtek_3", "bimtek_4", "completed") if len(steps) == 6 else ())
            )
        feeds.statistics(region, 250_000 + 10_000 * i)
    await catch_up()


async def page(client, as_role, query: str = "?phase_code=2027") -> str:
    response = await client.get(f"/api/v1/reports/programme.html{query}", headers=as_role("operator"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"].startswith("default-src 'none'; img-src data:")
    return response.text


async def test_the_page_holds_everything_it_shows(year, client, as_role):
    html = await page(client, as_role)
    assert "<script" not in html.lower()
    assert re.findall(r'(?:src|href)="(?!data:)[^"]*"', html) == []  # nothing fetched from anywhere
    assert "@page { size: A4 landscape;" in html
    images = re.findall(r'<figure id="chart-(\w+)"><img src="data:image/svg\+xml;base64,([^"]+)" width="(\d+)"', html)
    assert [name for name, _, _ in images] == ["funnel", "stages", "map"]
    for _, data, width in images:
        svg = ElementTree.fromstring(base64.b64decode(data))
        assert int(float(svg.get("width"))) == int(width) > 0
    assert "Laporan Gerakan Menuju 100 Smart City" in html and "Tahap 2027" in html
    # nine regions reached mou_signed or beyond, home to 2,790,000 people: written the Indonesian way
    assert (
        "9 daerah yang menandatangani MoU dan masih ikut serta dihuni 2,8\xa0jt penduduk." in html
    )  # Babel: a no-break space before the unit
    assert '<tr><td>Selesai</td><td class="n">3</td><td class="n">960.000</td></tr>' in html
    english = await page(client, as_role, "?phase_code=2027&lang=en")
    assert "The 9 regions that signed an MoU and still take part are home to 2.8M people." in english


async def test_an_empty_phase_is_a_page_of_zeros(feeds, catch_up, client, as_role):
    feeds.walk("32.73", "2030", "applied", "withdrawn")
    await catch_up()
    html = await page(client, as_role, "?phase_code=2030")
    stages = base64.b64decode(re.findall(r"base64,([^\"]+)", html)[1]).decode()
    assert "Belum ada data" in stages  # no track: a labelled empty chart
    assert (
        await client.get("/api/v1/reports/programme.html?phase_code=2099", headers=as_role("operator"))
    ).status_code == 404


PROBE = """<script>
window.addEventListener('load', () => {
  const images = [...document.images].map(i => ({id: i.parentElement.id, complete: i.complete,
    width: i.naturalWidth, height: i.naturalHeight, shown: i.getBoundingClientRect().width}));
  const out = document.createElement('pre'); out.id = 'probe'; out.textContent = JSON.stringify(images);
  document.body.appendChild(out);
});
</script>"""


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )


async def test_in_a_browser_every_chart_renders_and_page_one_prints(year, client, as_role, tmp_path):
    if not Path(CHROMIUM).exists():
        skip_without("chromium", "chromium is not installed (apt-get install chromium); .ci/run installs it")
    if PDFTOPPM is None or PDFINFO is None:
        skip_without("poppler", "pdftoppm/pdfinfo are not installed (apt-get install poppler-utils); .ci/run does")
    html = await page(client, as_role)
    # the page as served (what prints), and a copy with a probe the test adds (the page has no script)
    served = tmp_path / "programme.html"
    served.write_text(html)
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("</body>", PROBE + "</body>"))

    dom = await asyncio.to_thread(
        chromium, "--virtual-time-budget=10000", "--dump-dom", probed.as_uri(), profile=tmp_path / "profile-1"
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stdout[-2000:]
    images = json.loads(found.group(1).replace("&quot;", '"'))
    assert [i["id"] for i in images] == ["chart-funnel", "chart-stages", "chart-map"]
    for image in images:  # none broken: loaded, with a size, and laid out on the page
        assert image["complete"] and image["width"] > 0 and image["height"] > 0 and image["shown"] > 0, image

    pdf = tmp_path / "programme.pdf"
    printed = await asyncio.to_thread(
        chromium, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", served.as_uri(), profile=tmp_path / "profile-2"
    )
    assert printed.returncode == 0 and pdf.exists(), printed.stderr[-2000:]
    assert pdf.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = (float(v) for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert pages >= 3  # the overview, the map, the tables
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points

    subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page-*1.png")
    with Image.open(png) as picture:
        assert picture.width > picture.height
        grey = picture.convert("L")
        inked = sum(1 for value in grey.get_flattened_data() if value < 200)
    assert inked / (picture.width * picture.height) > 0.02  # text, KPIs and two charts, not a blank page
    print(f"page one of the printed report: {png}")
