"""Plotly figures built from synth's results; pages only show them, tests read their data.

User text (column, value, scenario names) reaches plotly through ``label``: plotly renders a
little HTML in titles and legends, so ``<`` and ``>`` are escaped. Every method keeps one colour
wherever it appears, whichever others ran or failed.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from synth.assess.evaluate import Evaluation
from synth.assess.privacy import PrivacyReport
from synth.fairness.measure import IN_GAP, RELIABLE_GROUP_ROWS, FairnessEvaluation
from synth.labels import HOLDOUT, ORIGINAL, SCENARIO, UNBALANCED
from synth.rebalancing.plan import RebalancePlan
from synth.rebalancing.samplers import SAMPLERS

LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 40, "r": 20, "t": 60, "b": 40},
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.18},
    "modebar": {"orientation": "v"},  # down the right edge, never over a title
    "xaxis": {"automargin": True},  # long category labels and axis titles get room, never cut
    "yaxis": {"automargin": True},
}
# The one chart config of the app and every report. plotly.js 3+ shows a "Share chart..." button
# (sendChartToCloud) unless showSendToCloud is off; its dialog uploads the chart's data to Plotly Cloud.
# Button names as in the plotly.js bundled with the plotly package (modebar/buttons.js).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "showSendToCloud": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["sendChartToCloud", "sendDataToCloud", "editInChartStudio"],
    "displayModeBar": "hover",
    "responsive": True,
}
PALETTE = ("#7b8794", "#d64545", "#e08a1e", "#9b59b6", "#16a085", "#2f6f9f", "#1f2933", "#8d6e63")
# Fixed colours by name: real tables first, then every registered method in registry order.
COLOURS = dict(
    zip(
        [UNBALANCED, *(cls.label for cls in SAMPLERS.values()), HOLDOUT, ORIGINAL],
        PALETTE,
        strict=True,
    )
)


def label(text: object) -> str:
    """User text made safe for plotly's HTML-ish labels."""
    return html.escape(str(text), quote=False)


def colour(name: str) -> str | None:
    """The colour of a method or table, the same on every page and in the report."""
    return COLOURS.get(name)


def plan_figure(plan: RebalancePlan) -> go.Figure:
    """Current vs target share of every value of the rebalanced column."""
    frame = plan.to_frame()
    values = [label(v) for v in frame["value"]]
    figure = go.Figure(
        [
            go.Bar(name="now", x=values, y=frame["share now"], text=[f"{n:,}" for n in frame["rows now"]]),
            go.Bar(name="after", x=values, y=frame["share after"], text=[f"{n:,}" for n in frame["rows after"]]),
        ]
    )
    figure.update_layout(title=f"Share of each value of {label(plan.column)}", yaxis_tickformat=".0%", barmode="group", **LAYOUT)
    figure.update_xaxes(type="category")
    return figure


def distribution_figure(frame: pd.DataFrame, feature: str) -> go.Figure:
    """Grouped bars of ``synth.assess.compare.distribution`` output, buckets in the frame's order."""
    figure = go.Figure()
    order = [label(b) for b in dict.fromkeys(frame["bucket"])]
    for source, part in frame.groupby("source", sort=False):
        figure.add_bar(
            name=label(source), x=[label(b) for b in part["bucket"]], y=part["share"], marker_color=colour(str(source))
        )
    figure.update_layout(title=f"{label(feature)}: share of rows per value", yaxis_tickformat=".0%", barmode="group", **LAYOUT)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=order)
    return figure


def _curve_figure(
    evaluations: Sequence[Evaluation], curve: str, metric: str, score: str, title: str, axes: tuple[str, str]
) -> go.Figure:
    """One line per training table: ``evaluation.<curve>()``, named with its mean ``metric``."""
    figure = go.Figure()
    for evaluation in evaluations:
        x, y = getattr(evaluation, curve)()
        value = evaluation.summary()[f"{metric}_mean"]
        figure.add_scatter(
            x=x, y=y, mode="lines", name=f"{evaluation.name} ({score} {value:.3f})", line_color=colour(evaluation.name)
        )
    figure.update_layout(title=title, xaxis_title=axes[0], yaxis_title=axes[1], **LAYOUT)
    return figure


def roc_figure(evaluations: Sequence[Evaluation]) -> go.Figure:
    figure = _curve_figure(
        evaluations, "roc_curve", "auc_roc", "AUC", "ROC curve on the holdout", ("false positive rate", "true positive rate")
    )
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot", "color": "grey"}, name="chance")
    return figure


def pr_figure(evaluations: Sequence[Evaluation]) -> go.Figure:
    figure = _curve_figure(
        evaluations, "pr_curve", "auc_pr", "AP", "Precision-recall curve on the holdout", ("recall", "precision")
    )
    if evaluations:
        figure.add_hline(y=float(np.mean(evaluations[0].truth)), line_dash="dot", line_color="grey")
    return figure


def probability_figure(evaluation: Evaluation, positive: str) -> go.Figure:
    """Predicted probabilities per true class, as in the seed tutorial: share of each class per bin."""
    probabilities = evaluation.mean_probabilities()
    figure = go.Figure()
    bins = {"start": 0.0, "end": 1.0, "size": 0.025}
    for truth, name, tint in ((1, label(positive), "#d64545"), (0, f"not {label(positive)}", "#2f6f9f")):
        figure.add_histogram(
            x=probabilities[evaluation.truth == truth], name=name, xbins=bins, histnorm="percent", marker_color=tint, opacity=0.6
        )
    figure.update_layout(
        title=f"{label(evaluation.name)}: predicted probability of {label(positive)}",
        xaxis_title="predicted probability",
        yaxis_title="% of the class's holdout rows",
        barmode="overlay",
        **LAYOUT,
    )
    figure.update_xaxes(range=[0, 1])  # the same axis for every model, also one that flags no row
    return figure


def dcr_figure(reports: Mapping[str, PrivacyReport]) -> go.Figure:
    """Distance to the closest training row: each method's rows against real holdout rows.

    One line per table (the share of rows per distance bin), so six methods stay readable; copies
    pile up at 0, rows as new as fresh records follow the holdout's line. The share axis is
    logarithmic with decade ticks so a method with every row at 0 does not flatten the others.
    """
    figure = go.Figure()
    first = next(iter(reports.values()), None)
    if first is None:
        return figure
    curves = [(HOLDOUT, first.dcr_holdout)] + [(name, r.dcr_generated) for name, r in reports.items()]
    top = float(max(np.quantile(d, 0.99) for _, d in curves)) or 1.0
    edges = np.linspace(0.0, top, 31)
    centres = (edges[:-1] + edges[1:]) / 2
    for name, distances in curves:
        counts, _ = np.histogram(np.minimum(distances, top), bins=edges)
        share = np.where(counts > 0, 100 * counts / max(len(distances), 1), np.nan)
        dash = "dot" if name == HOLDOUT else "solid"
        figure.add_scatter(x=centres, y=share, mode="lines+markers", name=label(name), line={"color": colour(name), "dash": dash})
    figure.update_layout(
        title="Distance to the closest training row",
        xaxis_title="distance (largest 1% shown at the right edge)",
        yaxis_title="% of rows",
        **LAYOUT,
    )
    figure.update_yaxes(type="log", dtick=1, tickformat="~g")
    return figure


def mix_figure(before: Mapping[str, float], after: Mapping[str, float], column: str) -> go.Figure:
    """The what-if column's mix, original vs scenario, groups in the given order."""
    groups = list(after)
    names = [label(g) for g in groups]
    figure = go.Figure(
        [
            go.Bar(name=ORIGINAL, x=names, y=[before.get(g, 0.0) for g in groups]),
            go.Bar(name=SCENARIO, x=names, y=[after[g] for g in groups]),
        ]
    )
    figure.update_layout(title=f"Mix of {label(column)}", yaxis_tickformat=".0%", barmode="group", **LAYOUT)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=names)
    return figure


def percent_ticks(largest: float) -> str:
    """Enough decimals that ticks on an axis spanning +-``largest`` read differently (not all "+0%")."""
    decimals = 0 if largest >= 0.05 else 1 if largest >= 0.005 else 2
    return f"+.{decimals}%"


def kpi_figure(frame: pd.DataFrame) -> go.Figure:
    """Relative change of every KPI (and group) from the original to the scenario(s).

    ``frame`` has columns kpi, group, original and one column per scenario.
    """
    labels = [label(k if g == "(all rows)" else f"{k} · {g}") for k, g in zip(frame["kpi"], frame["group"], strict=True)]
    figure = go.Figure()
    largest = 0.0
    for name in frame.columns[3:]:
        change = (frame[name] - frame[ORIGINAL]) / frame[ORIGINAL].abs().replace(0, np.nan)
        largest = max(largest, float(np.nanmax(np.abs(change), initial=0.0)))
        figure.add_bar(name=label(name), x=labels, y=change)
    figure.update_layout(title="Change from the original", yaxis_tickformat=percent_ticks(largest), barmode="group", **LAYOUT)
    figure.update_xaxes(type="category")
    return figure


def association_figure(association: Mapping[str, float], column: str, related: str) -> go.Figure:
    """Cramer's V of a filled column with its most related column, before and after filling."""
    names = list(association)
    figure = go.Figure(go.Bar(x=names, y=[association[n] for n in names], marker_color=list(PALETTE[: len(names)])))
    figure.update_layout(title=f"Association of {label(column)} with {label(related)} (Cramér's V)", yaxis_range=[0, 1], **LAYOUT)
    figure.update_xaxes(type="category")
    return figure


# Marks a group that is shown but left out of the gap (too few holdout rows) on every fairness chart.
NOT_IN_GAP = " †"


def _gap_label(group: object, counted: bool) -> str:
    return label(group) + ("" if counted else NOT_IN_GAP)


def _gap_footnote(figure: go.Figure, left_out: int) -> None:
    if left_out:
        figure.add_annotation(
            text=f"† not in the gap: {left_out} group{'s' if left_out > 1 else ''} with fewer than {RELIABLE_GROUP_ROWS} holdout rows",
            xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11},
        )  # fmt: skip


def selection_figure(selection: pd.DataFrame) -> go.Figure:
    """A model's selection rate per sensitive group (x), one bar per training table (``selection_frame``);
    groups left out of the gap are marked † and drawn paler."""
    figure = go.Figure()
    counted = selection[IN_GAP] == "yes" if IN_GAP in selection.columns else pd.Series(True, index=selection.index)
    groups = [_gap_label(g, c) for g, c in zip(selection.index, counted, strict=True)]
    for name in [c for c in selection.columns if c not in ("holdout rows", IN_GAP)]:
        figure.add_bar(
            name=label(name), x=groups, y=selection[name], marker_color=colour(str(name)),
            marker_opacity=[1.0 if c else 0.45 for c in counted],
        )  # fmt: skip
    figure.update_layout(
        title="Selection rate per group on the real holdout (decisions at 0.5)", yaxis_tickformat=".1%", barmode="group", **LAYOUT
    )
    figure.update_xaxes(type="category")
    _gap_footnote(figure, int((~counted).sum()))
    return figure


def group_score_figure(result: FairnessEvaluation, positive: str, groups: int = 6) -> go.Figure:
    """Overlaid distributions of a model's holdout scores for the largest ``groups`` sensitive groups; the
    rest are named under the chart (never dropped without a word), groups left out of the gap marked †."""
    scores = result.evaluation.mean_probabilities()
    figure = go.Figure()
    names = list(result.selection.index)
    for group in names[:groups]:
        figure.add_histogram(
            x=scores[result.groups == group],
            name=_gap_label(group, str(group) in result.reliable),
            xbins={"start": 0.0, "end": 1.0, "size": 0.025},
            histnorm="percent",
            opacity=0.55,
        )
    figure.update_layout(
        title=f"{label(result.name)}: predicted probability of {label(positive)} per group",
        xaxis_title="predicted probability",
        yaxis_title="% of the group's holdout rows",
        barmode="overlay",
        **LAYOUT,
    )
    figure.update_xaxes(range=[0, 1])
    figure.add_vline(x=0.5, line_dash="dot", line_color="grey")
    rest = names[groups:]
    if rest:
        rows = int(result.selection["holdout rows"].iloc[groups:].sum())
        shown = ", ".join(label(g) for g in rest[:6]) + (", …" if len(rest) > 6 else "")
        figure.add_annotation(
            text=f"Not drawn, {len(rest)} smaller group{'s' if len(rest) > 1 else ''} ({rows:,} rows): {shown}",
            xref="paper", yref="paper", x=0, y=-0.32, xanchor="left", yanchor="top", showarrow=False, font={"size": 11},
        )  # fmt: skip
        figure.update_layout(margin={**LAYOUT["margin"], "b": 90})
    _gap_footnote(figure, len([g for g in names[:groups] if str(g) not in result.reliable]))
    return figure
