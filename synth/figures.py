"""Plotly figures built from synth's results; pages only show them, tests read their data."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from synth.assess.evaluate import Evaluation
from synth.assess.privacy import PrivacyReport
from synth.rebalancing.plan import RebalancePlan

LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.18},
}


def plan_figure(plan: RebalancePlan) -> go.Figure:
    """Current vs target share of every value of the rebalanced column."""
    frame = plan.to_frame()
    figure = go.Figure(
        [
            go.Bar(name="now", x=frame["value"], y=frame["share now"], text=frame["rows now"]),
            go.Bar(name="after", x=frame["value"], y=frame["share after"], text=frame["rows after"]),
        ]
    )
    figure.update_layout(title=f"Share of each value of {plan.column!r}", yaxis_tickformat=".0%", barmode="group", **LAYOUT)
    return figure


def distribution_figure(frame: pd.DataFrame, feature: str) -> go.Figure:
    """Grouped bars of ``synth.assess.compare.distribution`` output."""
    figure = px.bar(frame, x="bucket", y="share", color="source", barmode="group", title=f"{feature}: share of rows per value")
    figure.update_layout(yaxis_tickformat=".0%", **LAYOUT)
    return figure


def roc_figure(evaluations: Sequence[Evaluation]) -> go.Figure:
    figure = go.Figure()
    for evaluation in evaluations:
        fpr, tpr = evaluation.roc_curve()
        auc = evaluation.summary()["auc_roc_mean"]
        figure.add_scatter(x=fpr, y=tpr, mode="lines", name=f"{evaluation.name} (AUC {auc:.3f})")
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line={"dash": "dot", "color": "grey"}, name="chance")
    figure.update_layout(
        title="ROC curve on the holdout", xaxis_title="false positive rate", yaxis_title="true positive rate", **LAYOUT
    )
    return figure


def pr_figure(evaluations: Sequence[Evaluation]) -> go.Figure:
    figure = go.Figure()
    for evaluation in evaluations:
        recall, precision = evaluation.pr_curve()
        ap = evaluation.summary()["auc_pr_mean"]
        figure.add_scatter(x=recall, y=precision, mode="lines", name=f"{evaluation.name} (AP {ap:.3f})")
    if evaluations:
        figure.add_hline(y=float(np.mean(evaluations[0].truth)), line_dash="dot", line_color="grey")
    figure.update_layout(title="Precision-recall curve on the holdout", xaxis_title="recall", yaxis_title="precision", **LAYOUT)
    return figure


def probability_figure(evaluation: Evaluation, positive: str) -> go.Figure:
    """Predicted probabilities per true class, as in the seed tutorial."""
    frame = pd.DataFrame(
        {
            "probability": evaluation.mean_probabilities(),
            "true class": np.where(evaluation.truth == 1, positive, f"not {positive}"),
        }
    )
    figure = px.histogram(
        frame, x="probability", color="true class", nbins=40, barmode="overlay", histnorm="probability", opacity=0.6
    )
    figure.update_layout(title=f"{evaluation.name}: predicted probability of {positive!r}", **LAYOUT)
    return figure


def dcr_figure(reports: dict[str, PrivacyReport]) -> go.Figure:
    """Histogram of the distance to the closest training row: each method's rows vs real holdout rows.

    Copies pile up at 0; rows as new as fresh records follow the holdout's shape. The count axis
    is logarithmic so a method with every row at 0 does not flatten the others.
    """
    figure = go.Figure()
    first = next(iter(reports.values()), None)
    if first is None:
        return figure
    curves = [("real holdout rows", first.dcr_holdout)] + [(name, r.dcr_generated) for name, r in reports.items()]
    top = float(max(np.quantile(d, 0.99) for _, d in curves)) or 1.0
    bins = {"start": 0.0, "end": top, "size": top / 40}
    for name, distances in curves:
        figure.add_histogram(x=np.minimum(distances, top), name=name, xbins=bins, histnorm="percent", opacity=0.55)
    figure.update_layout(
        title="Distance to the closest training row",
        xaxis_title="distance (largest 1% shown at the right edge)",
        yaxis_title="% of rows",
        yaxis_type="log",
        barmode="overlay",
        **LAYOUT,
    )
    return figure


def mix_figure(before: dict[str, float], after: dict[str, float], column: str) -> go.Figure:
    """The what-if column's mix, original vs scenario."""
    groups = list(after)
    figure = go.Figure(
        [
            go.Bar(name="original", x=groups, y=[before.get(g, 0.0) for g in groups]),
            go.Bar(name="scenario", x=groups, y=[after[g] for g in groups]),
        ]
    )
    figure.update_layout(title=f"Mix of {column!r}", yaxis_tickformat=".0%", barmode="group", **LAYOUT)
    return figure


def kpi_figure(frame: pd.DataFrame) -> go.Figure:
    """Relative change of every KPI (and group) from the original to the scenario(s).

    ``frame`` has columns kpi, group, original and one column per scenario.
    """
    labels = [k if g == "(all rows)" else f"{k} · {g}" for k, g in zip(frame["kpi"], frame["group"], strict=True)]
    figure = go.Figure()
    for name in frame.columns[3:]:
        change = (frame[name] - frame["original"]) / frame["original"].abs().replace(0, np.nan)
        figure.add_bar(name=str(name), x=labels, y=change)
    figure.update_layout(title="Change from the original", yaxis_tickformat="+.0%", barmode="group", **LAYOUT)
    return figure
