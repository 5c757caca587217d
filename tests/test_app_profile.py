"""The organisation profile form (sim/app/org_profile.py), headless: rendered with
`solara.render`, filled in as a person clicks and types, its download read back as the
command line reads a profile file."""

from __future__ import annotations

import dataclasses
import time
import warnings
from html import escape
from pathlib import Path

import ipyvue
import ipyvuetify as v
import pytest
import solara
import solara.widgets
from solara.components.file_download import FileDownloadWidget

from sim.app import org_profile
from sim.app.org_profile import (
    BLANK,
    COMMANDS,
    EVERY_N_WEEKS,
    LABELS,
    MEASURED_R,
    SOURCE,
    ProfilePage,
)
from sim.hr import profile as hr_profile
from sim.hr.profile import ACCURACY_WORDS, OrgProfile, example_names, load_profile

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def render(element):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return solara.render(solara.AppLayout(children=[element]), handle_error=False)[1]


@pytest.fixture
def page():
    return render(ProfilePage())


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def html_of(rc, css_class: str) -> list[str]:
    return [
        w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
        if css_class in w.attributes.get("class", "")
    ]


def error_lines(rc) -> list[str]:
    return html_of(rc, "goodhart-profile-error")


def described(rc) -> str:
    """What the page says the profile sets, informs and leaves open (HTML-escaped)."""
    shown = html_of(rc, "goodhart-profile-describe")
    assert len(shown) <= 1
    return shown[0] if shown else ""


def text_field(rc, field: str):
    kind = v.Textarea if field == "notes" else v.TextField
    return rc.find(kind, label=LABELS[field][0]).widget


def type_into(rc, field: str, text: str) -> None:
    """Type into a field and leave it (the form takes a field when it loses focus)."""
    widget = text_field(rc, field)
    widget.v_model = text
    widget.fire_event("focusout", None)


def choose(rc, label: str, value: str) -> None:
    rc.find(v.Select, label=label).widget.v_model = value


def start_from(rc, example: str) -> None:
    select = rc.find(v.Select, label="Start from").widget
    select.v_model = next(item for item in select.items if item.startswith(example + ":"))


def offers_download(rc) -> bool:
    return bool(rc.find(FileDownloadWidget).widgets)


def download(rc, folder: Path) -> Path:
    """Click the download button and save what the browser would get as my_org.yaml."""
    widget = rc.find(FileDownloadWidget).widget
    assert widget.filename == "my_org.yaml"
    widget.request_download = True
    wait_for(lambda: rc.find(FileDownloadWidget).widget.bytes is not None)
    path = folder / "my_org.yaml"
    path.write_bytes(rc.find(FileDownloadWidget).widget.bytes)
    return path


def as_typed(profile: OrgProfile) -> OrgProfile:
    """A profile as the form names its source, to compare with one loaded from a file."""
    return dataclasses.replace(profile, source=SOURCE)


def same_but_source(loaded: OrgProfile, expected: OrgProfile) -> None:
    assert dataclasses.replace(loaded, source=SOURCE) == as_typed(expected)


@pytest.mark.parametrize("example", example_names())
def test_choosing_an_example_fills_the_form_and_its_download_is_that_example(page, example, tmp_path):
    rc = page
    start_from(rc, example)
    expected = load_profile(example)
    assert text_field(rc, "headcount").v_model == str(expected.headcount)
    assert text_field(rc, "name").v_model == expected.name
    assert not error_lines(rc)
    shown = described(rc)
    assert "What it sets" in shown and "What stays at its prior range" in shown
    assert f"org.n_employees          {expected.headcount:,}" in shown
    loaded = load_profile(download(rc, tmp_path))
    same_but_source(loaded, expected)


def test_a_bad_headcount_is_one_line_naming_it_and_no_download_until_it_is_fixed(page, tmp_path):
    rc = page
    start_from(rc, "example:startup")
    assert offers_download(rc)
    type_into(rc, "headcount", "-5")
    assert error_lines(rc) == ["the form: headcount: must be at least 1 (people)"]
    assert text_field(rc, "headcount").error  # the input itself is marked, with the line under it
    assert text_field(rc, "headcount").messages == error_lines(rc)
    assert not text_field(rc, "team_size").error
    assert not offers_download(rc)
    assert described(rc) == ""  # nothing said about a profile that is not one
    type_into(rc, "headcount", "12 people")
    assert error_lines(rc) == ["the form: headcount: must be a whole number of people"]
    type_into(rc, "headcount", "250")
    assert not error_lines(rc) and not text_field(rc, "headcount").error
    loaded = load_profile(download(rc, tmp_path))
    assert loaded.headcount == 250
    same_but_source(loaded, dataclasses.replace(load_profile("example:startup"), headcount=250))
    assert "org.n_employees          250" in described(rc)


def test_fields_that_depend_on_each_other_name_the_field_that_breaks_the_rule(page):
    rc = page
    start_from(rc, "example:bank_it")  # 5,000 people, 1,500 seats, 900 weekly active
    type_into(rc, "weekly_active_users", "1600")
    assert error_lines(rc) == ["the form: weekly_active_users: must be at most ai_seats (1,500)"]
    assert text_field(rc, "weekly_active_users").error
    type_into(rc, "weekly_active_users", "900")
    type_into(rc, "salary_low", "200000")  # above the band's high, 170,000
    assert error_lines(rc) == ["the form: salary.low: must be at most salary.high"]
    assert text_field(rc, "salary_low").error
    type_into(rc, "salary_low", "")
    type_into(rc, "salary_high", "-3")  # one salary, typed in the band's high end
    assert error_lines(rc)[0].startswith("the form: salary: must be US dollars a year, above 0")
    assert text_field(rc, "salary_high").error and not text_field(rc, "salary_low").error
    type_into(rc, "salary_high", "170000")
    type_into(rc, "salary_low", "110,000")  # thousands separators as people type them
    type_into(rc, "token_deciles", "1.2 2 2.8 3.8 5 6.6 8.9 13")  # eight numbers
    assert error_lines(rc)[0].startswith("the form: token_deciles: must be a list of 9 numbers")
    type_into(rc, "token_deciles", "1.2 2 2.8 3.8 5 4 8.9 13 20")
    assert error_lines(rc) == ["the form: token_deciles: must not decrease: item 6 is below item 5"]
    type_into(rc, "token_deciles", "1.2 2 2.8 3.8 5 6.6 8.9 13 20")
    type_into(rc, "voluntary_attrition", "7%")
    assert error_lines(rc) == ["the form: voluntary_attrition: must be a share between 0 and 1 (12% is 0.12)"]
    type_into(rc, "voluntary_attrition", "0.07")
    type_into(rc, "name", "${HOME}")  # read as an interpolation by OmegaConf: refused as in a file
    assert error_lines(rc) == [
        "the form: name: interpolations (${...}) are not allowed; write each value out"
    ]
    type_into(rc, "name", "Bank IT department (5,000 people)")
    assert not error_lines(rc) and offers_download(rc)
    assert org_profile.check(org_profile.form_from_profile(load_profile("example:bank_it")))[0] == (
        as_typed(load_profile("example:bank_it"))
    )


def test_a_profile_typed_field_by_field_downloads_as_a_file_the_cli_reads_the_same(page, tmp_path, capsys):
    rc = page
    assert rc.find(v.Select, label="Start from").widget.v_model == BLANK
    type_into(rc, "name", "Our platform group")
    type_into(rc, "notes", "From the HR system and the AI vendor's console, October 2026.")
    type_into(rc, "headcount", "1,200")
    type_into(rc, "team_size", "7")
    type_into(rc, "salary_low", "$140,000")
    type_into(rc, "salary_high", "210000")
    type_into(rc, "ai_seats", "1000")
    type_into(rc, "weekly_active_users", "780")
    type_into(rc, "token_deciles", "2.5, 4, 6, 8.25, 11, 15, 21, 32, 55, 900")  # and the largest user
    type_into(rc, "voluntary_attrition", "0.11")
    type_into(rc, "regretted_share", "0.45")
    choose(rc, LABELS["review_cadence"][0], EVERY_N_WEEKS)
    type_into(rc, "review_weeks", "10")
    type_into(rc, "forced_ranking", "0.05")
    choose(rc, LABELS["manager_rating_accuracy"][0], MEASURED_R)
    type_into(rc, "rating_r", "0.3")
    assert not error_lines(rc)
    path = download(rc, tmp_path)
    loaded = load_profile(path)
    assert loaded == OrgProfile(
        source=str(path),
        name="Our platform group",
        notes="From the HR system and the AI vendor's console, October 2026.",
        headcount=1200,
        team_size=7,
        salary=(140_000.0, 210_000.0),
        ai_seats=1000,
        weekly_active_users=780,
        token_deciles=(2.5e6, 4e6, 6e6, 8.25e6, 11e6, 15e6, 21e6, 32e6, 55e6),
        token_top=900e6,
        token_origin="token_deciles",
        voluntary_attrition=0.11,
        regretted_share=0.45,
        review_weeks=10,
        forced_ranking=0.05,
        rating_r=0.3,
    )
    text = path.read_text()
    assert "token_deciles:\n- 2500000\n" in text  # the file holds whole tokens
    assert hr_profile.main([str(path)]) == 0  # `goodhart-sim profile my_org.yaml`
    printed = capsys.readouterr().out
    assert printed.startswith(f"Organisation profile: Our platform group ({path})")
    assert "org.review_period        10" in printed
    # What the page shows is what the command prints, but for the source's name.
    assert escape(printed.rstrip("\n").replace(str(path), SOURCE)) == described(rc)


@pytest.mark.parametrize("word", ACCURACY_WORDS)
def test_each_plain_words_rating_choice_is_written_and_read_back(page, word, tmp_path):
    rc = page
    low, high = ACCURACY_WORDS[word]
    choose(rc, LABELS["manager_rating_accuracy"][0], f"{word} (r {low:g} to {high:g})")
    assert not rc.find(v.TextField, label=LABELS["rating_r"][0]).widgets  # no r to type
    path = download(rc, tmp_path)
    assert "\nmanager_rating_accuracy: " + word + "\n" in path.read_text()
    loaded = load_profile(path)
    assert loaded.rating_words == word and loaded.rating_r is None
    noise = loaded.parameter_ranges()["behaviour.judgement_noise"]
    assert noise.informed_by == "manager_rating_accuracy"
    assert f"ratings track results {word}: r {low:g}-{high:g}" in described(rc)


def test_a_measured_correlation_is_typed_and_checked_and_not_given_leaves_it_open(page, tmp_path):
    rc = page
    label = LABELS["manager_rating_accuracy"][0]
    choose(rc, label, MEASURED_R)
    type_into(rc, "rating_r", "1.5")
    assert error_lines(rc) == [
        "the form: manager_rating_accuracy: must be a correlation r from -1 to 1, or one of "
        "closely, loosely, barely"
    ]
    assert text_field(rc, "rating_r").error and not offers_download(rc)
    type_into(rc, "rating_r", "0.42")
    assert load_profile(download(rc, tmp_path)).rating_r == 0.42
    assert "ratings track results at r = 0.42" in described(rc)
    choose(rc, label, "not given")
    assert not rc.find(v.TextField, label=LABELS["rating_r"][0]).widgets
    loaded = load_profile(download(rc, tmp_path))
    assert loaded.rating_r is None and loaded.rating_words is None
    assert "behaviour.judgement_noise" in loaded.prior_ranges()


def test_review_cadence_as_a_word_or_weeks(page, tmp_path):
    rc = page
    label = LABELS["review_cadence"][0]
    choose(rc, label, "quarterly")
    assert "\nreview_cadence: quarterly\n" in download(rc, tmp_path).read_text()
    choose(rc, label, EVERY_N_WEEKS)
    type_into(rc, "review_weeks", "200")
    assert error_lines(rc)[0].startswith("the form: review_cadence: must be weeks between reviews (1 to 104)")
    assert text_field(rc, "review_weeks").error
    type_into(rc, "review_weeks", "52")  # written as the word the file reads best
    assert load_profile(download(rc, tmp_path)).review_weeks == 52


def test_a_blank_form_is_a_profile_that_leaves_everything_open(page, tmp_path):
    rc = page
    assert not error_lines(rc)
    assert "(nothing)" in described(rc)
    loaded = load_profile(download(rc, tmp_path))
    assert loaded == OrgProfile(source=loaded.source)
    assert set(loaded.prior_ranges()) == {key for key, *_ in hr_profile.PRIORS}
    start_from(rc, "example:big_tech")
    choose(rc, "Start from", BLANK)  # back to blank empties every field
    assert text_field(rc, "headcount").v_model == ""


def test_the_page_gives_the_commands_and_says_the_csv_stays_with_the_file(page):
    rc = page
    commands = html_of(rc, "goodhart-profile-commands")
    assert commands == ["\n".join(COMMANDS)]
    assert (
        "goodhart-sim report --org my_org.yaml token_leaderboard decoupled_telemetry --out report.html"
        in commands[0]
    )
    assert "goodhart-sim profile my_org.yaml" in commands[0]
    notes = [w.children[0] for w in rc.find(v.Html, tag="span").widgets if w.children]
    assert any("CSV" in str(n) and "token_csv" in str(n) for n in notes)


def test_what_the_page_did_not_send_changes_nothing(page):
    rc = page
    start_from(rc, "example:startup")
    before = text_field(rc, "headcount").v_model
    rc.find(v.Select, label="Start from").widget.v_model = "example:../../etc/passwd"
    rc.find(v.Select, label=LABELS["review_cadence"][0]).widget.v_model = "fortnightly"
    assert text_field(rc, "headcount").v_model == before
    assert not error_lines(rc) and offers_download(rc)


def test_two_sessions_do_not_share_a_form():
    first, second = render(ProfilePage()), render(ProfilePage())
    start_from(first, "example:big_tech")
    type_into(first, "headcount", "-1")
    assert error_lines(first) and not error_lines(second)
    assert text_field(second, "headcount").v_model == ""
    assert offers_download(second)


def test_the_app_routes_the_form_and_the_workshop_links_to_it():
    from sim.app import page as app_page

    assert [(r.path, r.component) for r in app_page.routes] == [
        ("/", app_page.Page),
        ("profile", ProfilePage),
    ]
    rc = render(app_page.WorkshopApp())
    links = [w for w in rc.find(ipyvue.Html, tag="a").widgets if w.attributes.get("href") == "/profile"]
    assert len(links) == 1
    assert links[0].children[0].children[-1] == "Your organisation's profile"  # a button in the link
