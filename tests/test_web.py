"""report.html, the screen edition, in a real browser: Debian's Chromium, headless, driven by
Playwright (no browser of its own), checked by axe-core against the WCAG 2.0/2.1 A and AA rules
at a desktop and a phone width.

One report build is shared (module fixture): the fictitious example data, so that the marking,
coloured progress chips and override notes are all on the page. The screenshots go to
$AFSPRAKEN_SCREENSHOTS when set (else a pytest temporary directory); look at them after a change
to the report's look.
"""

import html
import os
import re
import shutil
import struct
from pathlib import Path

import pytest
from pypdf import PdfReader

from afspraken_analysis import report
from afspraken_analysis.paths import EXAMPLE_MONITORING_DIR
from afspraken_analysis.report import params, pdf, web
from afspraken_analysis.report.build import build_report

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# root in a container needs --no-sandbox; the rest keeps a closed network quiet and fast
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs") / "voorbeeld"
    p = params.validate({"year": 2025, "monitoring": str(EXAMPLE_MONITORING_DIR)})
    build_report(p, out, progress=report.Progress(quiet=True))
    return out


@pytest.fixture(scope="module")
def page_html(built) -> str:
    return (built / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_bodies(built) -> str:
    """The HTML the PDF and the web edition are made from (each executed notebook's outputs)."""
    return "".join(
        pdf.notebook_html(pdf.read_notebook(path))
        for path in sorted((built / "notebooks").glob("*.ipynb"))
    )


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make setup` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # executable_path: Debian's Chromium; Playwright never downloads a browser of its own
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    where = os.environ.get("AFSPRAKEN_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        return Path(where)
    return tmp_path_factory.mktemp("screenshots")


def open_page(browser, built, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    # a full-page screenshot of a tall page with large images takes long on a busy 2-core machine
    page.set_default_timeout(180_000)
    page.goto((built / "report.html").as_uri())
    return page


def png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


def test_the_page_stands_alone(page_html):
    """Nothing is fetched from elsewhere: every image is inside the page, no fonts or scripts by URL."""
    assert not re.search(r"""\bsrc\s*=\s*(?!["']?data:)""", page_html)
    assert not re.search(r"url\(\s*['\"]?(?!data:)", page_html)
    assert "<link" not in page_html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page_html
    assert '<html lang="nl">' in page_html


def test_figures_and_tables_are_those_of_the_pdf(page_html, pdf_bodies):
    """The same figures (same image, same alternative text) and the same captions, source and
    caveat lines as the PDF, in the same order."""
    img = re.compile(r'<img alt="([^"]*)" src="(data:image/png;base64,[^"]+)"')
    assert img.findall(page_html) == img.findall(pdf_bodies)
    assert len(img.findall(page_html)) >= 5
    lines = re.compile(r'<p class="(?:source|caveat)">(.*?)</p>', re.S)
    assert lines.findall(page_html) == lines.findall(pdf_bodies)
    titles = re.findall(r'<p class="title">(.*?)</p>', pdf_bodies, re.S)
    shown = re.findall(
        r'<p class="title" id="[^"]+"[^>]*><span class="number">[^<]*</span> (.*?)</p>',
        page_html,
        re.S,
    )
    assert shown == titles


def test_figure_and_table_numbers_match_the_pdf(built, page_html):
    """The PDF numbers captions with CSS counters; the page writes the numbers out: they agree."""
    pdf_text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(built / "report.pdf").pages
    )
    numbered = re.findall(
        r'<span class="number">((?:Figuur|Tabel) \d+):</span> ([^<]{1,40})', page_html
    )
    assert len(numbered) >= 15
    for number, title in numbered:
        start = " ".join(html.unescape(title).split()[:3])
        assert f"{number}: {start}" in pdf_text, (number, start)


def test_every_table_has_a_caption_header_cells_and_a_labelled_scroll_box(page_html):
    blocks = re.findall(r'<div class="table-block".*?</table>', page_html, re.S)
    assert len(blocks) >= 10
    for block in blocks:
        assert '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="' in block
        assert re.search(r"<caption[^>]*>.+?</caption>", block, re.S)
        header_cells = re.findall(r"<th(?=[\s>])[^>]*>", block)
        assert header_cells and all(re.search(r'\bscope="(?:col|row)"', c) for c in header_cells)
        assert re.search(r'<thead><tr><th [^>]*\bscope="col"[^>]*>.+?</tr></thead>', block, re.S)


def test_no_wcag_a_or_aa_violations_at_desktop_and_phone_width(browser, built, screenshots):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    for width in WIDTHS:
        page = open_page(browser, built, width)
        shot = screenshots / f"report-{width}.png"
        page.screenshot(path=shot, full_page=True)
        assert png_width(shot) == width
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, results.generate_report()
        page.close()


# every element that reaches beyond the viewport's left or right edge, except what lies inside a
# table's scroll box (the box itself must fit)
OUTSIDE_THE_VIEWPORT = """
[...document.body.querySelectorAll('*')]
  .filter(e => !e.parentElement.closest('.table-scroll'))
  .map(e => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 0 && (r.left < -0.5 || r.right > innerWidth + 0.5))
  .map(([e, r]) => `${e.tagName.toLowerCase()}.${e.className} ${r.left}-${r.right}`)
"""


def test_table_head_rows_stay_in_thead_when_header_cells_get_a_scope():
    """Only <th> cells get scope="col": <thead> (which also starts with "<th") stays as it is."""
    body = (
        '<div class="table-block" id="t"><table class="report-table"><caption>c</caption>'
        '<thead><tr><th class="txt">A</th><th scope="row">B</th></tr></thead>'
        "<tbody><tr><th>C</th><td>1</td></tr></tbody></table></div>"
    )
    wrapped = web.responsive_tables(body)
    assert '<thead><tr><th scope="col" class="txt">A</th><th scope="row">B</th></tr></thead>' in (
        wrapped
    )
    assert '<tbody><tr><th scope="col">C</th><td>1</td>' in wrapped


def test_readable_on_a_phone(browser, built):
    """At 390 px nothing makes the page scroll sideways: images fit, wide tables scroll inside
    their own box (which says so with a shadow at its edge), and the summary table fits."""
    page = open_page(browser, built, 390)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert page.evaluate(OUTSIDE_THE_VIEWPORT) == []
    # the one-page summary shows its progress column without scrolling: the table fits its box
    summary = page.query_selector(".table-scroll:has(> table.summary-targets)")
    needed, shown = summary.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert needed <= shown
    sizes = page.evaluate(
        "[...document.images].map(i => [i.complete && i.naturalWidth, i.getBoundingClientRect().right])"
    )
    assert sizes and all(natural > 0 and right <= 390 for natural, right in sizes)
    wide = page.evaluate(
        "[...document.querySelectorAll('.table-scroll')].filter(b => b.scrollWidth > b.clientWidth)"
        ".map(b => b.parentNode.classList.contains('more-right'))"
    )
    assert wide, "expected at least one table wider than a phone (the agreements)"
    assert all(wide)
    box = page.query_selector(".table-frame.more-right .table-scroll")  # this box, not a query
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; b.dispatchEvent(new Event('scroll')); }")
    assert not box.evaluate("b => b.parentNode.classList.contains('more-right')")  # at the end
    page.close()


def test_skip_link_landmarks_and_the_fictitious_marking_stay_in_reach(browser, built):
    page = open_page(browser, built, 390)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    for role in ("banner", "navigation", "main", "contentinfo"):
        assert page.get_by_role(role).count() == 1, role
    # the PDF marks every page; the page keeps the marking in view however far one scrolls
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    top = page.evaluate("document.elementFromPoint(195, 5).closest('.example-ribbon') !== null")
    assert top
    assert page.title().startswith("Voorbeeld, fictieve cijfers")
    page.close()
