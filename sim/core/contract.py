"""The data contract in code: each output column's unit and meaning, as docs/data-contract.md
gives them (a test keeps the two the same), written into every Parquet file's field metadata."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import NamedTuple

from sim.core.checks import SHARES


class Column(NamedTuple):
    unit: str
    meaning: str


WEEKLY: dict[str, Column] = {
    "regime": Column("name", "the regime's `name` (main job only)"),
    "seed": Column("integer", "the run's seed (main job only)"),
    "week": Column("week", "week number, from 0"),
    "policy_active": Column(
        "bool",
        (
            "whether the regime's policy applied this week (`week >= regime.start_week` and the regime "
            "measures something)"
        ),
    ),
    "pressure": Column("share", "pressure riding on the score this week (0 before the policy starts)"),
    "headcount": Column("people", "people employed this week"),
    "vacancies": Column("posts", "posts empty this week"),
    "hours_mean": Column(
        "hours a week", "mean hours worked per employee, review of teammates' output included"
    ),
    "share_craft": Column("share of hours", "share of all hours spent on work without AI"),
    "share_ai": Column("share of hours", "share of hours spent on real work through AI"),
    "share_theater": Column(
        "share of hours",
        (
            "share of hours spent on gaming (theater) of any kind: actions whose only effect is to move what "
            "the records show; the sum of the `theater_<action>` columns"
        ),
    ),
    "share_quality": Column(
        "share of hours", "share of hours on review, testing, maintenance and helping teammates"
    ),
    "share_learning": Column(
        "share of hours", "share of hours on deliberate practice that raises AI fluency"
    ),
    "theater_agents_running": Column(
        "share of hours",
        "share of hours spent on gaming action `agents_running`: AI agents left running "
        "(tokens, AI activity)",
    ),
    "theater_prompt_padding": Column(
        "share of hours",
        (
            "share of hours spent on gaming action `prompt_padding`: padded and regenerated prompts (prompts,"
            " tokens)"
        ),
    ),
    "theater_accept_clicking": Column(
        "share of hours",
        (
            "share of hours spent on gaming action `accept_clicking`: accepting AI suggestions to lift the "
            "acceptance rate"
        ),
    ),
    "theater_volume_padding": Column(
        "share of hours",
        (
            "share of hours spent on gaming action `volume_padding`: padding shipped volume with changes that"
            " are reworked later"
        ),
    ),
    "theater_cherry_picking": Column(
        "share of hours",
        (
            "share of hours spent on gaming action `cherry_picking`: cherry-picking easy work: credit taken "
            "from teammates, harder work left to them"
        ),
    ),
    "theater_claiming_credit": Column(
        "share of hours",
        (
            "share of hours spent on gaming action `claiming_credit`: claiming teammates' credit (value and "
            "durable value taken from their records)"
        ),
    ),
    "theater_deferring_defects": Column(
        "share of hours",
        (
            "share of hours spent on gaming action `deferring_defects`: pushing one's defects past the "
            "durability window, where they cost more"
        ),
    ),
    "gaming_share": Column(
        "share of staff",
        (
            "share of employees spending more than 5% of their hours on gaming actions "
            "(`behaviour.gaming_threshold`)"
        ),
    ),
    "value": Column(
        "value units a week",
        (
            "real short-term value delivered, as first judged, all employees (what gaming makes records show "
            "is not included)"
        ),
    ),
    "durable_value": Column(
        "value units a week",
        (
            "real durable value now known (of work done `durability_weeks` earlier), all employees: what "
            "lasts after all rework, late fixes of deferred defects included, whatever the records credit"
        ),
    ),
    "durable_value_per_head": Column("value units per head a week", "durable value divided by headcount"),
    "volume": Column("volume units a week", "shipped volume, all employees"),
    "rework_rate": Column(
        "share of volume",
        (
            "share of shipped volume reverted or rewritten, known when the durability window has passed "
            "(lagged like durable value; defects pushed past the window by `deferring_defects` included, "
            "though the metric's signal does not show them)"
        ),
    ),
    "tokens": Column("million tokens a week", "AI tokens consumed, all employees"),
    "token_cost": Column("$ a week", "what those tokens cost"),
    "token_cost_per_head": Column("$ per head a week", "token cost divided by headcount (x52 for a year)"),
    "ai_active_days": Column("days a week", "mean number of days with any AI tool use"),
    "adoption": Column(
        "share of staff", "share of employees who are regular AI users (3 or more AI-active days a week)"
    ),
    "acceptance_rate": Column("share", "share of AI suggestions accepted, weighted by AI hours"),
    "fluency": Column("score", "mean AI fluency (0 novice, 1 expert)"),
    "exhaustion": Column(
        "stock", "mean exhaustion (burnout above `wellbeing.burnout_threshold`, 1 by default)"
    ),
    "burnout_share": Column("share of staff", "share of employees burned out"),
    "trust": Column(
        "score",
        (
            "mean trust in the organisation (1 = as trusted as an unmonitored workplace); falls under visible"
            " AI telemetry and under a score real work cannot move (docs/model.md, S8b)"
        ),
    ),
    "quality_hours": Column("hours per head a week", "mean hours spent on quality work"),
    "review_hours": Column(
        "hours per head a week",
        "mean hours spent reviewing teammates' output, as their output asks (demanded, not chosen)",
    ),
    "long_hours_share": Column("share", "share of employees working more than 45 hours a week"),
    "metric_index": Column(
        "ratio",
        (
            "the metric as its dashboard shows it: mean composite score relative to its level when the policy"
            " started; empty before then and for the baseline"
        ),
    ),
    "score_mean": Column("score", "mean score (0.5 for everyone before the policy starts)"),
    "score_value_correlation": Column(
        "correlation",
        (
            "rank correlation between people's metric composite and their real contribution (durable value "
            "plus help given, smoothed); empty for the baseline"
        ),
    ),
    "durable_value_index": Column("ratio", "durable value per head relative to week 0"),
    "volume_index": Column("ratio", "shipped volume per head relative to week 0"),
    "perceived_productivity_index": Column(
        "ratio", "the value people believe they deliver (with their optimism about AI) relative to week 0"
    ),
    "expectation_index": Column(
        "ratio",
        "the kept volume managers expect (not reworked within the window), per head, relative to week 0's",
    ),
    "salary_cost": Column("$ a week", "salaries of the people employed"),
    "departure_cost": Column("$", "replacement cost of every departure so far (cumulative)"),
    "cost": Column("$ a week", "salaries plus tokens this week"),
    "cost_per_durable_value": Column(
        "$ per value unit", "this week's cost divided by this week's durable value"
    ),
    "quits": Column("people", "voluntary departures this week"),
    "fired": Column("people", "people let go by forced ranking this week (at reviews only)"),
    "hires": Column("people", "people hired at the end of this week into posts vacant long enough"),
    "attrition_annualised": Column(
        "rate a year", "voluntary quits over the last 13 weeks, annualised, per head"
    ),
}

EMPLOYEES: dict[str, Column] = {
    "regime": Column("name", "the regime's `name` (main job only)"),
    "seed": Column("integer", "the run's seed (main job only)"),
    "employee_id": Column("id", "the Mesa agent's `unique_id` (unique within a run)"),
    "team": Column("team number", "their team"),
    "hired_week": Column(
        "week",
        "week they started; negative if before week 0, during the burn-in "
        "(the founding staff: -`org.burn_in_weeks`)",
    ),
    "left_week": Column("week", "week they left; -1 if still employed at the end"),
    "exit": Column("category", "how they left, or `employed`"),
    "tenure_weeks": Column("weeks", "weeks worked here during the run"),
    "skill": Column("multiplier", "productivity multiplier (median 1)"),
    "integrity": Column("score", "how much performative work costs them morally"),
    "career_concern": Column(
        "score", "weight on evaluation (the score and the manager's judgement) against intrinsic motivation"
    ),
    "resilience": Column("multiplier", "speed of recovery from exhaustion (median 1)"),
    "token_need": Column("multiplier", "tokens their role genuinely needs per AI hour (median 1)"),
    "outside_option": Column("multiplier", "what they could get elsewhere (rises with skill)"),
    "fluency_at_hire": Column("score", "AI fluency when hired"),
    "fluency": Column("score", "AI fluency when they left, or at the end"),
    "hours_mean": Column(
        "hours a week", "mean hours worked: one's own work plus the review teammates' output asks for"
    ),
    "share_craft": Column("share of hours", "share of their hours on craft"),
    "share_ai": Column("share of hours", "share of their hours on AI-assisted work"),
    "share_theater": Column("share of hours", "share of their hours on gaming actions of any kind"),
    "share_quality": Column("share of hours", "share of their hours on quality work"),
    "share_learning": Column("share of hours", "share of their hours on learning"),
    "exhaustion": Column("stock", "exhaustion when they left, or at the end"),
    "burned_out": Column("bool", "burned out when they left, or at the end"),
    "weeks_burned_out": Column("weeks", "weeks spent burned out"),
    "value_per_week": Column("value units a week", "mean real first-judged value delivered"),
    "durable_value_per_week": Column(
        "value units a week",
        "mean real durable value (lagged by the durability window), whatever their records claimed",
    ),
    "volume_per_week": Column("volume units a week", "mean shipped volume"),
    "token_cost_per_week": Column("$ a week", "mean token spend"),
    "score_mean": Column("score", "mean metric score"),
    "rewards_total": Column(
        "score-reviews", "sum of the rewards (evaluation outcomes in [0, 1]) received at reviews"
    ),
    "contribution_per_week": Column(
        "value units a week",
        "mean real contribution: durable value plus the value their help added to teammates",
    ),
    "contribution_percentile": Column(
        "share", "rank of `contribution_per_week` among the staff employed when they left (or at the end)"
    ),
    "top_contributor": Column(
        "bool", "`contribution_percentile` of 0.75 or more: their departure is regretted attrition"
    ),
}

SUMMARY: dict[str, Column] = {
    "regime": Column("name", "the regime's `name`"),
    "label": Column("text", "the regime's plain-language label"),
    "pressure": Column("share", "`regime.pressure`"),
    "seed": Column("integer", "the run's seed"),
    "n_employees": Column("posts", "`org.n_employees`"),
    "weeks": Column("weeks", "`org.weeks`"),
    "durable_value_per_head": Column("value units per head a week", "mean over the policy period"),
    "durable_value_total": Column("value units", "durable value over the whole run"),
    "value_per_head": Column(
        "value units per head a week", "real first-judged value, mean over the policy period"
    ),
    "durable_value_change": Column("ratio - 1", "durable value per head in the last quarter against week 0"),
    "perceived_productivity_change": Column(
        "ratio - 1", "believed value per head in the last quarter against week 0"
    ),
    "volume_change": Column("ratio - 1", "shipped volume per head in the last quarter against week 0"),
    "metric_index": Column(
        "ratio",
        "the metric in the last quarter relative to its level when the policy started "
        "(empty for the baseline)",
    ),
    "score_value_correlation_start": Column(
        "correlation",
        "rank correlation of score and real contribution over the 4 weeks before the policy starts",
    ),
    "score_value_correlation_end": Column("correlation", "the same over the last quarter"),
    "token_cost_per_head_year": Column(
        "$ per head a year", "token spend per head, annualised, policy period"
    ),
    "theater_share": Column("share of hours", "share of hours in gaming actions of any kind, policy period"),
    "quality_share": Column("share of hours", "share of hours in quality work, policy period"),
    "ai_share": Column("share of hours", "share of hours in AI-assisted work, policy period"),
    "theater_agents_running": Column(
        "share of hours", "share of hours in gaming action `agents_running`, policy period"
    ),
    "theater_prompt_padding": Column(
        "share of hours", "share of hours in gaming action `prompt_padding`, policy period"
    ),
    "theater_accept_clicking": Column(
        "share of hours", "share of hours in gaming action `accept_clicking`, policy period"
    ),
    "theater_volume_padding": Column(
        "share of hours", "share of hours in gaming action `volume_padding`, policy period"
    ),
    "theater_cherry_picking": Column(
        "share of hours", "share of hours in gaming action `cherry_picking`, policy period"
    ),
    "theater_claiming_credit": Column(
        "share of hours", "share of hours in gaming action `claiming_credit`, policy period"
    ),
    "theater_deferring_defects": Column(
        "share of hours", "share of hours in gaming action `deferring_defects`, policy period"
    ),
    "gaming_share": Column(
        "share of staff", "share of staff spending over 5% of hours on gaming actions, last quarter"
    ),
    "hours_mean": Column("hours a week", "mean hours worked, policy period"),
    "review_hours": Column(
        "hours per head a week", "mean hours spent reviewing teammates' output, policy period"
    ),
    "long_hours_share": Column(
        "share", "share of employees working more than 45 hours a week, policy period"
    ),
    "rework_rate": Column("share of volume", "mean rework rate, policy period"),
    "adoption": Column("share of staff", "regular AI users, last quarter"),
    "fluency": Column("score", "mean AI fluency, last quarter"),
    "burnout_share": Column("share of staff", "mean share burned out, policy period"),
    "trust": Column("score", "mean trust in the organisation, last quarter"),
    "metric_alignment": Column(
        "signed cos²",
        (
            "Baker's alignment of the regime's score with real contribution at the policy start: the signed "
            "squared cosine between the gradients of score and contribution over a person's hours in each "
            "activity, mean over staff (1 = fully aligned, 0 = unrelated, negative = rewards what destroys "
            "value; empty for the baseline; docs/model.md, S6b)"
        ),
    ),
    "attrition": Column("rate a year", "voluntary quits per head per year, whole run"),
    "fired_rate": Column("rate a year", "people let go by forced ranking per head per year"),
    "regretted_share": Column(
        "share of quits",
        (
            "share of voluntary leavers who were top-quartile contributors (0.25 if leaving were blind to "
            "contribution)"
        ),
    ),
    "regretted_attrition": Column("rate a year", "top-quartile contributors quitting, per head per year"),
    "quit_rate_burned_out": Column("rate a year", "annualised quit rate over person-weeks spent burned out"),
    "quit_rate_not_burned_out": Column("rate a year", "annualised quit rate over the other person-weeks"),
    "burnout_quit_ratio": Column("ratio", "the first over the second (empty when nobody burned out)"),
    "cost_total": Column("$", "salaries, tokens and replacement costs over the run"),
    "cost_per_durable_value": Column("$ per value unit", "`cost_total` divided by `durable_value_total`"),
    "departure_cost": Column(
        "$", "replacement costs over the run (`org.replacement_cost` x salary per departure)"
    ),
    "people_ever_employed": Column("people", "rows of the employee table"),
}

SWEEP: dict[str, Column] = {
    "replicate": Column(
        "index",
        (
            "the run's number among its job's replicates (0, 1, ...); its seed is derived from the job's "
            "`seed` with NumPy's SeedSequence"
        ),
    ),
    "job": Column("name", "the job's folder name in the sweep folder (made from its overrides)"),
    "config_hash": Column(
        "hash",
        "what identifies the job's results: a hash of every model parameter, the seed, the replicates "
        "and the model's code",
    ),
}

PARAMETERS: dict[str, Column] = {
    "config_seed": Column(
        "integer", "`seed`: the sweep job's base seed, from which its replicates' seeds are derived"
    ),
    "replicates": Column("runs", "`replicates`: runs per job"),
    "config_regime": Column("name", "`regime`: the regime preset chosen"),
    "org_n_employees": Column("posts", "`org.n_employees`"),
    "org_team_size": Column("people", "`org.team_size`"),
    "org_weeks": Column("weeks", "`org.weeks`"),
    "org_burn_in_weeks": Column("weeks", "`org.burn_in_weeks`: weeks run with no metric before week 0"),
    "org_review_period": Column("weeks", "`org.review_period`"),
    "org_salary": Column("$ a year", "`org.salary`, fully loaded"),
    "org_vacancy_weeks": Column("weeks", "`org.vacancy_weeks`"),
    "org_ramp_weeks": Column("weeks", "`org.ramp_weeks`"),
    "regime_start_week": Column("week", "`regime.start_week`"),
    "regime_window": Column("weeks", "`regime.window`"),
    "regime_noise": Column(
        "share of the composite", "`regime.noise`: sd of attribution noise relative to the composite"
    ),
    "org_interdependence": Column(
        "share",
        (
            "`org.interdependence`: share of work shared with teammates; scales the attribution noise of "
            "shared work"
        ),
    ),
    "production_durability_weeks": Column("weeks", "`production.durability_weeks`"),
    "production_token_price": Column("$ per million tokens", "`production.token_price`"),
    "behaviour_judgement_noise": Column(
        "share of mean contribution",
        "`behaviour.judgement_noise`: sd of managers' misreading of contribution",
    ),
    "sweep_employees": Column("bool", "`sweep.employees`: whether the job also wrote its per-employee table"),
}

JOBS: dict[str, Column] = {
    "job": Column("name", "the job's folder name in the sweep folder"),
    "status": Column(
        "category",
        (
            "how the job ended: `unfinished` started but never finished (interrupted or still running); `not "
            "started` never began"
        ),
    ),
    "error": Column("text", "what went wrong (empty for finished jobs)"),
    "overrides": Column("text", "the job's overrides, separated by spaces"),
    "config_hash": Column("hash", "the hash of the job's config (empty unless done)"),
    "runs": Column("runs", "replicate runs the job finished"),
    "seconds": Column("seconds", "time the job took, empty unless done"),
}
AI_EFFECT: dict[str, Column] = {
    "horizon_weeks": Column(
        "week",
        "the week the horizon ends: 52, 104 and 208 (one, two and four years) where the run lasts that "
        "long, else the run's own length",
    ),
    "years": Column("years", "`horizon_weeks` / 52"),
    "measure": Column(
        "category",
        "`durable_value_per_head`: durable value per head a week; `durable_value_per_40_hours`: durable "
        "value over the hours worked, per 40 hours",
    ),
    "with_ai": Column(
        "value units a week",
        "the measure over the 13 weeks before the horizon, with AI tools and no metric (the baseline), "
        "mean over seeds",
    ),
    "without_ai": Column(
        "value units a week",
        "the same without AI tools (`baseline_no_ai`: `production.ai_available=false`), same seeds",
    ),
    "change": Column("ratio - 1", "each seed's `with_ai` over its own `without_ai`, less 1, mean over seeds"),
    "change_low": Column(
        "ratio - 1", "low end of the 95% interval of `change` (Student's t over seeds; empty with one seed)"
    ),
    "change_high": Column("ratio - 1", "high end of the same interval"),
    "seeds": Column("runs", "seeds paired: runs with AI tools, each with its run without them"),
}
TABLES = {
    "weekly": WEEKLY,
    "employees": EMPLOYEES,
    "summary": SUMMARY,
    "jobs": JOBS,
    "ai_effect": AI_EFFECT,
}
THEATER = "theater_"  # one column per gaming action of the repertoire, which a config may extend


def parameter_column(key: str, taken: Collection[str] = ()) -> str:
    """The column of a swept config key: a plain identifier, `config_`-prefixed if `taken`."""
    name = re.sub(r"\W", "_", key)
    return f"config_{name}" if name in taken else name


def describe(table: str, column: str, parameters: Mapping[str, str] | None = None) -> Column | None:
    """A column's unit and meaning; `parameters` maps parameter columns to their config keys.
    None for a column the contract does not know."""
    if parameters and column in parameters:
        key = parameters[column]
        if column in PARAMETERS:
            return PARAMETERS[column]
        if key in SHARES:
            return Column("share", f"`{key}`")
        return Column(f"as `{key}` in docs/model.md", f"`{key}`, as each job of the sweep set it")
    for known in (TABLES[table], SWEEP):
        if column in known:
            return known[column]
    if column.startswith(THEATER) and table in ("weekly", "summary"):
        return Column("share of hours", f"share of hours spent on gaming action `{column[len(THEATER) :]}`")
    return None


def field_metadata(
    table: str, columns: Iterable[str], parameters: Mapping[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """Each known column's Parquet field metadata: its `unit` and `description`."""
    found = {column: describe(table, column, parameters) for column in columns}
    return {c: {"unit": d.unit, "description": d.meaning} for c, d in found.items() if d is not None}
