"""User text is shown as text in the app: a code span Markdown never interprets."""

from ui.text import plain


def test_user_text_is_a_code_span_with_a_long_enough_fence():
    assert plain("[x](http://evil)") == "`[x](http://evil)`"
    assert plain("a `b` c") == "``a `b` c``" and plain("`") == "`` ` ``"
