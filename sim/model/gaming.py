"""The repertoire of gaming: performative actions defined as data (`Config.gaming`).

Each action says what an hour of it does to every observable signal, to rework and to
teammates, and what it costs the person morally; none of its hours produce value. Which
action someone picks, if any, follows from what their metric reads (S7): an action is
chosen only where some signal it moves is rewarded more than it costs. Nothing here or
anywhere else knows an action by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.core.config import GamingAction

# What a week of gaming adds up to, per person: each row is a weighted sum of the hours of
# every action, so the whole repertoire costs one matrix product a week.
TOTALS = (
    "moral_cost",
    "tokens",
    "prompts",
    "tool_hours",
    "accepted",  # tool hours x acceptance: suggestions accepted, for the acceptance rate
    "volume",  # shipped volume of one's own (padding)
    "reworked",  # the part of it reworked within the window
    "value",  # apparent first-judged value of one's own
    "durable",  # apparent durable value of one's own
    "taken_volume",  # volume taken from teammates' records
    "taken_value",
    "taken_durable",
    "hides_rework",
    "help",
)
BLOCK = 2048  # people per matrix product: small enough that OpenBLAS keeps it on one thread


class Repertoire:
    """The actions of `Config.gaming` as a matrix of their effects per hour."""

    def __init__(
        self,
        actions: Mapping[str, GamingAction] | Sequence[Mapping[str, GamingAction]],
        bounds: np.ndarray | None = None,
    ):
        """`actions`: one repertoire, or one for each run of a batch (`bounds`), which may
        differ in what an hour of an action does but not in which actions there are (`shape`)."""
        each = [actions] if isinstance(actions, Mapping) else list(actions)
        first = each[0]
        if any(shape(a) != shape(first) for a in each[1:]):
            raise ValueError("runs batched together must share their gaming actions (sim.model.gaming.shape)")
        self.names: tuple[str, ...] = tuple(first)
        # Where each run of a batch starts (sim.model.runs): each run's product is taken on
        # its own, in the blocks it would have alone, since BLAS may round a column
        # differently by where it falls in a block.
        self.bounds = bounds
        self.labels = {name: (a.label or name.replace("_", " ")) for name, a in first.items()}
        self.matrices = [_matrix(a) for a in each]
        self.matrix = self.matrices[0]
        if len({m.tobytes() for m in self.matrices}) == 1:
            self.matrices = self.matrices[:1]
        # Actions that need AI tools: an organisation without them cannot perform them.
        self.uses_ai = np.array([_uses_ai(a) for a in first.values()])

    def __len__(self) -> int:
        return len(self.names)

    def totals(self, hours: np.ndarray) -> dict[str, np.ndarray]:
        """Per person, each total of `TOTALS` for their hours of each action (rows of `hours`).

        The product runs over blocks of people: OpenBLAS splits a larger one over threads,
        which costs far more than it saves when other work shares the cores. Each person's
        totals are the same numbers either way."""
        n = hours.shape[1]
        summed = np.zeros((len(TOTALS), n))
        if len(self):
            bounds = self.bounds if self.bounds is not None and self.bounds[-1] == n else (0, n)
            if len(self.matrices) > 1 and len(bounds) != len(self.matrices) + 1:
                raise ValueError("per-run gaming actions need every slot of the batch")
            for r, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
                matrix = self.matrices[r] if len(self.matrices) > 1 else self.matrix
                for start in range(int(lo), int(hi), BLOCK):
                    end = min(start + BLOCK, int(hi))
                    summed[:, start:end] = matrix @ hours[:, start:end]
        return dict(zip(TOTALS, summed, strict=True))


def _uses_ai(a: GamingAction) -> bool:
    return a.tokens > 0 or a.prompts > 0 or a.tool_hours > 0


def shape(actions: Mapping[str, GamingAction]) -> tuple:
    """What runs batched together must share of their repertoires: which actions there are,
    their labels and which need AI tools (what an hour of each does may differ)."""
    return tuple((name, a.label, _uses_ai(a)) for name, a in actions.items())


def _matrix(actions: Mapping[str, GamingAction]) -> np.ndarray:
    """Each total of `TOTALS` (rows) per hour of each action (columns)."""
    rows = []
    for a in actions.values():
        own, taken = (0.0, 1.0) if a.from_teammates else (1.0, 0.0)
        rows.append(
            {
                "moral_cost": a.moral_cost,
                "tokens": a.tokens,
                "prompts": a.prompts,
                "tool_hours": a.tool_hours,
                "accepted": a.tool_hours * a.acceptance,
                "volume": own * a.volume,
                "reworked": own * a.volume * a.rework,
                "value": own * a.value,
                "durable": own * a.durable,
                "taken_volume": taken * a.volume,
                "taken_value": taken * a.value,
                "taken_durable": taken * a.durable,
                "hides_rework": a.hides_rework,
                "help": a.help,
            }
        )
    return np.array([[row[t] for row in rows] for t in TOTALS]).reshape(len(TOTALS), len(rows))
