"""The one-file policy report, built at a reduced size: self-contained, escaped, and every
number in its findings taken from its own comparison table."""

from __future__ import annotations

import base64
import html
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from sim.hr.report import MAX_BYTES, main

from .conftest import CHROMIUM, CHROMIUM_ARGS

SMALL = ["--employees", "150", "--weeks", "40", "--seeds", "3", "--seed", "3"]
HOSTILE = "<script>alert('x')</script> leaderboard"


MADE = "1767225600"  # 1 January 2026, 00:00 UTC


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str, Path]:
    """The report of a hostile-named scenario file and a preset, through the command line, run
    from the scenario's folder and given the file's absolute path."""
    folder = tmp_path_factory.mktemp("report")
    scenario = folder / "hostile.yaml"
    scenario.write_text(
        f'name: "{HOSTILE}"\ndescription: "Ranked by tokens & prompts"\n'
        "regime: token_leaderboard\nset: {regime.pressure: 0.8, regime.start_week: 20}\n"
    )
    out = folder / "report.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", MADE)
        patch.chdir(folder)
        assert main([str(scenario), "team_outcome", *SMALL, "--out", str(out)]) == 0
    return out, out.read_text(encoding="utf-8"), scenario


class Page(HTMLParser):
    """Collects what the tests read: resource references, table cells, findings, cards."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.tables: dict[str, dict[str, list[str]]] = {}  # table id -> row -> cells
        self.cells: dict[str, list[str]] = {}  # the comparison table's
        self.findings: dict[str, list[str]] = {}
        self.baseline_of: dict[str, str] = {}
        self.cards: dict[str, int] = {}
        self.links: list[tuple[str, str]] = []
        self._row = self._list = self._section = self._table = None
        self._in_cell = self._in_item = False
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.refs += [v for k, v in attrs if k in ("src", "href", "action", "poster", "data") and v]
        if tag == "a" and a.get("download"):
            self.links.append((a["download"], a["href"]))
        if tag == "table" and a.get("id"):
            self._table = self.tables.setdefault(a["id"], {})
            if a["id"] == "comparison":
                self.cells = self._table
        if tag == "tr" and self._table is not None and a.get("data-row"):
            self._row = a.get("data-row")
            self._table[self._row] = []
        if tag == "td" and self._row:
            self._in_cell, self._text = True, ""
        if tag == "section" and "scenario" in (a.get("class") or ""):
            self._section = a["data-row"]
            self.baseline_of[self._section] = a["data-baseline"]
            self.cards[self._section] = 0
        if tag == "div" and a.get("class") == "card" and self._section:
            self.cards[self._section] += 1
        if tag == "ul" and "findings" in (a.get("class") or ""):
            self._list = a["data-row"]
            self.findings[self._list] = []
        if tag == "li" and self._list:
            self._in_item, self._text = True, ""

    def handle_endtag(self, tag):
        if tag == "td" and self._in_cell:
            self._table[self._row].append(self._text)
            self._in_cell = False
        if tag == "table":
            self._table, self._row = None, None
        if tag == "li" and self._in_item:
            self.findings[self._list].append(self._text)
            self._in_item = False
        if tag == "ul":
            self._list = None
        if tag == "section":
            self._section = None

    def handle_data(self, data):
        if self._in_cell or self._in_item:
            self._text += data + " "  # elements are separate words


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


NUMBER = re.compile(r"\$?\d+(?:,\d{3})*(?:\.\d+)?(?:%|x)?")


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def test_a_single_self_contained_document(built):
    path, text, _ = built
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert text.lower().count("<html") == 1 and text.lower().count("</html>") == 1
    assert path.stat().st_size <= MAX_BYTES
    assert "http:" not in text.lower() and "https:" not in text.lower()  # not even an SVG namespace
    assert "@import" not in text and not re.search(r"url\((?!#)", text)  # only the charts' own clip paths
    assert "<script" not in text.lower() and "<link" not in text.lower() and "<iframe" not in text.lower()
    assert "<img" not in text and "image/png" not in text  # every chart is inline SVG
    page = parse(text)
    assert page.refs, "downloads are expected as embedded resources"
    for ref in page.refs:
        assert ref.startswith("data:") or ref.startswith("#"), ref[:60]


def test_charts_are_inline_svg_sized_by_the_page(built):
    """Every chart is an <svg> with a viewBox and no fixed size, in a grid cell that scales it:
    its text is drawn at SVG_TEXT_PX in a PANEL_PX-wide picture, so in a cell no narrower than
    MIN_CELL_PX no label is under 10 pixels on screen."""
    from sim.hr.report import CHARTS, DIFFERENCE_PANELS, MIN_CELL_PX, PANEL_PX, SVG_TEXT_PX

    _, text, _ = built
    svgs = re.findall(r"<svg[^>]*>", text)
    assert len(svgs) == len(DIFFERENCE_PANELS) + 2 * len(CHARTS)
    for tag in svgs:
        assert re.search(rf'viewBox="0 0 {PANEL_PX} [\d.]+"', tag), tag
        assert " width=" not in tag and " height=" not in tag and "xmlns" not in tag
    sizes = {float(x) for x in re.findall(r"<text[^>]*font-size: ([\d.]+)px", text)}
    assert sizes == {SVG_TEXT_PX}
    assert SVG_TEXT_PX * MIN_CELL_PX / PANEL_PX >= 10
    assert f"minmax(min({MIN_CELL_PX}px,100%),1fr)" in text


def test_the_verdict_states_its_rule_and_the_dollar_line_its_units(built):
    from sim.hr.verdict import RULE

    _, text, _ = built
    box = text[text.index('id="verdict-box"') : text.index('<section class="scenario"')]
    assert html.escape(RULE, quote=True) in box
    assert "cost per unit of durable value" in RULE and "not clearly worse on durable value per hour" in RULE
    assert "Durable value per person is shown as context; it never decides" in RULE
    assert "what a typical employee delivers in one honest 40-hour week" in box
    page = parse(text)
    dollars = page.findings["dollars"]
    assert len(dollars) == len(page.tables["dollars"])  # measuring nothing and each policy
    assert all(" posts, a year, salaries $" in line and "units of durable value" in line for line in dollars)
    assert sum("against measuring nothing" in line for line in dollars) == 2
    heads = re.findall(r'<span class="note">([^<]+)</span></th>', box[box.index('id="dollars"') :])
    assert heads[:7] == ["people", "$ a year", "$ a year", "$ a year", "$ a year", "units a year",
                         "$ per unit of durable value"]  # fmt: skip
    assert text.index('id="dollar-line"') < text.index('id="verdict"') < text.index('class="scenario"')


def test_every_scenario_has_its_cards_and_findings(built):
    _, text, _ = built
    page = parse(text)
    assert set(page.cards) == {"s1", "s2"}
    assert all(count == 8 for count in page.cards.values())  # with durable value per hour
    for key in ("s1", "s2"):
        assert len(page.findings[key]) >= 4
        assert any("durable value" in line for line in page.findings[key])
    assert "Team cost-to-serve" in text
    assert page.findings["overall"]


def test_numbers_in_the_findings_are_cells_of_the_table(built):
    _, text, _ = built
    page = parse(text)

    def cells(*rows: str) -> set[str]:
        return {n.lstrip("+-") for row in rows for cell in page.cells[row] for n in numbers(cell)}

    def dollar_cells(*rows: str) -> set[str]:
        return {n.lstrip("+-") for row in rows for cell in page.tables["dollars"][row] for n in numbers(cell)}

    checked = 0
    for key, lines in page.findings.items():
        if key == "dollars":
            allowed = dollar_cells(*page.tables["dollars"])
        elif key == "overall":
            allowed = cells(*page.cells)
        else:
            allowed = cells(key, page.baseline_of[key])
        for line in lines:
            for number in numbers(line):
                assert number in allowed, f"{number!r} in {line!r} is not in the table row"
                checked += 1
    assert checked >= 20


def test_a_hostile_name_appears_escaped(built):
    _, text, _ = built
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; leaderboard" in text
    assert "tokens &amp; prompts" in text


def test_the_data_download_is_the_table(built):
    _, text, _ = built
    page = parse(text)
    links = dict(page.links)
    assert {"comparison.csv", "runs.csv", "weekly.csv"} <= set(links)
    table = pd.read_csv(io.BytesIO(base64.b64decode(links["comparison.csv"].split(",", 1)[1])))
    policies = table[table["row"].str.startswith("s")]
    assert list(policies["scenario"]) == [HOSTILE, "Team cost-to-serve"]
    baselines = table[table["row"].str.startswith("b")]
    assert len(baselines) >= 1 and baselines["scenario"].str.startswith("No metric").all()
    first = table.set_index("row").loc["s1", "durable_value_per_head"]
    assert page.cells["s1"][1].startswith(f"{first:.3f}")  # after the name: durable value
    per_hour = table.set_index("row").loc["s1", "durable_value_per_hour"]
    assert f"{per_hour:.3f}" in page.cells["s1"][8]  # after the seven headline figures
    runs = pd.read_csv(io.BytesIO(base64.b64decode(links["runs.csv"].split(",", 1)[1])))
    assert len(runs) == (len(baselines) + 2) * 3  # baselines and two scenarios, three seeds each


def test_the_report_says_how_to_reproduce_it(built):
    _, text, scenario = built
    command = "python -m sim report hostile.yaml team_outcome --seeds 3 --seed 3 --employees 150 --weeks 40"
    assert f"<pre>{command}</pre>" in text  # named as seen from where it ran
    assert str(scenario.parent) not in text  # never the building machine's own paths
    assert "the scenario file hostile.yaml:" in text
    assert "regime: token_leaderboard" in text  # the scenario file, verbatim (escaped)
    assert "docs/model.md" in text
    assert "derived from --seed 3" in text


def test_the_report_says_when_and_by_what_it_was_made(built):
    _, text, _ = built
    made = re.search(r'<p class="made" id="made">(.*?)</p>', text).group(1)
    assert made.startswith("Made 01 January 2026, 00:00 UTC by the Goodhart")
    assert re.search(r"version 0\.1\.0\b", made) and made.endswith("--seed 3 --employees 150 --weeks 40")
    assert made.index("Made") < text.index('id="verdict-box"')


def test_the_report_opens_with_the_verdict(built):
    _, text, _ = built
    page = parse(text)
    first = text.index('id="verdict-box"')
    assert first < text.index('<section class="scenario"') and first < text.index('id="comparison"')
    lines = page.findings["overall"]
    assert lines[0].strip() == "No policy beat measuring nothing." or (
        " beat measuring nothing: a lower cost per unit of durable value (" in lines[0]
    )
    table = text.index('<table id="verdict"')
    verdict = text[table : text.index("</table>", table)]
    rows = re.findall(r'<tr data-row="(s\d)">.*?<strong class="\w+">([^<]+)</strong>', verdict, re.S)
    assert {key for key, _ in rows} == {"s1", "s2"}
    beats = [key for key, word in rows if word == "beat measuring nothing"]
    assert [key for key, _ in rows[: len(beats)]] == beats  # the winners first
    if not beats:
        assert lines[0].strip() == "No policy beat measuring nothing."
    assert "week 20" in verdict and "Starts in week 20." in text and "Starts in week 13." in text


def test_token_spend_reads_as_a_cost(built):
    """A leaderboard on tokens at high pressure spends many times the baseline: red, not grey."""
    _, text, _ = built
    section = text[text.index('<section class="scenario" id="s1"') :]
    card = re.search(r'<div class="t">Token spend</div><div class="v (\w+)">', section)
    assert card.group(1) == "bad"


def test_print_keeps_each_policy_on_its_own_page(built):
    _, text, _ = built
    css = text[text.index("@media print") :]
    rule = re.search(r"\.scenario,\.lead>\*,figure[^{]*\{([^}]*)\}", css).group(1)
    assert "break-inside:avoid" in rule and "page-break-inside:avoid" in rule
    assert re.search(r"\.scenario\{break-before:page", css)
    assert text.count('<section class="scenario"') == text.count(
        '<figure class="over-time"><div class="panels">'
    )
    assert re.search(r"@media print\{[^@]*\.panels\{grid-template-columns:repeat\(3,1fr\)", css)


def test_same_seed_same_report(built, tmp_path, monkeypatch):
    path, text, scenario = built
    again = tmp_path / "again.html"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", MADE)
    monkeypatch.chdir(scenario.parent)
    assert main([str(scenario), "team_outcome", *SMALL, "--out", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == text


def test_a_bad_scenario_stops_before_writing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("regime: token_leaderboard\nset: {regime.pressure: 2}\n")
    out = tmp_path / "report.html"
    assert main([str(bad), *SMALL, "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error:") and "regime.pressure=2" in err[-1]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_screenshot_in_headless_chromium(built, tmp_path):
    """A picture of the report as a reader sees it; kept so a broken layout can be looked at.
    Set REPORT_SCREENSHOT=path.png to keep a copy somewhere of your choosing."""
    from PIL import Image

    path, _, _ = built
    shot = tmp_path / "report.png"
    done = subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_ARGS,
            f"--screenshot={shot}",
            "--window-size=1280,2400",
            path.as_uri(),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    print(f"screenshot: {shot}")
    if os.environ.get("REPORT_SCREENSHOT"):
        shutil.copy(shot, os.environ["REPORT_SCREENSHOT"])
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2400)
    header = image.getpixel((640, 20))
    assert header == (0x1F, 0x3A, 0x5F), f"the header band is missing: {header}"
    # The page is laid out, not blank: many distinct colours (text, cards, charts).
    assert len(image.resize((320, 600)).getcolors(maxcolors=1 << 16) or []) > 50


@pytest.fixture(scope="module")
def study():
    """Two policies starting in different weeks, on a tiny organisation."""
    from sim.core.scenarios import scenario_from_mapping
    from sim.hr.report import run_study

    late = scenario_from_mapping({"name": "Late leaderboard", "regime": "token_leaderboard",
                                  "set": {"regime.start_week": 20}})  # fmt: skip
    early = scenario_from_mapping({"name": "Early outcomes", "regime": "team_outcome",
                                   "set": {"regime.start_week": 8}})  # fmt: skip
    return run_study([late, early], seeds=2, seed=1, base=["org.n_employees=60", "org.weeks=30"])


def test_each_policy_has_its_own_small_multiples_with_its_start_week(study):
    from sim.hr.report import CHARTS, policy_charts, weekly_bands

    bands = weekly_bands(study)
    for row in study.scenarios:
        charts = policy_charts(study, row, bands)
        assert [(c.title, c.unit) for c in charts] == [(t, u) for t, u, _ in CHARTS]
        for chart in charts:
            assert chart.svg.startswith("<svg") and chart.svg.rstrip().endswith("</svg>")
            assert row.name in chart.svg  # named for a screen reader
            # two bands (this policy's and the baseline's) and the dotted start-week line
            assert chart.svg.count("stroke-dasharray") >= 2


def test_the_svg_is_deterministic_and_escapes_what_it_draws(study):
    from sim.hr.report import difference_charts

    first = [c.svg for c in difference_charts(study)]
    assert first == [c.svg for c in difference_charts(study)]  # ids from content, not chance
    assert "Late leaderboard" in first[0] and "Early outcomes" in first[0]


def test_the_start_week_is_in_each_legend(study, tmp_path):
    from sim.hr.report import render

    text = render(study, "python -m sim report", version="test")
    assert "starts in week 20</span>" in text and "starts in week 8</span>" in text


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_printed_each_policy_panel_fits_one_page(built):
    """Laid out for print on A4 (12 mm margins: 703 by 1032 CSS pixels), every policy's panel,
    charts included, is shorter than a page and starts one; the verdict may run over a page,
    but none of its parts (the sentences, the dollar line, each table, the charts) is split."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    path, _, _ = built
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 703, "height": 1032})
            page.goto(path.as_uri())
            page.emulate_media(media="print")
            boxes = page.eval_on_selector_all(
                "section.scenario, #verdict-box",
                "els => els.map(e => [e.id, e.getBoundingClientRect().height,"
                " getComputedStyle(e).breakBefore])",
            )
            parts = page.eval_on_selector_all(
                "#verdict-box > *",
                "els => els.map(e => [e.tagName, e.getBoundingClientRect().height,"
                " getComputedStyle(e).breakInside])",
            )
        finally:
            browser.close()
    assert {key for key, _, _ in boxes} == {"verdict-box", "s1", "s2"}
    for key, height, before in boxes:
        assert before == ("page" if key != "verdict-box" else "auto"), (key, before)
        if key != "verdict-box":
            assert 0 < height < 1032, (key, height)
    assert len(parts) >= 8
    for tag, height, inside in parts:
        assert 0 < height < 1032 and inside == "avoid", (tag, height, inside)


def test_the_command_names_files_from_where_it_ran_and_shows_seed_0(tmp_path, monkeypatch):
    from sim.hr.report import reproduce_command

    (tmp_path / "mine").mkdir()
    scenario = tmp_path / "mine" / "my policy.yaml"
    scenario.write_text("regime: team_outcome\n")
    monkeypatch.chdir(tmp_path)
    command = reproduce_command([str(scenario), "team_outcome"], 5, 0, None, None)
    assert command == "python -m sim report 'mine/my policy.yaml' team_outcome --seeds 5 --seed 0"


def test_an_installed_example_is_named_as_typed_and_runs_again_anywhere(tmp_path, monkeypatch):
    from sim.core.scenarios import load_scenario
    from sim.hr.report import _origin, reproduce_command

    monkeypatch.chdir(tmp_path)
    command = reproduce_command(["example:team_cost_to_serve", "team_outcome"], 5, 0, None, None)
    assert command == "python -m sim report example:team_cost_to_serve team_outcome --seeds 5 --seed 0"
    origin = _origin(load_scenario("example:team_cost_to_serve"))
    assert origin == "the example example:team_cost_to_serve, installed with the package:"


def test_the_assumptions_say_which_claims_survive_other_values_of_them(built):
    from sim.studies.robustness import share_or_na, shipped

    _, text, _ = built
    study = shipped()
    assert study is not None
    section = text[text.index("How far the simulator's claims rest on these assumptions") :]
    section = section[: section.index("</table>")]
    assert f"robustness study of {study.date}" in section
    for claim in study.claims:
        row = re.search(rf"<td>{re.escape(html.escape(claim.claim))}</td>.*?</tr>", section)
        assert row is not None, claim.key
        assert f"<td>{claim.verdict}</td>" in row.group(0)
        assert f"{claim.share:.0%}" in row.group(0)
        # and whether it holds where AI tools help with no metric, and where they hurt
        helps, hurts = re.findall(r"<td>([^<]*)</td>", row.group(0))[-2:]
        assert (helps, hurts) == (share_or_na(claim.share_ai_helps), share_or_na(claim.share_ai_hurts))
        assert claim.share_ai_helps is not None and claim.share_ai_hurts is not None


def test_what_ai_does_with_no_metric_frames_the_verdict_and_quotes_its_own_table(built):
    """The line on AI's own effect sits under the rule, before the verdict's findings, and each
    figure it quotes is a cell of the table of AI's own effect in the same file (its last row)."""
    _, text, _ = built
    page = parse(text)
    line = re.search(r'<p class="rule" id="ai-frame"><strong>[^<]+</strong> ([^<]+)</p>', text).group(1)
    line = html.unescape(line)
    assert text.index('id="rule"') < text.index('id="ai-frame"') < text.index('data-row="overall"')
    rows = page.tables["ai-effect"]
    assert list(rows) == ["w40"]  # a 40-week report: the run's last quarter
    horizon, head_with, head_without, head_change, *per_hour = rows["w40"]
    assert horizon.strip() == "40 weeks" and f"at {horizon.strip()}," in line
    quoted = re.findall(r"[+-]\d+\.\d%", line)
    assert quoted == [head_change.split()[0], per_hour[2].split()[0]]
    assert re.fullmatch(r"[+-]\d+\.\d%\s+\[[+-]\d+\.\d%, [+-]\d+\.\d%\]\s*", head_change)  # with its interval
    # The figure is the runs': with AI tools against without, from the CSV the report carries.
    links = dict(page.links)
    effect = pd.read_csv(io.BytesIO(base64.b64decode(links["ai_effect.csv"].split(",", 1)[1])))
    first = effect.set_index("measure").loc["durable_value_per_head"]
    assert head_change.startswith(f"{first['change']:+.1%}") and head_with.startswith(
        f"{first['with_ai']:.3f}"
    )
    assert float(head_without) == pytest.approx(first["without_ai"], abs=5e-4)
    assert "METR 2025" in text and "Cui et al. 2026" in text and "Brynjolfsson, Li &amp; Raymond 2023" in text
