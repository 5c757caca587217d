"""The organisation profile (sim/hr/profile.py): the examples, what a profile sets, compares
and leaves open, the rating-accuracy mapping against the model, and bad profiles refused
with one line naming the field, exit status 2 and nothing written."""

from __future__ import annotations

import builtins
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from sim.core import cli
from sim.core.checks import ConfigError
from sim.core.config import Config
from sim.core.run import resolve
from sim.hr import profile as profile_module
from sim.hr.profile import (
    ACCURACY_WORDS,
    CALIBRATED_ATTRITION,
    KEYS,
    PRIORS,
    R0,
    example_names,
    judgement_noise,
    load_profile,
    profile_from_mapping,
    rating_accuracy,
)
from sim.model import OrgModel
from sim.studies import robustness

REPO = Path(__file__).resolve().parents[1]
PRIOR = {key: (low, high) for key, low, high, _ in PRIORS}
CSV = "user,month,tokens\n"

# A bad profile's YAML, the files beside it (text, bytes, or an int: a sparse file of that
# many bytes) and what its one line must say.
BAD: dict[str, tuple[str, dict[str, str | bytes | int], str]] = {
    "negative_headcount": ("headcount: -5\n", {}, "headcount: must be at least 1"),
    "headcount_over_cap": ("headcount: 1000000\n", {}, "headcount: must be at most"),
    "headcount_as_words": ("headcount: two hundred\n", {}, "headcount: must be a whole number"),
    "headcount_as_true": ("headcount: yes\n", {}, "headcount: must be a whole number"),
    "attrition_in_percent": ("voluntary_attrition: 12\n", {}, "voluntary_attrition: must be a share"),
    "attrition_nan": ("voluntary_attrition: .nan\n", {}, "voluntary_attrition: must be a share"),
    "regretted_over_one": ("regretted_share: 1.5\n", {}, "regretted_share: must be a share"),
    "forced_ranking_over_half": (
        "forced_ranking: 0.6\n",
        {},
        "forced_ranking: must be a share between 0 and 0.5",
    ),
    "team_over_headcount": (
        "headcount: 20\nteam_size: 30\n",
        {},
        "team_size: must be at most headcount (20)",
    ),
    "seats_over_headcount": ("headcount: 200\nai_seats: 250\n", {}, "ai_seats: must be at most headcount"),
    "wau_over_seats": (
        "headcount: 200\nai_seats: 100\nweekly_active_users: 150\n",
        {},
        "weekly_active_users: must be at most ai_seats (100)",
    ),
    "wau_alone": ("weekly_active_users: 150\n", {}, "weekly_active_users: give ai_seats"),
    "salary_with_a_unit": ("salary: 150k\n", {}, "salary: must be US dollars a year"),
    "headcount_fraction": ("headcount: 200.5\n", {}, "headcount: must be a whole number"),
    "cadence_a_date": ("review_cadence: 2026-01-01\n", {}, "review_cadence: must be weeks"),
    "negative_salary": ("salary: -1\n", {}, "salary: must be US dollars a year"),
    "salary_band_crossed": ("salary: {low: 200000, high: 100000}\n", {}, "salary.low: must be at most"),
    "salary_band_key": ("salary: {min: 1, max: 2}\n", {}, "salary.min: unknown key"),
    "unknown_cadence": ("review_cadence: fortnightly\n", {}, "review_cadence: must be weeks"),
    "cadence_zero_weeks": ("review_cadence: 0\n", {}, "review_cadence: must be weeks"),
    "r_over_one": ("manager_rating_accuracy: 1.5\n", {}, "manager_rating_accuracy: must be a correlation"),
    "unknown_accuracy_word": ("manager_rating_accuracy: somewhat\n", {}, "manager_rating_accuracy: must be"),
    "deciles_not_monotone": (
        "token_deciles: [1, 2, 3, 4, 9, 5, 6, 7, 8]\n",
        {},
        "token_deciles: must not decrease: item 6 is below item 5",
    ),
    "deciles_eight": ("token_deciles: [1, 2, 3, 4, 5, 6, 7, 8]\n", {}, "token_deciles: must be a list of 9"),
    "deciles_negative": ("token_deciles: [-1, 2, 3, 4, 5, 6, 7, 8, 9]\n", {}, "token_deciles item 1"),
    "deciles_and_csv": (
        "token_csv: t.csv\ntoken_deciles: [1, 2, 3, 4, 5, 6, 7, 8, 9]\n",
        {"t.csv": CSV + "a,2026-01,5\n"},
        "token_csv: give token_csv or token_deciles, not both",
    ),
    "notes_too_long": ("notes: '" + "x" * 5000 + "'\n", {}, "notes: must be at most 4,000 characters"),
    "name_not_text": ("name: [1, 2]\n", {}, "name: must be text"),
    "unknown_key": ("headcout: 200\n", {}, "headcout: unknown field; allowed: name, notes, headcount"),
    "not_a_mapping": ("- headcount\n- 200\n", {}, "a profile is a mapping of fields"),
    "duplicate_key": ("headcount: 200\nheadcount: 300\n", {}, "the key headcount is given twice"),
    "anchor": ("headcount: &h 200\nteam_size: *h\n", {}, "anchors and aliases"),
    "python_tag": ("headcount: !!python/object/apply:os.system [echo hi]\n", {}, "YAML tags"),
    "interpolation": ("name: ${oc.env:HOME}\n", {}, "name: interpolations"),
    "deep_nesting": ("notes: " + "[" * 20 + "]" * 20 + "\n", {}, "nested more than 8 levels"),
    "text_in_tokens": (
        "token_csv: t.csv\n",
        {"t.csv": CSV + "a,2026-01,12\nb,2026-01,root:$6$secretsecretsecret\n"},
        "token_csv: t.csv row 3, column tokens: not a number",
    ),
    "negative_tokens": (
        "token_csv: t.csv\n",
        {"t.csv": CSV + "a,2026-01,12\nb,2026-01,-4\n"},
        "token_csv: t.csv row 3, column tokens: must be tokens from 0",
    ),
    "missing_tokens_column": ("token_csv: t.csv\n", {"t.csv": "user,month\na,2026-01\n"}, "no tokens column"),
    "missing_user_column": (
        "token_csv: t.csv\n",
        {"t.csv": "who,month,tokens\na,2026-01,5\n"},
        "token_csv: t.csv: no user column",
    ),
    "short_row": ("token_csv: t.csv\n", {"t.csv": CSV + "a,2026-01\n"}, "t.csv row 2: has 2 columns"),
    "empty_csv": ("token_csv: t.csv\n", {"t.csv": ""}, "t.csv: empty"),
    "header_only": ("token_csv: t.csv\n", {"t.csv": CSV}, "t.csv: no rows of data"),
    "not_utf8": ("token_csv: t.csv\n", {"t.csv": CSV.encode() + b"\xff\xfe,2026-01,5\n"}, "not UTF-8 text"),
    "one_gigabyte": ("token_csv: big.csv\n", {"big.csv": 2**30}, "token_csv: big.csv: larger than 50 MB"),
    "escapes_folder": (
        "token_csv: ../outside.csv\n",
        {},
        "token_csv: must be a file in the profile's folder",
    ),
    "absolute_path": ("token_csv: /etc/passwd\n", {}, "token_csv: must be a path relative"),
    "missing_csv": ("token_csv: nowhere.csv\n", {}, "token_csv: nowhere.csv: no such file"),
    "csv_not_text": ("token_csv: 12\n", {}, "token_csv: must be the path of a CSV file"),
}


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A working folder, a profile folder inside it, and a file outside the profile folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "profiles").mkdir()
    (tmp_path / "outside.csv").write_text(CSV + "a,2026-01,5\n")
    return tmp_path


def write(folder: Path, text: str, files: dict[str, str | bytes | int]) -> Path:
    for name, content in files.items():
        if isinstance(content, int):
            with open(folder / name, "wb") as file:
                file.truncate(content)  # sparse: no disk used, nothing to read
        elif isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content)
    path = folder / "org.yaml"
    path.write_text(text)
    return path


def refused(argv: list[str], capsys) -> str:
    """`goodhart-sim profile ...` in this process: exit status 2 and one line on stderr."""
    with pytest.raises(SystemExit) as stop:
        cli.main(["profile", *argv])
    assert stop.value.code == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error:") and not out.out
    return lines[0]


# -- the examples ---------------------------------------------------------------------------


def test_the_three_examples_load_and_set_what_their_files_say():
    assert example_names() == ["example:bank_it", "example:big_tech", "example:startup"]
    startup, big, bank = (load_profile(f"example:{n}") for n in ("startup", "big_tech", "bank_it"))
    assert startup.fixed_parameters()["org.n_employees"].value == 200
    assert big.fixed_parameters()["org.n_employees"].value == 85_000
    assert bank.fixed_parameters()["org.n_employees"].value == 5_000
    stats = {s.name: s for s in big.observed_statistics()}
    assert stats["token_top"].value == 281_000  # Meta's top user: 281 billion tokens in 30 days
    assert stats["token_top"].unit == "million tokens per person per month"
    assert stats["weekly_active_share"].value == pytest.approx(0.9)
    # big_tech leaves rating accuracy and forced ranking out: both stay at their prior ranges
    assert {"behaviour.judgement_noise", "regime.forced_ranking"} <= set(big.prior_ranges())
    assert bank.ai_seats is not None and bank.ai_seats < 5_000
    for example in (startup, big, bank):
        cfg = resolve(None, example.overrides())  # what a profile sets is a valid config
        assert cfg.org.n_employees == example.headcount and cfg.org.team_size == example.team_size


def test_the_command_describes_an_example_from_any_folder_and_writes_nothing(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "sim", "profile", "example:startup"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Organisation profile: Start-up (200 people) (example:startup)" in text
    assert "What it sets" in text and "org.n_employees" in text and "headcount: 200 people" in text
    assert "What the simulations are compared against" in text and "token_decile_5" in text
    assert "What stays at its prior range" in text and "behaviour.score_stakes" in text
    assert not list(tmp_path.iterdir())


# -- what a profile sets, compares and leaves open ------------------------------------------


def test_a_small_hand_made_profile_maps_to_parameters_figures_and_ranges():
    profile = profile_from_mapping(
        {
            "headcount": 40,
            "team_size": 5,
            "salary": {"low": 100_000, "high": 140_000},
            "ai_seats": 20,
            "weekly_active_users": 15,
            "token_deciles": [1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6, 9e6],
            "voluntary_attrition": 0.104,
            "regretted_share": 0.3,
            "review_cadence": "yearly",
            "forced_ranking": 0.05,
            "manager_rating_accuracy": "closely",
        }
    )
    fixed = {key: value.value for key, value in profile.fixed_parameters().items()}
    assert fixed == {
        "org.n_employees": 40,
        "org.team_size": 5,
        "org.salary": 120_000.0,
        "org.review_period": 52,
        "regime.forced_ranking": 0.05,
        "turnover.base_attrition": pytest.approx(0.08),  # the calibrated pair: 0.08 gives 0.104
    }
    stats = {s.name: (s.value, s.unit) for s in profile.observed_statistics()}
    assert stats["weekly_active_share"] == (0.75, "share of seat holders active in a week")
    assert stats["token_decile_1"] == (1.0, "million tokens per person per month")
    assert stats["token_decile_9"] == (9.0, "million tokens per person per month")
    assert stats["voluntary_attrition"] == (0.104, "share of staff a year")
    assert stats["regretted_share"] == (0.3, "share of voluntary leavers")
    assert "rating_accuracy_r" not in stats  # words narrow a range; only a measured r is compared
    ranges = profile.parameter_ranges()
    assert not set(fixed) & set(ranges)
    noise = ranges["behaviour.judgement_noise"]
    assert noise.informed_by == "manager_rating_accuracy"
    assert noise.low == pytest.approx(judgement_noise(0.8), abs=1e-3)
    assert noise.high == pytest.approx(judgement_noise(0.5), abs=1e-3)
    assert ranges["workforce.token_need_sd"].informed_by == "token use"
    assert ranges["workforce.non_adopter_share"].informed_by == "weekly_active_users"
    assert "workforce.token_need_sd" not in profile.prior_ranges()
    assert profile.prior_ranges()["behaviour.score_stakes"].low == 0.5


def test_a_measured_r_is_compared_and_narrows_the_noise_around_it():
    profile = profile_from_mapping({"manager_rating_accuracy": 0.39})
    (stat,) = profile.observed_statistics()
    assert (stat.name, stat.value) == ("rating_accuracy_r", 0.39)
    noise = profile.parameter_ranges()["behaviour.judgement_noise"]
    assert noise.low < judgement_noise(0.39) < noise.high
    assert noise.low == pytest.approx(judgement_noise(0.49), abs=1e-3)


def test_a_missing_field_keeps_its_prior_range():
    empty = profile_from_mapping({})
    assert empty.fixed_parameters() == {} and empty.observed_statistics() == ()
    assert set(empty.prior_ranges()) == set(PRIOR)
    for key, r in empty.prior_ranges().items():
        assert (r.low, r.high) == PRIOR[key] and r.source and not r.informed_by
    only_size = profile_from_mapping({"headcount": 300})
    assert "org.n_employees" not in only_size.parameter_ranges()
    assert set(only_size.prior_ranges()) == set(PRIOR) - {"org.n_employees"}
    assert only_size.prior_ranges()["behaviour.judgement_noise"].high == PRIOR["behaviour.judgement_noise"][1]


def test_every_prior_holds_its_model_default_and_the_robustness_study_s_ranges():
    cfg = Config()
    for key, low, high, _ in PRIORS:
        node = cfg
        for part in key.split("."):
            node = node[part] if isinstance(node, dict) else getattr(node, part)
        assert low <= node <= high, key
    for name, low, high, _ in robustness.PARAMETERS:  # the study's space, which the priors keep
        assert PRIOR[name] == (low, high), name


def test_what_is_printed_holds_no_terminal_codes_from_the_file():
    text = profile_from_mapping({"name": "x\x1b[2J", "notes": "a\nb\x07"}).describe()
    assert "\x1b" not in text and "\x07" not in text
    assert "Organisation profile: x\\x1b[2J" in text and "Notes: a b\\x07" in text


def test_cadence_words_and_weeks():
    for word, weeks in (
        ("monthly", 4),
        ("Quarterly", 13),
        ("half-yearly", 26),
        ("half_yearly", 26),
        ("yearly", 52),
    ):
        assert profile_from_mapping({"review_cadence": word}).review_weeks == weeks
    assert profile_from_mapping({"review_cadence": 6}).review_weeks == 6


# -- the judgement-noise <-> rating-accuracy mapping ---------------------------------------


def test_the_mapping_inverts_and_holds_the_measured_points():
    for noise in np.linspace(0.05, 1.95, 20):
        assert judgement_noise(rating_accuracy(noise)) == pytest.approx(noise)
    assert judgement_noise(0.99) == 0.0 and judgement_noise(R0) == 0.0
    assert judgement_noise(0.1) == judgement_noise(-0.5) == 2.0  # below what the model reaches
    # experiments/rating_accuracy.py, mean of 6 seeds of 300 after a year; the fitted curve
    # passes within 0.052 of every mean up to noise 2
    measured = {0.25: 0.847, 0.5: 0.655, 0.75: 0.560, 1.0: 0.460, 1.25: 0.428, 1.5: 0.344, 2.0: 0.271}
    for noise, r in measured.items():
        assert rating_accuracy(noise) == pytest.approx(r, abs=0.055), noise
    lows = [ACCURACY_WORDS[w][0] for w in ("closely", "loosely", "barely")]
    assert lows == sorted(lows, reverse=True)


def test_the_noise_a_measured_r_maps_to_gives_about_that_r_in_the_model():
    noise = judgement_noise(0.6)
    rs = []
    for seed in (0, 1):
        cfg = resolve(None, ["regime=baseline", "org.n_employees=300", f"behaviour.judgement_noise={noise}"])
        model = OrgModel(cfg, rng=seed)
        for _ in range(52):
            model.step()
        wf = model.workforce
        rs.append(spearmanr(wf.impression[wf.employed], wf.contribution[wf.employed])[0])
    assert 0.45 < np.mean(rs) < 0.75, rs


# -- a token CSV ----------------------------------------------------------------------------


def test_a_console_export_gives_deciles_of_each_user_s_monthly_tokens(tmp_path):
    rows = ["\ufeffUser Email,Month,Total-Tokens"]  # Excel's BOM, another header spelling
    means = {}
    for i in range(50):
        jan, feb = 1_000_000 * (i + 1), 3_000_000 * (i + 1)
        rows += [f"u{i}@x.com,2026-01,{jan}", f'u{i}@x.com,2026-02,"{feb:,}"']
        means[f"u{i}"] = (jan + feb) / 2
    rows += ["u0@x.com,2026-02,1000000", ""]  # a second row for the same month adds up; a blank line
    means["u0"] += 1_000_000 / 2
    (tmp_path / "tokens.csv").write_text("\n".join(rows))
    (tmp_path / "org.yaml").write_text("token_csv: tokens.csv\n")
    profile = load_profile(tmp_path / "org.yaml")
    expected = np.quantile(list(means.values()), np.arange(1, 10) / 10)
    assert profile.token_deciles == pytest.approx(tuple(expected))
    assert profile.token_top == max(means.values())
    assert profile.token_origin == "token_csv tokens.csv (50 users, 2 months)"
    assert profile.parameter_ranges()["production.tokens_per_ai_hour"].informed_by == "token use"


def test_a_link_inside_the_folder_is_read_and_one_out_of_it_is_refused(place, capsys):
    folder = place / "profiles"
    (folder / "data").mkdir()
    (folder / "data" / "t.csv").write_text(CSV + "a,2026-01,5\n")
    (folder / "in.csv").symlink_to(folder / "data" / "t.csv")
    (folder / "out.csv").symlink_to(place / "outside.csv")
    (folder / "ok.yaml").write_text("token_csv: in.csv\n")
    assert load_profile(folder / "ok.yaml").token_deciles == (5.0,) * 9
    path = write(folder, "token_csv: out.csv\n", {})
    before = tree(place)
    line = refused([str(path)], capsys)
    assert "token_csv: must be a file in the profile's folder" in line
    assert tree(place) == before


def test_a_gigabyte_csv_is_refused_by_its_size_without_being_opened(place, capsys, monkeypatch):
    path = write(place / "profiles", "token_csv: big.csv\n", {"big.csv": 2**30})
    opened = []
    real_open = builtins.open
    monkeypatch.setattr(
        profile_module, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k), raising=False
    )
    line = refused([str(path)], capsys)
    assert "larger than 50 MB" in line and not opened


def test_a_csv_past_the_row_cap_is_refused(place, capsys, monkeypatch):
    monkeypatch.setattr(profile_module, "MAX_CSV_ROWS", 5)
    rows = "".join(f"u{i},2026-01,{i}\n" for i in range(6))
    path = write(place / "profiles", "token_csv: t.csv\n", {"t.csv": CSV + rows})
    assert "token_csv: t.csv: more than 5 rows" in refused([str(path)], capsys)


# -- bad profiles ---------------------------------------------------------------------------


def test_there_are_at_least_twenty_bad_profiles():
    assert len(BAD) >= 20


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_profile_is_one_line_naming_the_field_exit_2_and_nothing_written(place, capsys, case):
    text, files, said = BAD[case]
    path = write(place / "profiles", text, files)
    before = tree(place)
    line = refused([str(path)], capsys)
    assert said in line, line
    assert "org.yaml" in line  # the file at fault
    assert "secretsecret" not in line  # a snippet of what a file holds is short
    assert len(line) < 400
    assert tree(place) == before


def test_an_unknown_example_lists_the_examples(capsys):
    line = refused(["example:nope"], capsys)
    assert "example:nope: unknown example; allowed: example:bank_it" in line


def test_the_loader_raises_config_error_for_python_callers():
    with pytest.raises(ConfigError, match="headcount: must be at least 1"):
        profile_from_mapping({"headcount": 0})
    with pytest.raises(ConfigError, match="token_csv: a CSV path needs the profile's folder"):
        profile_from_mapping({"token_csv": "t.csv"})


def test_the_docs_prior_table_is_the_fits_priors():
    """docs/profile.md's table of prior ranges names every parameter a fit may vary, with the
    range the code gives it (robustness rows included), and nothing else."""
    doc = (REPO / "docs" / "profile.md").read_text()
    table = doc[doc.index("## Prior ranges") : doc.index("## Bad profiles")]
    rows = re.findall(r"^\| `([\w.]+)` \| ([\d.]+) \| ([\d.]+) \|", table, flags=re.M)
    assert {(name, float(low), float(high)) for name, low, high in rows} == {
        (name, float(low), float(high)) for name, low, high, _ in PRIORS
    }
    assert len(rows) == len(PRIORS)


def test_docs_name_every_field_and_the_mapping():
    doc = (REPO / "docs" / "profile.md").read_text()
    for key in KEYS:
        assert f"`{key}`" in doc, key
    assert "experiments/rating_accuracy.py" in doc and "judgement_noise" in doc
    assert "goodhart-sim profile" in (REPO / "README.md").read_text()


def test_the_attrition_a_profile_maps_from_is_the_calibrations_own_fit():
    # A profile's voluntary attrition sets the base attrition in the proportion the calibrated
    # base gives the default organisation; a recalibration that moves that figure must move it.
    report = (REPO / "docs" / "calibration.md").read_text()
    row = next(line for line in report.splitlines() if line.startswith("| baseline_attrition |"))
    fitted = float(row.split("|")[4].split("[")[0])
    assert fitted == pytest.approx(CALIBRATED_ATTRITION, abs=5e-4)
