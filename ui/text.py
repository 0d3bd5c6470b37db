"""User text (file, column, value and scenario names) shown as text, never as Markdown or HTML.

Streamlit renders Markdown in titles, captions, alerts and widget labels: a value such as
``[log in](http://evil)`` would become a live link. ``plain`` backslash-escapes every ASCII
punctuation mark (CommonMark treats an escaped mark as a literal), which also breaks autolinks
(``http\\://``), Streamlit's ``:icon:`` and ``:color[...]`` directives and inline HTML.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """``text`` escaped so Markdown shows it literally."""
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")


def quoted(text: object) -> str:
    """``text`` in quotes, escaped, for sentences such as: share of 'yes'."""
    return f"'{plain(text)}'"
