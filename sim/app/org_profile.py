"""The organisation profile form: an HR leader fills in what they know about their
organisation (every field of `sim.hr.profile`, every one optional), sees at once what it
fixes, what it lets the model compare against and what stays open, and downloads it as a
YAML file that `goodhart-sim profile` and `goodhart-sim report --org` read.

The page is the app's `/profile` route (`sim.app.page.routes`). The form's state lives in
the page's own reactive variables, so every browser tab has its own form; nothing is shared
between sessions.

What the browser sends is untrusted, like a profile file: the form's texts become the same
mapping a file holds, that mapping is written as YAML, and the YAML is read back with the
file's own reader (`load_yaml`, `profile_from_mapping`). So the form gets exactly the file's
checks and messages (one line naming the field), and a file offered for download is one the
command line accepts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from html import escape
from typing import Any

import solara
import yaml

from sim.core.checks import ConfigError
from sim.core.untrusted import load_yaml
from sim.hr.profile import (
    ACCURACY_WORDS,
    CADENCES,
    KEYS,
    OrgProfile,
    example_names,
    load_profile,
    profile_from_mapping,
)

SOURCE = "the form"  # how an error line names where the value came from
FILE_NAME = "my_org.yaml"
PATH = "/profile"  # the page's route
BLANK = "A blank form"
NOT_GIVEN = "not given"
EVERY_N_WEEKS = "every N weeks"
MEASURED_R = "a measured correlation r"
TOKEN_UNIT = 1e6  # the form takes tokens in millions; the file holds whole tokens
MAX_TEXT = 200  # characters kept of a number field: enough for any number, bounded for the rest

COMMANDS = (
    f"goodhart-sim profile {FILE_NAME}",
    f"goodhart-sim report --org {FILE_NAME} token_leaderboard decoupled_telemetry --out report.html",
)
# The form's fields, as texts: what the page holds for each input. The file's fields are
# `sim.hr.profile.KEYS`; salary, review cadence and rating accuracy take two inputs each.
FORM_FIELDS = (
    "name",
    "notes",
    "headcount",
    "team_size",
    "salary_low",
    "salary_high",
    "ai_seats",
    "weekly_active_users",
    "token_deciles",
    "voluntary_attrition",
    "regretted_share",
    "review_cadence",
    "review_weeks",
    "forced_ranking",
    "manager_rating_accuracy",
    "rating_r",
)
NUMBER_FIELDS = (
    "headcount",
    "team_size",
    "ai_seats",
    "weekly_active_users",
    "voluntary_attrition",
    "regretted_share",
    "forced_ranking",
)
CADENCE_CHOICES = (NOT_GIVEN, *CADENCES, EVERY_N_WEEKS)
RATING_CHOICES = {
    NOT_GIVEN: "",
    **{f"{word} (r {low:g} to {high:g})": word for word, (low, high) in ACCURACY_WORDS.items()},
    MEASURED_R: MEASURED_R,
}
YAML_HEADER = f"""\
# An organisation profile, filled in with the goodhart-sim app. Every field is optional;
# docs/profile.md says what each one means and what it informs. Check it with
#   goodhart-sim profile {FILE_NAME}
# token_deciles are tokens per person per month (10th to 90th percentile, then the largest
# user's). To use your AI vendor's CSV export instead, put the file beside this one and
# replace token_deciles with  token_csv: tokens.csv
"""

# Each input's label (with the file's field name) and the hint below it: the unit.
LABELS: dict[str, tuple[str, str]] = {
    "name": ("Name (name)", ""),
    "notes": ("Notes (notes)", "where the figures come from, for whoever reads the file"),
    "headcount": ("Headcount (headcount)", "people"),
    "team_size": ("Team size (team_size)", "people per team"),
    "salary_low": ("Salary, low end of the band (salary.low)", "US dollars a year, fully loaded"),
    "salary_high": ("Salary, high end (salary.high)", "leave empty if everyone is paid one salary"),
    "ai_seats": ("AI seats (ai_seats)", "people with an AI tool seat"),
    "weekly_active_users": ("Weekly active users (weekly_active_users)", "people active in a typical week"),
    "token_deciles": (
        "Token use (token_deciles)",
        "million tokens per person per month: 9 numbers, the 10th to 90th percentile, then "
        "optionally the largest user's, separated by spaces",
    ),
    "voluntary_attrition": (
        "Voluntary attrition (voluntary_attrition)",
        "share of staff a year: 12% is 0.12",
    ),
    "regretted_share": ("Regretted share (regretted_share)", "share of those leavers you wanted to keep"),
    "review_cadence": ("Review cadence (review_cadence)", ""),
    "review_weeks": ("Weeks between reviews (review_cadence)", "1 to 104"),
    "forced_ranking": ("Forced ranking (forced_ranking)", "share let go at each review; 0 for none"),
    "manager_rating_accuracy": (
        "How closely managers' ratings track results (manager_rating_accuracy)",
        "",
    ),
    "rating_r": ("Correlation r of ratings with results (manager_rating_accuracy)", "-1 to 1"),
}

Form = dict[str, str]


def blank_form() -> Form:
    return dict.fromkeys(FORM_FIELDS, "") | {
        "review_cadence": NOT_GIVEN,
        "manager_rating_accuracy": NOT_GIVEN,
    }


# -- a profile as the mapping its file holds, and as the form's texts -------------------------


def _plain(value: float | int) -> float | int:
    """A whole number as an int (a file says 200, not 200.0)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
        return int(value)
    return value


def profile_mapping(profile: OrgProfile) -> dict[str, Any]:
    """The mapping a profile file holds for `profile`, fields in the file's order; what the
    profile leaves out is left out. (`sim.hr.profile` reads files but does not write them.)
    Token use read from a CSV becomes `token_deciles` with the largest user's."""
    out: dict[str, Any] = {}
    if profile.name:
        out["name"] = profile.name
    if profile.notes:
        out["notes"] = profile.notes
    for field in ("headcount", "team_size"):
        if getattr(profile, field) is not None:
            out[field] = getattr(profile, field)
    if profile.salary is not None:
        low, high = profile.salary
        out["salary"] = _plain(low) if low == high else {"low": _plain(low), "high": _plain(high)}
    for field in ("ai_seats", "weekly_active_users"):
        if getattr(profile, field) is not None:
            out[field] = getattr(profile, field)
    if profile.token_deciles is not None:
        top = () if profile.token_top is None else (profile.token_top,)
        out["token_deciles"] = [_plain(t) for t in (*profile.token_deciles, *top)]
    for field in ("voluntary_attrition", "regretted_share"):
        if getattr(profile, field) is not None:
            out[field] = getattr(profile, field)
    if profile.review_weeks is not None:
        word = next((w for w, weeks in CADENCES.items() if weeks == profile.review_weeks), None)
        out["review_cadence"] = word or profile.review_weeks
    if profile.forced_ranking is not None:
        out["forced_ranking"] = profile.forced_ranking
    if profile.rating_words is not None:
        out["manager_rating_accuracy"] = profile.rating_words
    elif profile.rating_r is not None:
        out["manager_rating_accuracy"] = profile.rating_r
    assert set(out) <= set(KEYS)
    return out


def _text(value: float | int) -> str:
    """A number as a person would type it, exactly: 200, 0.13, 7.3."""
    plain = _plain(value)
    return str(plain) if isinstance(plain, int) else repr(float(plain))


def form_from_profile(profile: OrgProfile) -> Form:
    """The form's texts for a profile (an example chosen as a start)."""
    data = profile_mapping(profile)
    form = blank_form()
    form["name"], form["notes"] = data.get("name", ""), data.get("notes", "")
    for field in NUMBER_FIELDS:
        if field in data:
            form[field] = _text(data[field])
    if profile.salary is not None:
        form["salary_low"], form["salary_high"] = (_text(v) for v in profile.salary)
        if profile.salary[0] == profile.salary[1]:
            form["salary_high"] = ""
    if profile.token_deciles is not None:
        form["token_deciles"] = " ".join(_text(t / TOKEN_UNIT) for t in data["token_deciles"])
    cadence = data.get("review_cadence")
    if isinstance(cadence, str):
        form["review_cadence"] = cadence
    elif cadence is not None:
        form["review_cadence"], form["review_weeks"] = EVERY_N_WEEKS, _text(cadence)
    accuracy = data.get("manager_rating_accuracy")
    if isinstance(accuracy, str):
        form["manager_rating_accuracy"] = next(k for k, w in RATING_CHOICES.items() if w == accuracy)
    elif accuracy is not None:
        form["manager_rating_accuracy"], form["rating_r"] = MEASURED_R, _text(accuracy)
    return form


# -- the form's texts as the mapping a file holds ---------------------------------------------


def number(text: str, separators: str = ",_ $") -> float | int | str | None:
    """A typed number: None when empty, an int or a float when it reads as one (thousands
    separators and a dollar sign dropped), else the text itself, for the profile's checks
    to refuse with their own message."""
    text = text.strip()
    if not text:
        return None
    cleaned = text.translate(str.maketrans("", "", separators))
    try:
        return int(cleaned)
    except ValueError:
        pass
    try:
        return _plain(float(cleaned))
    except ValueError:
        return text[:MAX_TEXT]


def _tokens(text: str) -> list[Any]:
    """Token deciles typed in millions, separated by spaces, commas or semicolons, as tokens."""
    out: list[Any] = []
    for item in re.split(r"[\s,;]+", text.strip()):
        value = number(item, separators="_")
        if isinstance(value, (int, float)) and math.isfinite(value):
            value = round(value * TOKEN_UNIT)
        out.append(value)
    return out


def mapping_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The mapping a profile file would hold for the form's texts: only the fields given."""
    text = {field: str(form.get(field, "") or "") for field in FORM_FIELDS}
    out: dict[str, Any] = {}
    for field in ("name", "notes"):
        if text[field].strip():
            out[field] = text[field].strip()  # the check refuses one too long, saying how long
    for field in ("headcount", "team_size"):
        if (value := number(text[field])) is not None:
            out[field] = value
    low, high = number(text["salary_low"]), number(text["salary_high"])
    if low is not None and high is not None:
        out["salary"] = {"low": low, "high": high}
    elif low is not None or high is not None:
        out["salary"] = low if low is not None else high
    for field in ("ai_seats", "weekly_active_users"):
        if (value := number(text[field])) is not None:
            out[field] = value
    if text["token_deciles"].strip():
        out["token_deciles"] = _tokens(text["token_deciles"])
    for field in ("voluntary_attrition", "regretted_share"):
        if (value := number(text[field])) is not None:
            out[field] = value
    cadence = text["review_cadence"]
    if cadence == EVERY_N_WEEKS:
        if (weeks := number(text["review_weeks"])) is not None:
            out["review_cadence"] = weeks
    elif cadence and cadence != NOT_GIVEN:
        out["review_cadence"] = cadence[:MAX_TEXT]  # the check refuses a word not in the list
    if (value := number(text["forced_ranking"])) is not None:
        out["forced_ranking"] = value
    accuracy = text["manager_rating_accuracy"]
    if accuracy == MEASURED_R:
        if (r := number(text["rating_r"])) is not None:
            out["manager_rating_accuracy"] = r
    elif accuracy and accuracy != NOT_GIVEN:
        out["manager_rating_accuracy"] = RATING_CHOICES.get(accuracy, accuracy[:MAX_TEXT])
    return out


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a profile file may hold no aliases


def profile_yaml(data: Mapping[str, Any]) -> str:
    """The profile file for a mapping: a header saying what it is, then the fields."""
    body = (
        yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100) if data else ""
    )
    return YAML_HEADER + body


def check(form: Mapping[str, str]) -> tuple[OrgProfile | None, str, str]:
    """The form as a checked profile, its file, and an error line: (profile, YAML, "") when
    the profile file's checks accept it, (None, "", one line naming the field) when not.
    The YAML is read back as the command line reads a file, so what is offered is accepted."""
    text = profile_yaml(mapping_from_form(form))
    try:
        return profile_from_mapping(load_yaml(text, SOURCE), SOURCE), text, ""
    except ConfigError as error:
        return None, "", " ".join(str(error).split())


def field_of(error: str, form: Mapping[str, str]) -> str:
    """The input an error line names (`the form: salary.low: ...` -> salary_low)."""
    named = error.removeprefix(f"{SOURCE}: ").split(":", 1)[0]
    name = re.split(r"[ .]", named, maxsplit=1)[0]
    if name == "salary":  # one number is whichever of the two was typed
        high = named.startswith("salary.high") or (named == "salary" and not form["salary_low"].strip())
        return "salary_high" if high else "salary_low"
    if name == "review_cadence":
        return "review_weeks"  # the words come from the list; a number of weeks is typed
    if name == "manager_rating_accuracy":
        return "rating_r"
    return name


def example_choices() -> dict[str, str]:
    """The selector's labels: a blank form, then each installed example by name."""
    out = {BLANK: ""}
    for source in example_names():
        out[f"{source}: {load_profile(source).name}"] = source
    return out


# -- the page --------------------------------------------------------------------------------

CSS = """
.goodhart-profile { display: grid; gap: 16px; grid-template-columns: minmax(0, 1fr); align-items: start;
  padding: 12px; max-width: 1600px; }
@media (min-width: 900px) {
  .goodhart-profile { grid-template-columns: minmax(320px, 2fr) minmax(0, 3fr); }
  .goodhart-profile-result { position: sticky; top: 0; max-height: calc(100vh - 24px); overflow-y: auto; }
}
.goodhart-profile h1 { font-size: 26px; font-weight: 700; margin: 0 0 4px 0; }
.goodhart-profile p { font-size: 15px; line-height: 1.4; margin: 4px 0; }
.goodhart-profile pre { font-size: 13px; line-height: 1.35; overflow-x: auto; background: #f5f5f5;
  border-radius: 6px; padding: 8px; margin: 6px 0; white-space: pre; }
.goodhart-profile pre.goodhart-profile-commands { white-space: pre-wrap; overflow-wrap: anywhere; }
.goodhart-profile-error { font-size: 16px; color: #b71c1c; background: #fdecea; border-radius: 6px;
  padding: 8px; overflow-wrap: anywhere; }
.goodhart-profile-ok { font-size: 16px; color: #1b5e20; }
"""

INTRO = (
    "Fill in what you know about your organisation. Every field is optional: what you leave "
    "out keeps its documented plausible range. The form is checked as you go, with the same "
    "checks as a profile file, and beside the form (below it on a phone) you see what it fixes, "
    "what the simulations are compared against and what stays open."
)
CSV_NOTE = (
    "A token CSV export (monthly tokens per user, from your AI vendor's admin console) is not "
    "uploaded here: download the profile, put the CSV beside it and replace token_deciles with "
    'token_csv: tokens.csv in the file (docs/profile.md, "A token CSV").'
)


@solara.component
def ProfileForm(form: solara.Reactive[Form], error: str) -> None:
    """The inputs, each bound to one text of `form`; the input `error` names is red, with the
    line under it too (on a phone the line beside the form is below it)."""
    wrong = field_of(error, form.value) if error else ""
    choices = solara.use_memo(example_choices, [])
    start = solara.use_reactive(BLANK)

    def choose(label: str) -> None:
        source = choices.get(label)
        if source is None:  # not one of the list's: a message the page did not send
            return
        start.set(label)
        form.set(form_from_profile(load_profile(source)) if source else blank_form())

    def text(field: str, area: bool = False) -> None:
        label, hint = LABELS[field]

        def store(value: str | None) -> None:
            form.set({**form.value, field: str(value or "")})

        if area:
            solara.InputTextArea(
                label,
                value=form.value[field],
                on_value=store,
                rows=2,
                error=error if wrong == field else False,
                message=hint,
            )
        else:
            solara.InputText(
                label,
                value=form.value[field],
                on_value=store,
                error=error if wrong == field else False,
                message=hint,
            )

    def choice(field: str, values: list[str]) -> None:
        label = LABELS[field][0]

        def store(value: str | None) -> None:
            if value in values:  # anything else is a message the page did not send
                form.set({**form.value, field: value})

        solara.Select(label, values=values, value=form.value[field], on_value=store)

    with solara.Column(style="gap: 12px; min-width: 0"):
        with solara.Card("Start from"):
            solara.Select("Start from", values=list(choices), value=start.value, on_value=choose)
        with solara.Card("Your organisation"):
            text("name")
            text("notes", area=True)
        with solara.Card("People and pay"):
            for field in ("headcount", "team_size", "salary_low", "salary_high"):
                text(field)
        with solara.Card("AI tools"):
            for field in ("ai_seats", "weekly_active_users", "token_deciles"):
                text(field)
            solara.Text(CSV_NOTE, style="font-size: 14px")
        with solara.Card("Leaving"):
            text("voluntary_attrition")
            text("regretted_share")
        with solara.Card("Reviews and ratings"):
            choice("review_cadence", list(CADENCE_CHOICES))
            if form.value["review_cadence"] == EVERY_N_WEEKS:
                text("review_weeks")
            text("forced_ranking")
            choice("manager_rating_accuracy", list(RATING_CHOICES))
            if form.value["manager_rating_accuracy"] == MEASURED_R:
                text("rating_r")


@solara.component
def ProfileResult(profile: OrgProfile | None, text: str, error: str) -> None:
    """The check's one line, or what the profile fixes, informs and leaves open, the file to
    download and the commands that give the verdict."""
    with solara.Column(style="gap: 8px; min-width: 0", classes=["goodhart-profile-result"]):
        if profile is None:
            solara.HTML(tag="div", unsafe_innerHTML=escape(error), classes=["goodhart-profile-error"])
            solara.Text("Fix that field to see what the profile sets and to download it.")
            return
        solara.HTML(
            tag="div",
            unsafe_innerHTML="The profile passes the same checks as a file.",
            classes=["goodhart-profile-ok"],
        )
        solara.FileDownload(
            text, filename=FILE_NAME, label=f"Download {FILE_NAME}", mime_type="application/yaml"
        )
        solara.HTML(
            tag="p",
            unsafe_innerHTML="Save it as <b>my_org.yaml</b>; in its folder, these give what it sets and "
            "the verdict for policies across the plausible versions of your organisation:",
        )
        solara.HTML(
            tag="pre", unsafe_innerHTML=escape("\n".join(COMMANDS)), classes=["goodhart-profile-commands"]
        )
        solara.HTML(
            tag="pre", unsafe_innerHTML=escape(profile.describe()), classes=["goodhart-profile-describe"]
        )
        with solara.Details("The file"):
            solara.HTML(tag="pre", unsafe_innerHTML=escape(text), classes=["goodhart-profile-yaml"])


@solara.component
def ProfileLink() -> None:
    """The button at the foot of the workshop's sidebar that leads to the form."""
    with solara.Link(PATH):
        solara.Button("Your organisation's profile", outlined=True, icon_name="mdi-domain")


@solara.component
def ProfilePage() -> None:
    """The whole profile page for one browser tab, with its own form."""
    form = solara.use_reactive(blank_form())  # this tab's: nothing shared across sessions
    profile, text, error = solara.use_memo(lambda: check(form.value), [form.value])
    solara.Style(CSS)
    solara.Title("Your organisation's profile")
    with solara.Div(classes=["goodhart-profile"]):
        with solara.Column(style="gap: 8px; min-width: 0"):
            with solara.Link("/"):
                solara.Button("Back to the workshop", text=True, icon_name="mdi-arrow-left")
            solara.HTML(tag="h1", unsafe_innerHTML="Your organisation's profile")
            solara.HTML(tag="p", unsafe_innerHTML=escape(INTRO))
            ProfileForm(form, error)
        ProfileResult(profile, text, error)
