"""User text (file, column, value and scenario names) shown as text, never as Markdown or HTML.

``plain`` shows a short value as code; ``prose`` shows a whole sentence in the normal font.

Streamlit renders Markdown in titles, captions, alerts and widget labels: a value such as
``[log in](http://evil)`` would become a live link, and even escaped punctuation does not stop
the autolink step, which runs on the text after parsing. A code span is the one Markdown
construct whose content is never interpreted (no links, images, HTML, emphasis, directives), so
``plain`` wraps user text in one, with a fence longer than any run of backticks inside it.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

# CommonMark lets any ASCII punctuation be escaped with a backslash; escaping all of it leaves no
# emphasis, link, image, HTML, heading, list, LaTeX ($) or shortcode (:smile:) to render.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# Autolinks are found after parsing, in the text itself, so escaping cannot stop them: anything that
# looks like an address (a scheme, www., an e-mail) goes into a code span instead.
_LINK_LIKE = re.compile(r"\S*(?:://|www\.|@)\S*", re.IGNORECASE)


def prose(text: object) -> str:
    """A sentence that may hold user text, shown literally in the normal font (only link-like parts as code)."""
    value = " ".join(str(text).splitlines()) or " "
    parts, last = [], 0
    for match in _LINK_LIKE.finditer(value):
        parts += [_PUNCTUATION.sub(r"\\\1", value[last : match.start()]), plain(match.group())]
        last = match.end()
    parts.append(_PUNCTUATION.sub(r"\\\1", value[last:]))
    return "".join(parts)


def plain(text: object) -> str:
    """``text`` as a Markdown code span, shown literally."""
    value = " ".join(str(text).splitlines()) or " "
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def date_columns(frame: pd.DataFrame) -> dict[str, st.column_config.DatetimeColumn]:
    """Date columns whose values all fall at midnight are shown as dates, without '00:00:00'."""
    return {
        name: st.column_config.DatetimeColumn(format="YYYY-MM-DD")
        for name in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[name])
        and (frame[name].dropna().dt.normalize() == frame[name].dropna()).all()
    }


def file_name(prefix: str, dataset: str, suffix: str = ".html") -> str:
    """A download named after its data: 'rebalance-report-bank-full.html'."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", re.sub(r"\.(csv|tsv|txt|gz|parquet|pq)$", "", dataset.lower())).strip("-")[:60]
    return f"{prefix}-{stem or 'data'}{suffix}"
