"""A self-contained HTML report for stakeholders: opens offline, makes no outbound request.

plotly.js is embedded once, inline; every later figure reuses it. Tables are plain HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd
import plotly.graph_objects as go

from synth.assess.advice import advice, best_per_metric, executive_summary, verdicts
from synth.assess.evaluate import MODELS, RECIPE_TEXT, metrics_frame, shared_bootstrap
from synth.assess.fidelity import fidelity_frame
from synth.assess.leakage import leak_caveat
from synth.assess.privacy import DCR_TEXT, privacy_frame
from synth.errors import SynthError
from synth.fairness.fair import FAIR_NAME, REAL_NAME, FairnessStudy
from synth.fairness.measure import (
    DEFINITION,
    TABLE_COLUMNS_AFTER,
    fairness_frame,
    gap_note,
    mark_gap,
    selection_frame,
)
from synth.figures import (
    PLOTLY_CONFIG,
    dcr_figure,
    group_score_figure,
    kpi_figure,
    plan_figure,
    pr_figure,
    roc_figure,
    selection_figure,
)
from synth.labels import UNBALANCED
from synth.study import Study
from synth.whatif.scenarios import SavedScenario, scenarios_frame

STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2933; max-width: 1100px;
       margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #2f6f9f; padding-bottom: 0.2rem; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #d9e2ec; padding: 0.3rem 0.6rem; text-align: right; }
th { background: #f3f6f9; } td:first-child, th:first-child { text-align: left; }
.note { color: #52606d; font-size: 0.9rem; }
.warning { color: #8a4b08; background: #fff4e5; padding: 0.4rem 0.6rem; }
"""


class _Figures:
    """Turns figures into HTML, embedding plotly.js with the first one only."""

    def __init__(self) -> None:
        self.embedded = False

    def __call__(self, figure: go.Figure) -> str:
        text = figure.to_html(full_html=False, include_plotlyjs=not self.embedded, include_mathjax=False, config=PLOTLY_CONFIG)
        self.embedded = True
        return text


def _number(value: float, floatfmt: str) -> str:
    """Counts as counts (45,211), measures with ``floatfmt`` (0.862)."""
    if value == value and abs(value) >= 1 and float(value).is_integer():
        return f"{value:,.0f}"
    return floatfmt.format(value)


def _table(frame: pd.DataFrame, floatfmt: str = "{:.3f}", index: bool = False) -> str:
    """An HTML table as people read one: yes/no for flags, separators in counts, 3 decimals in measures."""
    shown = frame.assign(
        **{str(c): frame[c].map({True: "yes", False: "no"}) for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])},
        **{str(c): frame[c].map("{:,}".format) for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])},
    )
    return shown.to_html(index=index, float_format=lambda v: _number(v, floatfmt), border=0, na_rep="", escape=True)


def _shares_as_percent(frame: pd.DataFrame) -> pd.DataFrame:
    """Share columns as '97.5%' rather than 0.975."""
    return frame.assign(**{c: frame[c].map("{:.1%}".format) for c in frame.columns if c.startswith("share")})


def _why_left_out(study: Study, name: str) -> str:
    return study.suspected_leaks.get(name, "the user's choice")


def _columns_used(study: Study) -> pd.DataFrame:
    """The schema as the models saw it: a column the user left out is marked so, with why."""
    frame = study.schema.to_frame()
    for name in study.left_out:
        row = frame["column"] == name
        frame.loc[row, "used"] = False
        frame.loc[row, "why"] = f"left out of the models: {_why_left_out(study, name)}"
    for name in study.suspected_leaks.keys() - set(study.left_out):
        frame.loc[frame["column"] == name, "why"] = f"used, though a {study.suspected_leaks[name]}"
    return frame


def _study_sections(study: Study, figure: _Figures) -> list[str]:
    e = html.escape
    plan = study.outputs.plan
    assessment = study.assessment
    privacy = privacy_frame(assessment.privacy)
    fidelity = fidelity_frame(assessment.fidelity)
    first = next(iter(study.evaluations.values()))
    resampled = shared_bootstrap(study.evaluations)  # once, for the verdicts and the intervals: the costly part
    found = verdicts(study.evaluations, resampled)
    best = best_per_metric(study.evaluations, found)
    scores = metrics_frame(study.evaluations, resampled=resampled)
    scores["clearly best on"] = [", ".join(m for m, name in best.items() if name == table) for table in scores["training data"]]
    caveat = leak_caveat(study.suspected_leaks, study.left_out)
    sections = [
        "<h2>Summary</h2>",
        f"<p><b>{e(executive_summary(study.evaluations, UNBALANCED, found))}</b></p>",
        *([f"<p class='warning'><b>{e(caveat)}</b></p>"] if caveat else []),
        "<h2>Data</h2>",
        f"<p>{len(study.split.train):,} training rows × {study.split.train.shape[1]} columns. Holdout: {e(study.split.description)}.</p>",
        _table(_columns_used(study)),
        "<h2>Rebalance plan</h2>",
        f"<p>Column <b>{e(study.column)}</b>, {e(str(plan.mode))} mode.</p>",
        _table(_shares_as_percent(plan.to_frame())),
        figure(plan_figure(plan)),
    ]
    if study.outputs.notes:
        sections.append("<p class='note'>" + "<br>".join(f"{e(m)}: {e(msg)}" for m, msg in study.outputs.notes.items()) + "</p>")
    sections += [
        "<h2>Model quality on the real holdout</h2>",
        *([f"<p class='warning'><b>{e(caveat)}</b></p>"] if caveat else []),
        *(
            f"<p><b>{e(line)}</b></p>" if i == 0 else f"<p class='note'>{e(line)}</p>"
            for i, line in enumerate(advice(study.evaluations, UNBALANCED, found))
        ),
        f"<p>Classifier: <b>{e(MODELS[study.model])}</b>."
        + (
            " Left out of the models: " + "; ".join(f"<b>{e(c)}</b> ({e(_why_left_out(study, c))})" for c in study.left_out) + "."
            if study.left_out
            else ""
        )
        + "</p>",
        f"<p class='note'>{e(RECIPE_TEXT)} Mean ± std over {len(first.runs)} seeds; positive class "
        f"<b>{e(study.positive)}</b>.</p>",
        _table(scores),
        figure(roc_figure(list(study.evaluations.values()))),
        figure(pr_figure(list(study.evaluations.values()))),
        "<h2>Privacy</h2>",
        f"<p class='note'>{e(DCR_TEXT)}</p>",
        _table(privacy, index=True),
        figure(dcr_figure(assessment.privacy)),
        "<h2>Fidelity</h2>",
        f"<p class='note'>Generated <b>{e(study.positive)}</b> rows against real holdout ones: per-column similarity "
        "(1 - total variation distance), pair similarity (mostlyai-qa's bivariate accuracy, on our groups) and the mean gap "
        "in pairwise association (Cramér's V).</p>",
        _table(fidelity, index=True),
        "<h2>Diversity</h2>",
        f"<p class='note'>Shannon entropy (bits) of each column among <b>{e(study.positive)}</b> rows.</p>",
        _table(assessment.diversity, "{:.2f}", index=True),
    ]
    return sections


def _scenario_sections(scenarios: Sequence[SavedScenario], figure: _Figures) -> list[str]:
    e = html.escape
    sections = ["<h2>What-if scenarios</h2>"]
    for scenario in scenarios:
        sections.append(f"<p><b>{e(scenario.name)}</b> on {e(scenario.dataset)}: {e(scenario.settings.describe())}.</p>")
    table = scenarios_frame(list(scenarios))
    sections += [_table(table), figure(kpi_figure(table))]
    return sections


def _fairness_sections(fairness: FairnessStudy, figure: _Figures) -> list[str]:
    e = html.escape
    fair = fairness.fair
    real = fairness.results[REAL_NAME]
    note = gap_note(real)
    selection = selection_frame(fairness.results)
    rates = mark_gap(fairness.rates, real)
    return [
        "<h2>Fairness</h2>",
        f"<p>A fully synthetic table of {len(fair.table):,} rows in which every group of <b>{e(' x '.join(fair.sensitive))}</b> "
        f"has the same rate of each value of <b>{e(fair.column)}</b>; scored as positive: <b>{e(fairness.positive)}</b>.</p>",
        f"<p><b>{e(fairness.tradeoff())}</b></p>",
        *(f"<p class='note'>{e(note)}</p>" for note in fair.notes),
        f"<p class='note'>{e(DEFINITION)}</p>",
        *([f"<p class='warning'>{e(note)}</p>"] if note else []),
        _table(fairness_frame(fairness.results)),
        "<p>Selection rate per group on the real holdout:</p>",
        _table(_rates_as_percent(selection, TABLE_COLUMNS_AFTER), index=True),
        figure(selection_figure(selection)),
        f"<p>Share of <b>{e(fairness.positive)}</b> per group in each training table:</p>",
        _table(_rates_as_percent(rates, 2), index=True),
        *(figure(group_score_figure(r, fairness.positive)) for r in fairness.results.values() if r.name != FAIR_NAME),
        figure(group_score_figure(fairness.results[FAIR_NAME], fairness.positive)),
    ]


def _rates_as_percent(frame: pd.DataFrame, after: int) -> pd.DataFrame:
    """Rates after the first ``after`` columns as '36.7%', as the page shows them."""
    return frame.assign(**{c: frame[c].map("{:.1%}".format) for c in frame.columns[after:]})


def build_report(
    study: Study | None, scenarios: Sequence[SavedScenario] = (), title: str = "", fairness: FairnessStudy | None = None
) -> str:
    """The report as one HTML document; ``study``, ``scenarios`` and ``fairness`` are each optional."""
    if study is None and not scenarios and fairness is None:
        raise SynthError("Nothing to report yet: run a comparison or save a what-if scenario first.")
    figure = _Figures()
    name = title or (study.dataset if study is not None else fairness.dataset if fairness is not None else "What-if scenarios")
    promise = " Every score is on real holdout rows that no method saw." if study is not None else ""
    sections = [
        f"<h1>Rebalance Studio report: {html.escape(name)}</h1>",
        f"<p class='note'>Made {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.{promise}</p>",
    ]
    if study is not None:
        sections += _study_sections(study, figure)
    if fairness is not None:
        sections += _fairness_sections(fairness, figure)
    if scenarios:
        sections += _scenario_sections(scenarios, figure)
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(name)}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n"
    )
