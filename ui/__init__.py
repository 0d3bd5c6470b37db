"""Streamlit glue shared by the pages: session keys, the work cache, progress and plain text.

It lives outside ``pages/`` so Streamlit never lists it as a page; ``synth`` never imports it.
"""
