"""What the facilitator says about each preset: a question for the room first, what to
notice, what to try. Words only; the model's behaviour comes from each regime's formula.

The order is the suggested order of a session (docs/facilitator-guide.md). Presets without
notes here (a user's own YAML) are still offered, with their description.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notes:
    ask_first: str
    notice: str
    try_this: str


NOTES: dict[str, Notes] = {
    "baseline": Notes(
        ask_first="Nobody is measured. How will people split their week, and will AI use grow on its own?",
        notice="AI use creeps up because it helps the fluent; almost nobody games; burnout and "
        "attrition stay near a normal tech company's. This is the faint line on every other chart.",
        try_this="Change the seed and Reset: the story is the same, the details differ.",
    ),
    "adoption": Notes(
        ask_first="Managers now see who uses the AI tool four days a week. What happens to adoption? "
        "To real output?",
        notice="Adoption heads for 100% quickly, but the value line barely moves: people open the "
        "tool to be counted. The dashboard glows; the work is about the same.",
        try_this="Raise pressure to 0.9. Does anything real improve, or only the count?",
    ),
    "consumption": Notes(
        ask_first="'A $500k engineer should burn $250k of tokens.' What will people do to hit the quota?",
        notice="Token spend multiplies; theater (agents left running, padded prompts) appears and "
        "spreads team by team on the grid; rework and burnout rise while durable value sags.",
        try_this="Drop pressure to 0 mid-run and watch whether theater unwinds, and how fast.",
    ),
    "token_leaderboard": Notes(
        ask_first="Everyone is ranked by tokens burned. Who climbs the leaderboard: the best "
        "engineers, or someone else?",
        notice="A rank can always be beaten, so spend keeps climbing. Orange spreads through teams "
        "(people copy better-rewarded teammates); red follows. The metric soars; durable value falls.",
        try_this="Switch on forced ranking at 10%. Who is let go, and does gaming fall or rise?",
    ),
    "individual_outcome": Notes(
        ask_first="Each person is judged on what they ship. Does that fix the token problem?",
        notice="Shipped volume rises faster than value (AI output inflates volume); quality work "
        "and helping teammates are crowded out; expectations ratchet and hours creep up.",
        try_this="Move the weight from volume to durable value, then watch the next quarter.",
    ),
    "team_outcome": Notes(
        ask_first="Teams are ranked on durable value per dollar (cost-to-serve). Who games now?",
        notice="Individual gaming nearly vanishes: one person moves a team score only a little. "
        "Some free riding appears instead. Token spend stays sane.",
        try_this="Set team size to 3, Reset, and compare: small teams make the score personal again.",
    ),
    "decoupled_telemetry": Notes(
        ask_first="Telemetry is collected but no manager sees it; people are judged on outcomes. "
        "Will AI adoption still grow?",
        notice="Adoption grows because AI helps, gaming stays near zero, and durable value per token "
        "dollar is the best of all presets.",
        try_this="Add a small weight on tokens. How small a weight starts the theater?",
    ),
    "value_per_token": Notes(
        ask_first="People are ranked on durable value per dollar of tokens and salary. What changes "
        "about how they use AI?",
        notice="Spend stays close to what the work needs; value holds up. A ratio is harder to game, "
        "though people can still trim quality work to look cheap.",
        try_this="Raise pressure to 0.9 and watch burnout: even a good metric hurts when too much "
        "rides on it.",
    ),
    "balanced_scorecard": Notes(
        ask_first="Durable value first, with volume, AI use and rework beside it. Is a blend safer?",
        notice="The gameable parts of the blend pull a little; the durable part holds the line.",
        try_this="Shift weight from durable value to AI-active days, step by step: where does it tip?",
    ),
}


def ordered(names: list[str]) -> list[str]:
    """Presets in the session's order, then any others alphabetically."""
    known = [name for name in NOTES if name in names]
    return known + sorted(set(names) - set(known))
