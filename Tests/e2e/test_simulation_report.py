"""`simulate --report`: the HTML report, opened in headless Chromium as a person would open it.

`runpod-autoscaler simulate` runs the flash-crowd example trace and writes the report and the
JSON result; Chromium (Debian's, headless) dumps the page's DOM and takes a screenshot. The page
must name the trace and every strategy of the JSON, state the break-even, hold the four charts as
accessible `<svg>` elements, fetch nothing, and the screenshot must show drawn charts: a good share
of coloured pixels in several of the report's colours over the height of the charts.

Environment: RPA_BINARY, the binary (default <repo>/.build/debug/runpod-autoscaler).
"""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from support import built_binary

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("RPA_BINARY") or (REPO / ".build" / "debug" / "runpod-autoscaler"))
TRACE = REPO / "examples" / "traces" / "flash-crowd.csv"
CONFIG = REPO / "examples" / "simulate.yaml"
CHART_IDS = ("queue-chart", "workers-chart", "cost-chart", "churn-chart")
WINDOW = (1400, 3000)

# The report's chart colours (SimulationReport's palette): blue, orange, green, vermillion, sky.
PALETTE = {
    "blue": (0x00, 0x72, 0xB2),
    "orange": (0xE6, 0x9F, 0x00),
    "green": (0x00, 0x9E, 0x73),
    "vermillion": (0xD5, 0x5E, 0x00),
    "sky": (0x56, 0xB4, 0xE9),
}
PAGE_BACKGROUND = (0xF3, 0xF5, 0xF8)


class _Page(html.parser.HTMLParser):
    """The DOM's visible text, and each `<svg>`'s attributes and whether a `<title>` opens it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.svgs: dict[str, dict[str, str]] = {}
        self.titled: set[str] = set()
        self.tags: list[str] = []
        self._svg: str | None = None
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attributes = {k: v or "" for k, v in attrs}
        if tag in ("style", "script"):
            self._hidden += 1
        if tag == "svg":
            self._svg = attributes.get("id", "")
            self.svgs[self._svg] = attributes
        elif tag == "title" and self._svg is not None:
            self.titled.add(self._svg)

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._hidden -= 1
        if tag == "svg":
            self._svg = None

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)

    @property
    def plain_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    """(report.html, the parsed --json result) of `simulate` on the flash-crowd trace."""
    binary = built_binary()
    out = tmp_path_factory.mktemp("simulate")
    page, result = out / "report.html", out / "result.json"
    run = subprocess.run(
        [str(binary), "simulate", "--trace", str(TRACE), "--config", str(CONFIG),
         "--report", str(page), "--json", str(result), "--seed", "7"],
        capture_output=True, text=True, timeout=600, cwd=REPO)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert page.is_file() and result.is_file(), f"simulate wrote no report or JSON in {out}"
    return page, json.loads(result.read_text())


@pytest.fixture(scope="module")
def browser(report, tmp_path_factory) -> tuple[_Page, Path]:
    """The report as headless Chromium sees it: (the parsed DOM, a 1400×3000 screenshot)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed (make deps-system installs Debian's chromium)")
    page, _ = report
    out = tmp_path_factory.mktemp("chromium")
    common = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--no-first-run", f"--user-data-dir={out / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0 and "<html" in dom.stdout, dom.stderr[-4000:]
    png = out / "report.png"
    shot = subprocess.run([*common, f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                           page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and png.is_file(), shot.stderr[-4000:]
    parsed = _Page()
    parsed.feed(dom.stdout)
    return parsed, png


def test_the_page_names_the_trace_the_strategies_and_the_break_even(report, browser):
    _, result = report
    page, _ = browser
    text = page.plain_text
    assert result["traceName"] in text
    assert len(result["strategies"]) >= 2
    for strategy in result["strategies"]:
        assert strategy["name"] in text, f"strategy {strategy['name']!r} is not on the page"
    for bound in result["bounds"]:
        assert bound["name"] in text
    assert "break-even" in text.lower()
    clairvoyant = next(s for s in result["strategies"] if s["name"] == "clairvoyant")
    assert "is a reference, not a bound" in text
    assert f"${clairvoyant['totals']['burstDollars']:,.2f}" in text, "the clairvoyant's cost is not stated"
    hours = result["breakEvenHoursPerMonth"]
    assert any(f"{n:,} hours a month" in text for n in (int(hours), int(hours) + 1)), "no break-even hours"


def test_the_four_charts_are_accessible_svgs_and_nothing_is_fetched(report, browser):
    page, _ = browser
    for chart in CHART_IDS:
        assert chart in page.svgs, f"no <svg id={chart!r}> in the DOM"
        attributes = page.svgs[chart]
        assert attributes.get("role") == "img" and "chart" in attributes.get("class", "").split()
        assert chart in page.titled, f"<svg id={chart!r}> has no <title>"
    source = report[0].read_text()
    assert "http://" not in source and "https://" not in source
    assert not {"script", "link", "img", "iframe"} & set(page.tags)


def _near(pixel, colour, tolerance=40) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, colour)) <= tolerance


def test_the_screenshot_shows_drawn_charts(browser):
    _, png = browser
    image = Image.open(png).convert("RGB")
    width, height = image.size
    assert (width, height) == WINDOW
    # Sample every other pixel of every other row: plenty for shares, four times quicker.
    small = image.resize((width // 2, height // 2), Image.Resampling.NEAREST)
    raw = small.tobytes()
    pixels = list(zip(raw[0::3], raw[1::3], raw[2::3]))
    columns = small.size[0]
    rows_by_colour: dict[str, list[int]] = {name: [] for name in PALETTE}
    for index, pixel in enumerate(pixels):
        for name, colour in PALETTE.items():
            if _near(pixel, colour):
                rows_by_colour[name].append(index // columns)
                break
    drawn = {name: rows for name, rows in rows_by_colour.items() if len(rows) >= 100}
    assert len(drawn) >= 4, {name: len(rows) for name, rows in rows_by_colour.items()}

    # The charts: the rows holding the chart colours, less the 2% at either end (the table's swatches);
    # blue is left out, since the headline cards are edged in it. Four stacked charts are tall.
    chart_rows = sorted(row for name, rows in drawn.items() if name != "blue" for row in rows)
    top = chart_rows[len(chart_rows) * 2 // 100]
    bottom = chart_rows[len(chart_rows) * 98 // 100]
    assert (bottom - top) * 2 >= 1000, f"chart colours only between y={top * 2} and y={bottom * 2}"
    area = pixels[top * columns:(bottom + 1) * columns]
    ink = [p for p in area if not _near(p, (255, 255, 255), 12) and not _near(p, PAGE_BACKGROUND, 6)]
    share = len(ink) / len(area)
    # A day with one 20-minute crowd leaves most of the plot quiet: 5 % of the area is ink enough.
    assert share >= 0.05, f"only {share:.1%} of the chart area is drawn"
    buckets: dict[tuple[int, int, int], int] = {}
    for r, g, b in ink:
        key = (r // 48, g // 48, b // 48)
        buckets[key] = buckets.get(key, 0) + 1
    distinct = [key for key, count in buckets.items() if count >= 0.005 * len(ink)]
    assert len(distinct) >= 5, f"{len(distinct)} distinct colours drawn: {sorted(buckets.items())[:20]}"
