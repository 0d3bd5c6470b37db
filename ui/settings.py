"""What each step's result was made from, as typed, frozen settings.

A result carries its settings, so a page can tell "this is current" from "this was made for other
choices" in one comparison, and every cache key is derived from the data and these objects
(``ui.cache``), never spelled by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import TypeVar

from synth.rebalancing.samplers import SAMPLERS
from ui.text import plain

T = TypeVar("T")


def _names(values: tuple[str, ...]) -> str:
    return ", ".join(plain(v) for v in values) if values else "none"


@dataclass(frozen=True)
class PlanSettings:
    """The Plan step's choices: the column, rows kept, target shares, mode, size and methods."""

    column: str
    keep_rows: int
    shares: tuple[tuple[str, float], ...]
    mode: str
    rows: int | None
    methods: tuple[str, ...]

    def describe(self) -> str:
        """'`deposit` → `yes` 50%, hybrid; Naive oversampling, Synthetic' (user text as code spans: never Markdown)."""
        mix = ", ".join(f"{plain(value)} {share:.0%}" for value, share in self.shares) or "today's shares"
        if self.mode == "grow":
            mix = f"{self.rows or 0:,} rows added in {mix}"
        kept = f"; {self.keep_rows:,} rare training rows kept" if self.keep_rows else ""
        methods = ", ".join(SAMPLERS[m].label for m in self.methods if m in SAMPLERS)
        return f"{plain(self.column)} → {mix}, {self.mode}{kept}; {methods}"

    def differences(self, other: PlanSettings) -> str:
        """What changed from ``other`` to these settings, in words: 'column `deposit` → `loan`'."""
        if self.column != other.column:
            return f"column {plain(other.column)} → {plain(self.column)}"
        changed = [
            name for name in ("keep_rows", "shares", "mode", "rows", "methods") if getattr(self, name) != getattr(other, name)
        ]
        return "the " + ", ".join(name.replace("_", " ") for name in changed)


@dataclass(frozen=True)
class EvaluateSettings:
    """The Evaluate step's choices: the class scored, runs, classifier and columns left out."""

    positive: str
    n_repeats: int
    model: str
    exclude: tuple[str, ...]

    def describe(self) -> str:
        return f"positive class {plain(self.positive)}, {self.n_repeats} run(s), {self.model}, left out: {_names(self.exclude)}"


@dataclass(frozen=True)
class FairnessSettings:
    """The Fairness step's choices: the outcome, the value a decision selects, the groups and what else is compared."""

    column: str
    positive: str
    sensitive: tuple[str, ...]
    compare_outputs: bool

    def describe(self) -> str:
        return f"outcome {plain(self.column)} = {plain(self.positive)}, sensitive: {_names(self.sensitive)}"


@dataclass(frozen=True)
class ImputeSettings:
    """The Impute step's choices: the columns filled and the seed."""

    columns: tuple[str, ...]
    random_state: int


@dataclass(frozen=True)
class ColumnChoice:
    """A result that depends on one chosen column of the data (its holdout split, a suggestion's context)."""

    column: str


@dataclass(frozen=True)
class MethodOutput:
    """One method's output for a plan."""

    plan: PlanSettings
    method: str


@dataclass(frozen=True)
class ClassView:
    """Compare's look at one class of the outputs: one method's rows, or every method's under some conditions."""

    plan: PlanSettings
    focus: str
    method: str = ""
    conditions: tuple[object, ...] = ()  # synth.assess.groups.Condition, frozen


@dataclass(frozen=True)
class Scoring:
    """Evaluate's scores of the outputs of ``plan`` with ``evaluate``'s choices (one ``table`` of them, or all)."""

    plan: PlanSettings
    evaluate: EvaluateSettings
    table: str = ""


@dataclass(frozen=True)
class PositiveClass:
    """A result about the outputs of ``plan`` seen from one positive class (each column's power alone)."""

    plan: PlanSettings
    positive: str


@dataclass(frozen=True)
class FairnessScoring:
    """Fairness results for ``fairness``'s choices; ``plan`` when the rebalanced outputs are compared too."""

    fairness: FairnessSettings
    plan: PlanSettings | None = None
    table: str = ""


@dataclass(frozen=True)
class Simulation:
    """A what-if table: the column, its groups as typed, the new shares, the size and the seed."""

    column: str
    groups: str
    shares: tuple[tuple[str, float], ...]
    rows: int
    random_state: int


@dataclass(frozen=True)
class SeededRows:
    """Rows completed around an uploaded seed table."""

    upload: str
    random_state: int


@dataclass(frozen=True)
class ReportInputs:
    """What a stakeholder report shows: the scores, the fairness results (if any) and the saved scenarios."""

    scoring: Scoring
    fairness: FairnessScoring | None
    scenarios: tuple[tuple[str, float], ...]  # name and time saved of each scenario in it


def to_json(settings: object) -> dict:
    """A settings object as JSON keeps it (``from_json`` reads it back)."""
    return asdict(settings)  # type: ignore[call-overload]


def from_json(cls: type[T], data: object) -> T | None:
    """Settings of ``cls`` from ``to_json``'s form, or None when the stored form does not fit (an older version's)."""

    def tuples(value: object) -> object:
        return tuple(tuples(v) for v in value) if isinstance(value, list) else value

    if not isinstance(data, dict):
        return None
    try:
        return cls(**{f.name: tuples(data[f.name]) for f in fields(cls)})  # type: ignore[call-arg]
    except (KeyError, TypeError, ValueError):
        return None
