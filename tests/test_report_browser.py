"""The one-file report as a reader opens it, in Debian's Chromium (Playwright): on a desktop
(1280 px) and on a phone (390 px) the page never scrolls sideways (tables scroll inside their
own wrapper), every chart label is at least 10 px tall on screen, nothing is fetched from
anywhere, and the verdict and the dollar line quote the cells of the tables beside them."""

from __future__ import annotations

import re

import pytest

from sim.hr.report import main

from .conftest import CHROMIUM, CHROMIUM_ARGS

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)

SMALL = ["--employees", "200", "--weeks", "40", "--seeds", "3", "--seed", "5"]
WIDTHS = (1280, 390)
NUMBER = re.compile(r"[+-]?\$?\d+(?:,\d{3})*(?:\.\d+)?(?:%|x)?(?: million)?")

READ_PAGE = """() => {
  const cells = (table) => Object.fromEntries([...document.querySelectorAll(`#${table} tbody tr`)].map(
    tr => [tr.dataset.row, [...tr.querySelectorAll('td')].map(td => ({
      value: (td.firstChild && td.firstChild.nodeType === 3 ? td.firstChild : td).textContent.trim(),
      change: (td.querySelector('.ci') || {textContent: ''}).textContent.trim(),
      text: td.textContent.trim()}))]));
  const texts = [...document.querySelectorAll('svg text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, height: r.height, width: r.width};
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    svgs: document.querySelectorAll('svg').length,
    images: document.querySelectorAll('img').length,
    texts: texts,
    verdict: [...document.querySelectorAll('ul[data-row=overall] li')].map(li => li.textContent),
    dollars: [...document.querySelectorAll('ul.dollars li')].map(li => [li.dataset.row, li.textContent]),
    rule: document.querySelector('#rule').textContent,
    unit: document.querySelector('#unit').textContent,
    dollarTable: cells('dollars'),
    verdictTable: cells('verdict'),
    comparison: cells('comparison'),
    wideTables: [...document.querySelectorAll('table')].filter(
      t => t.getBoundingClientRect().width > t.parentElement.getBoundingClientRect().width + 1
    ).map(t => [t.id, getComputedStyle(t.parentElement).overflowX]),
  };
}"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    out = folder / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        patch.chdir(folder)
        assert main(["token_leaderboard", "team_outcome", *SMALL, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def seen(report) -> dict[int, tuple[dict, list[str]]]:
    return _look(report, READ_PAGE)


def _look(report, script: str) -> dict[int, tuple[dict, list[str]]]:
    """What the page shows at each width, and every request it made beyond its own file."""
    found = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                requests: list[str] = []

                def refuse(route, requests=requests):
                    if route.request.url == report.as_uri():
                        route.continue_()
                    else:
                        requests.append(route.request.url)
                        route.abort()

                page.route("**/*", refuse)
                page.on(
                    "request",
                    lambda r, requests=requests: r.url != report.as_uri() and requests.append(r.url),
                )
                page.goto(report.as_uri(), wait_until="load")
                found[width] = (page.evaluate(script), requests)
                context.close()
        finally:
            browser.close()
    return found


@pytest.mark.parametrize("width", WIDTHS)
def test_no_sideways_scroll_outside_tables(seen, width):
    shown, _ = seen[width]
    assert shown["innerWidth"] == width
    assert shown["scrollWidth"] <= shown["innerWidth"], shown["scrollWidth"]
    for table, overflow in shown["wideTables"]:  # a table wider than its box scrolls inside it
        assert overflow == "auto", table


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_label_is_at_least_10_px_tall(seen, width):
    shown, _ = seen[width]
    assert shown["images"] == 0 and shown["svgs"] >= 5 + 2 * 6  # the verdict's panels, 6 a policy
    texts = [t for t in shown["texts"] if t["text"].strip()]
    assert len(texts) > 100
    small = [t for t in texts if t["height"] < 10]
    assert not small, small[:5]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_network_request(seen, width):
    _, requests = seen[width]
    assert requests == []


def _numbers(text: str) -> list[str]:
    return [n.lstrip("+-") for n in NUMBER.findall(text)]


def _cell_numbers(rows: dict, *keys: str) -> set[str]:
    return {n for key in keys for cell in rows[key] for n in _numbers(cell["text"])}


def test_the_verdict_quotes_the_tables(seen):
    shown, _ = seen[390]
    assert shown["rule"].startswith("The rule. A policy beats measuring nothing only if its cost per unit")
    lines = shown["verdict"]
    assert (
        lines[0] == "No policy beat measuring nothing."
        or " beat measuring nothing: a lower cost per unit" in lines[0]
    )
    allowed = _cell_numbers(shown["verdictTable"], *shown["verdictTable"]) | _cell_numbers(
        shown["comparison"], *shown["comparison"]
    )
    quoted = [n for line in lines for n in _numbers(line)]
    assert quoted and set(quoted) <= allowed, set(quoted) - allowed
    for key, row in shown["verdictTable"].items():  # cost per unit decides; its cell is the comparison's
        cost = row[2]["text"]  # after the name and the start week
        assert shown["comparison"][key][2]["value"] in cost


def test_the_dollar_line_quotes_the_dollar_table(seen):
    shown, _ = seen[390]
    table = shown["dollarTable"]
    assert "one honest 40-hour week" in shown["unit"] and "durability window" in shown["unit"]
    assert {key for key, _ in shown["dollars"]} == set(table)
    for key, line in shown["dollars"]:
        row = table[key]
        posts, salaries, tokens, departures, total, value, per_unit = (c["value"] for c in row[1:])
        assert line.count("$") >= 5 and " a year, salaries " in line and "units of durable value" in line
        assert (
            f"for {posts} posts" in line and f"salaries {salaries}" in line and f"AI tokens {tokens}" in line
        )
        assert f"left {departures}" in line and f"in all {total}" in line
        assert f"for {value} units of durable value" in line and f"{per_unit} a unit" in line
        for cell in row[1:]:
            if cell["change"]:  # a policy's change against measuring nothing, quoted as in the table
                assert f"({cell['change']}" in line, (cell, line)
        assert set(_numbers(line)) <= _cell_numbers(table, key, "b1")


# -- report --org: the verdict across an organisation's plausible versions --------------------

READ_ORG = """() => {
  const rows = (table) => Object.fromEntries([...document.querySelectorAll(`#${table} tbody tr`)].map(
    tr => [tr.dataset.row, [...tr.querySelectorAll('td')].map(td => td.textContent.trim())]));
  const items = (name) => Object.fromEntries([...document.querySelectorAll(`ul[data-row=${name}] li`)].map(
    li => [li.dataset.row, li.textContent]));
  const box = document.querySelector('#org-box');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    texts: [...box.querySelectorAll('svg text')].filter(t => t.textContent.trim()).map(
      t => ({text: t.textContent, height: t.getBoundingClientRect().height})),
    maps: box.querySelectorAll('figure.panel svg').length,
    verdicts: items('org-verdict'),
    dollars: items('org-dollars'),
    decides: items('org-decides'),
    verdictTable: rows('org-verdict'),
    dollarTable: rows('org-dollars'),
    wideTables: [...document.querySelectorAll('table')].filter(
      t => t.getBoundingClientRect().width > t.parentElement.getBoundingClientRect().width + 1
    ).map(t => [t.id, getComputedStyle(t.parentElement).overflowX]),
  };
}"""


@pytest.fixture(scope="module")
def org_seen(tmp_path_factory) -> dict[int, tuple[dict, list[str]]]:
    pytest.importorskip("ema_workbench", reason="report --org needs the [org] extra")
    folder = tmp_path_factory.mktemp("org")
    out = folder / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1767225600")
        patch.chdir(folder)
        argv = ["token_leaderboard", "decoupled_telemetry", "--org", "example:startup", "--points", "64"]
        assert main([*argv, "--weeks", "26", "--seeds", "2", "--out", str(out)]) == 0
    return _look(out, READ_ORG)


@pytest.mark.parametrize("width", WIDTHS)
def test_org_report_reads_on_a_desktop_and_a_phone(org_seen, width):
    shown, requests = org_seen[width]
    assert requests == []
    assert shown["scrollWidth"] <= shown["innerWidth"] == width
    for table, overflow in shown["wideTables"]:
        assert overflow == "auto", table
    assert shown["maps"] >= 1 and shown["texts"]
    small = [t for t in shown["texts"] if t["height"] < 10]
    assert not small, small[:5]


def test_org_verdict_dollar_line_and_what_decides_it_match_their_tables(org_seen):
    shown, _ = org_seen[390]
    assert set(shown["verdicts"]) == set(shown["verdictTable"]) == set(shown["dollars"]) == {"s1", "s2"}
    for key, cells in shown["verdictTable"].items():
        beats, interval, word = cells[1], cells[5], cells[6]
        line = shown["verdicts"][key]
        assert f"{word} measuring nothing here: it beats it in {beats} plausible versions" in line
        assert f"(95% interval {interval})" in line
        total = shown["dollarTable"][key][1].split(" ")[0]
        assert f"total cost {total} a year" in shown["dollars"][key]
        assert "plausible versions" in shown["decides"][key]
