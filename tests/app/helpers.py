"""What the page tests share: start the app, move between pages, click by label, read what users see."""

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def start() -> AppTest:
    return AppTest.from_file(APP, default_timeout=600).run()


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    """Click the button labelled ``label`` (never by position: pages gain buttons)."""
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def shown(markdown: str) -> str:
    """Text as the user reads it: code spans without their backticks, escaped punctuation without its backslash."""
    unescaped = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)
    return re.sub(r"(`+) ?(.*?) ?\1", r"\2", unescaped)


def texts(at: AppTest, kind: str) -> list[str]:
    return [shown(element.value) for element in getattr(at, kind)]
