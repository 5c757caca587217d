"""Every parameter of the model and its default, as typed dataclasses.

These dataclasses are the single source of truth; the YAML files under `sim/configs/` only
select presets and override values. They are registered in Hydra's ConfigStore so that
Hydra type-checks every override against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from hydra.core.config_store import ConfigStore
from omegaconf import OmegaConf


def _calibrated() -> dict[str, dict[str, float]]:
    """The free parameters' values chosen by `goodhart-sim calibrate` (sim/configs/calibrated.yaml)."""
    text = resources.files("sim.configs").joinpath("calibrated.yaml").read_text()
    values = OmegaConf.to_container(OmegaConf.create(text))
    if not isinstance(values, dict):
        raise ValueError("configs/calibrated.yaml: not a mapping of sections to values")
    return {str(section): dict(params) for section, params in values.items()}


CALIBRATED = _calibrated()


@dataclass
class OrgConfig:
    """The organisation: its size, its teams and what people cost."""

    n_employees: int = 500
    team_size: int = 8
    weeks: int = 104
    burn_in_weeks: int = 156  # weeks run with no metric before week 0, unrecorded (settles burnout)
    review_period: int = 13
    salary: float = 200_000.0  # $ a year, fully loaded
    vacancy_weeks: int = 6  # weeks a post stays empty before the replacement starts
    ramp_weeks: int = 13  # weeks until a new hire reaches full productivity
    ramp_start: float = 0.3  # productivity share of a new hire in week one
    replacement_cost: float = 0.21  # share of salary lost per departure (Boushey & Glynn)
    # Share of a person's work done jointly with teammates (0: each works alone; 1: all of it
    # shared, as in pairing): it scales the error of crediting shared work's signals to one
    # person (docs/model.md S6). 0 keeps the attribution noise every regime had before.
    interdependence: float = 0.0


@dataclass
class WorkforceConfig:
    """Traits drawn at hire. Shares and scores are in [0, 1]."""

    skill_sd: float = 0.25  # lognormal sd of the productivity multiplier (median 1)
    fluency_a: float = 2.0  # Beta(a, b) of initial AI fluency
    fluency_b: float = 5.0
    integrity_a: float = 4.0  # Beta(a, b) of integrity
    integrity_b: float = 2.5
    career_concern_a: float = 3.0  # Beta(a, b) of career concern
    career_concern_b: float = 3.0
    resilience_sd: float = 0.35  # lognormal sd of resilience (median 1)
    token_need_sd: float = CALIBRATED["workforce"]["token_need_sd"]  # lognormal sd of tokens a role needs
    outside_option_sd: float = 0.15  # noise of the outside option around skill
    theater_habit: float = 0.002  # mean share of a hire's own habits spent on each gaming action
    gaming_inclined_share: float = 0.2  # share of hires whose own habits include gaming at all
    non_adopter_share: float = 0.3  # share of hires whose own habits include no AI at all
    habit_noise: float = 0.04  # sd of a hire's own split around the default split
    initial_split: dict[str, float] = field(
        default_factory=lambda: {
            "craft": 0.42,
            "ai": 0.25,
            "quality": 0.25,
            "learning": 0.08,
        }
    )


@dataclass
class ProductionConfig:
    """How an hour of each activity turns into value, volume, tokens and rework.

    Value is in units of a median, fully ramped employee's 40-hour week of craft (1 unit).
    """

    ai_multiplier_novice: float = CALIBRATED["production"][
        "ai_multiplier_novice"
    ]  # AI hour vs craft, fluency 0
    ai_multiplier_expert: float = CALIBRATED["production"]["ai_multiplier_expert"]  # the same at fluency 1
    ai_task_hours: float = 12.0  # AI-suited hours in 40 of real work, median token need (saturation)
    ai_setup_hours: float = 1.0  # AI hours a week lost to setting up and switching: a barrier to adoption
    ai_skill_levelling: float = CALIBRATED["production"][
        "ai_skill_levelling"
    ]  # how much less an AI hour's output owes to skill: 0 as craft, 1 not at all (Dell'Acqua et al.)
    ai_volume_inflation: float = CALIBRATED["production"][
        "ai_volume_inflation"
    ]  # volume per unit of AI value
    quality_value: float = 0.3  # direct value per quality hour, relative to a craft hour
    help_effect: float = 0.25  # teammates' productivity gain per 10 quality hours a week of theirs
    review_need: float = 0.5  # quality hours needed per hour of AI output for full review
    review_need_craft: float = 0.1  # the same per hour of craft
    rework_craft: float = 0.06  # share of craft volume reworked, unreviewed
    rework_ai: float = CALIBRATED["production"]["rework_ai"]  # share of AI volume reworked, unreviewed
    rework_reviewed: float = 0.25  # factor on rework when fully reviewed
    durability_weeks: int = 4  # rework shows up within this window; durable value lags by it
    tokens_per_ai_hour: float = 0.5  # million tokens per honest AI hour at median token need
    token_price: float = 5.0  # $ per million tokens
    prompts_per_ai_hour: float = 10.0
    acceptance_honest: float = 0.27  # suggestion acceptance rate of honest use (Ziegler et al.)
    active_day_hours: float = 1.5  # AI hours per week that make about 3 of 5 days AI-active
    learning_rate: float = 0.03  # fluency gain per 10 learning hours, times (1 - fluency)
    practice_rate: float = 0.01  # fluency gain per 10 AI hours, times (1 - fluency)
    long_hours_start: float = 45.0  # hours after which each extra hour yields less
    long_hours_yield: float = 0.5  # yield of an hour past long_hours_start
    late_defect_cost: float = 0.5  # extra loss per unit of rework pushed past the window (late fixes)
    peer_review_share: float = 0.5  # share of the review a person's output needs that teammates must do
    fluency_obsolescence: float = 0.0133  # weekly share of AI fluency lost as tools change (half-life a year)
    ai_available: bool = True  # false: the same organisation without AI tools (the counterfactual)


@dataclass
class GamingAction:
    """One performative action: what an hour of it does to the observable signals, to value
    and to rework, and what it costs the person morally. None of its hours produce value.

    Volume, value and hidden rework are per hour, relative to what an hour of a median
    person's craft ships or is worth (1/40 of a unit). `from_teammates` actions take their
    apparent volume and value from teammates' records, so team totals do not move.
    """

    label: str = ""
    moral_cost: float = 1.0  # moral cost of an hour, relative to `behaviour.moral_weight`
    tokens: float = 0.0  # million tokens an hour
    prompts: float = 0.0  # prompts an hour
    tool_hours: float = 0.0  # hours of AI-tool activity telemetry records, per hour
    acceptance: float = 0.0  # share of AI suggestions accepted during that activity
    volume: float = 0.0  # shipped volume an hour
    rework: float = 0.0  # share of that volume reverted or rewritten within the durability window
    value: float = 0.0  # first-judged value an hour (apparent only)
    durable: float = 0.0  # value an hour that the durability window credits (apparent only)
    hides_rework: float = 0.0  # own rework an hour pushed past the durability window
    from_teammates: bool = False  # apparent volume and value are taken from teammates' records
    help: float = 0.0  # like an hour of help to teammates (negative: leaves them the hard work)


def _repertoire() -> dict[str, GamingAction]:
    """The default repertoire of gaming: the seeds' examples (see docs/model.md, S3b)."""
    return {
        "agents_running": GamingAction(
            label="AI agents left running",
            moral_cost=1.0,
            tokens=30.0,
            prompts=5.0,
            tool_hours=1.0,
            acceptance=0.27,
        ),
        "prompt_padding": GamingAction(
            label="Padded and regenerated prompts",
            moral_cost=0.8,
            tokens=4.0,
            prompts=60.0,
            tool_hours=1.0,
            acceptance=0.27,
        ),
        "accept_clicking": GamingAction(
            label="Accepting suggestions to lift the rate",
            moral_cost=0.8,
            tokens=1.0,
            prompts=10.0,
            tool_hours=1.0,
            acceptance=0.95,
            volume=0.5,
            rework=0.6,
        ),
        "volume_padding": GamingAction(
            label="Padding shipped volume",
            moral_cost=0.5,
            tokens=2.0,
            prompts=10.0,
            tool_hours=1.0,
            acceptance=0.5,
            volume=6.0,
            rework=0.8,
        ),
        "cherry_picking": GamingAction(
            label="Cherry-picking easy work",
            moral_cost=0.6,
            volume=0.8,
            value=0.6,
            durable=0.6,
            from_teammates=True,
            help=-0.5,
        ),
        "claiming_credit": GamingAction(
            label="Claiming teammates' credit",
            moral_cost=1.5,
            value=0.8,
            durable=0.8,
            from_teammates=True,
        ),
        "deferring_defects": GamingAction(
            label="Pushing defects past the review window",
            moral_cost=1.0,
            hides_rework=1.0,
        ),
    }


@dataclass
class BehaviourConfig:
    """Bounded-rational choice of the split of hours and of the hours themselves."""

    adaptation: bool = True  # local search and imitation; off = habits fixed at hire
    search_step: float = 0.10  # sd of the share of hours moved in a trial change of split
    search_hours_step: float = 2.0  # sd of a trial change of weekly hours
    hours_trial_share: float = 0.3  # share of weekly trials that change hours rather than the split
    score_stakes: float = 2.0  # utility of a full score, in typical weeks of contribution
    ai_optimism: float = CALIBRATED["behaviour"]["ai_optimism"]  # believed extra speed from AI (METR)
    rework_awareness: float = 0.4  # share of their own rework people perceive
    mastery_weight: float = 6.0  # intrinsic value of a unit of fluency growth
    moral_weight: float = 0.8  # moral cost of a full week of theater at integrity 1
    norm_strength: float = 0.7  # how far teammates' theater eases its moral cost
    effort_weight: float = 0.45  # cost of a 40-hour week at zero exhaustion
    exhaustion_effort: float = 0.3  # how much exhaustion raises the cost of effort
    ai_effort_relief: float = 0.3  # share of an AI-assisted hour's effort not felt when planning hours
    expectation_weight: float = 1.0  # cost of falling short of expectations, per full shortfall
    informal_spread: float = 0.5  # how far informal judgement separates best and worst (0-1)
    judgement_noise: float = 1.0  # sd of managers' misreading of contribution, per mean contribution
    hours_visibility: float = 0.3  # how far managers' impression leans on hours seen (per 100% over 40 h)
    telemetry_visibility: float = 0.5  # how far it leans on AI telemetry, where the regime shows it
    # Share of what a person's records overstate (credit claimed from teammates, less credit
    # lost to them; deferred defects counted as delivered) that enters their manager's
    # impression each week. 0: managers are fooled only through hours and telemetry (no
    # source gives the share yet; docs/model.md S8).
    claims_visibility: float = 0.0
    gaming_threshold: float = 0.05  # theater share of hours at which teammates see someone as gaming
    contribution_memory: float = 8.0  # weeks over which managers' picture of contribution is smoothed
    imitation: float = 0.3  # share of a better-rewarded teammate's split copied at reviews
    onboarding_conformity: float = 0.6  # weight of the best-rewarded teammate's habits in a hire's split
    min_hours: float = 30.0
    max_hours: float = 70.0


@dataclass
class TrustConfig:
    """Trust in the organisation, a stock in [0, 1] (1: as trusted as an unmonitored workplace)."""

    monitoring_erosion: float = 0.005  # weekly loss per unit of trust under visible activity telemetry
    misalignment_erosion: float = 0.02  # weekly loss per unit of pressure x misalignment of the score
    rebuild: float = 0.02  # weekly regain toward 1 (slower than it erodes: Slovic 1993)
    motivation_loss: float = 0.3  # share of intrinsic motivation lost at trust 0 (Falk & Kosfeld 2006)
    quit_effect: float = 0.7  # log-hazard of quitting per unit of trust lost


@dataclass
class WellbeingConfig:
    """Exhaustion as a stock with inflows and recovery; burnout above a threshold."""

    sustainable_hours: float = 42.0
    base_strain: float = 0.0  # weekly inflow from demands no other term names (see docs/model.md S9)
    life_shock_sd: float = 0.03  # sd of weekly strain from outside work
    overwork_strain: float = 0.35  # inflow per 100% of hours above sustainable
    anxiety_strain: float = 0.06  # inflow per unit of career concern x gap to a top evaluation
    informal_anxiety: float = 1.0  # anxiety from one's standing with managers, relative to a formal score's
    dissonance_strain: float = 0.10  # inflow per unit of integrity x theater share
    expectation_strain: float = 0.15  # inflow per unit of shortfall against expectations
    imbalance_strain: float = 0.05  # inflow per unit of effort-reward ratio above 1
    recovery: float = 0.06  # share of exhaustion recovered a week at median resilience
    rest_recovery: float = 1.0  # extra recovery per 100% of hours below sustainable
    support: float = 0.5  # extra recovery from teammates' help (quality hours)
    burnout_threshold: float = 1.0
    recovery_threshold: float = 0.7  # burned-out people recover below this
    burnout_productivity: float = 0.35  # productivity lost while burned out
    burnout_sloppiness: float = 0.5  # extra rework while burned out (relative)
    ratchet: float = 0.5  # share of output above expectations that becomes the new norm
    ratchet_stretch: float = 0.02  # further rise at a review for those who met expectations (a stretch)
    relief: float = 0.25  # share of a shortfall against expectations forgiven at a review
    burnout_relief: float = 0.2  # further cut in the expectations of someone burned out at a review


@dataclass
class TurnoverConfig:
    """Quits, firing and refills."""

    base_attrition: float = CALIBRATED["turnover"][
        "base_attrition"
    ]  # annual quit probability, reference state
    burnout_quit_multiplier: float = CALIBRATED["turnover"][
        "burnout_quit_multiplier"
    ]  # hazard ratio of burnout
    imbalance_quit: float = 0.5  # hazard increase per unit of effort-reward ratio above 1
    outside_option_quit: float = 2.0  # log-hazard per unit of outside option above what they get


@dataclass
class RegimeConfig:
    """A metric regime: what is measured, how it is scored and what rides on it.

    The score is a weighted formula over observable signals (see `sim.model.signals`):
    `sum(weights * signal) / sum(per * signal)`, each signal divided by the organisation's
    level over the window before the policy starts when `normalise` is true.
    Empty `weights` means no metric at all (the baseline).
    """

    name: str = "baseline"
    label: str = "No metric (baseline)"
    description: str = "Nothing is measured; people are judged informally on what they contribute."
    weights: dict[str, float] = field(default_factory=dict)
    per: dict[str, float] = field(default_factory=dict)
    normalise: bool = True
    level: str = "individual"  # individual | team
    scoring: str = "rank"  # rank | target | absolute
    target: float = 1.0  # composite at which the score is full (scoring=target)
    window: int = 4  # weeks of signals the score averages
    noise: float = 0.1  # attribution noise, sd relative to the composite
    pressure: float = 0.0  # share of pay, promotion and job security riding on the score
    forced_ranking: float = 0.0  # share let go at each review by lowest score
    start_week: int = 13  # week the policy starts; weeks before run as the baseline
    telemetry_visible: bool = False  # managers see AI telemetry (tokens, active days) beside the score
    reset_each_review: bool = False  # set absolute scores' anchor and targets anew at every review (OKRs)


@dataclass
class ChannelsConfig:
    """Knock-outs of the channels through which a metric changes durable value (Manheim &
    Garrabrant 2018; docs/model.md, "Channels of Goodhart's law"). Each is on by default;
    off, it removes one mechanism from the regime's start week on (never in the burn-in),
    in a run under any regime, the baseline included, so a channel's share is read from the
    regime's change against the baseline with the same channels off."""

    honest_overuse: bool = True  # off: changes of hours or of the honest split weighed as with no metric
    gaming_actions: bool = True  # off: nobody spends an hour on the gaming repertoire
    selection: bool = True  # off: no imitation of better-rewarded teammates; hires keep their own habits
    expectations: bool = True  # off: managers' expectations of kept volume stay as they stood


@dataclass
class OutputConfig:
    dir: str = "."  # relative to Hydra's run directory
    format: str = "parquet"  # parquet | csv
    figure: bool = True


@dataclass
class Config:
    """A simulation: an organisation under one metric regime."""

    seed: int = 0
    replicates: int = 3  # seeds per regime in the main job, derived from `seed`
    compare: list[str] = field(default_factory=lambda: ["adoption", "individual_outcome"])
    org: OrgConfig = field(default_factory=OrgConfig)
    workforce: WorkforceConfig = field(default_factory=WorkforceConfig)
    production: ProductionConfig = field(default_factory=ProductionConfig)
    behaviour: BehaviourConfig = field(default_factory=BehaviourConfig)
    gaming: dict[str, GamingAction] = field(default_factory=_repertoire)
    trust: TrustConfig = field(default_factory=TrustConfig)
    wellbeing: WellbeingConfig = field(default_factory=WellbeingConfig)
    turnover: TurnoverConfig = field(default_factory=TurnoverConfig)
    regime: RegimeConfig = field(default_factory=RegimeConfig)
    channels: ChannelsConfig = field(default_factory=ChannelsConfig)
    output: OutputConfig = field(default_factory=OutputConfig)


def register_configs() -> None:
    """Make the schema known to Hydra, so YAML presets are checked against it."""
    ConfigStore.instance().store(name="base_config", node=Config)
