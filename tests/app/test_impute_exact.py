"""The Impute page's download writes an uploaded CSV back as it was read, but for the filled cells (as the CLI does)."""

from typing import ClassVar

import pytest
import streamlit.testing.v1.app_test as app_test
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from tests.app.helpers import APP, click, visit


class RecordingStorage(MemoryMediaFileStorage):
    """Media storage that also keeps each download's bytes by file name, for the test to read."""

    files: ClassVar[dict[str, bytes]] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        RecordingStorage.files[filename] = path_or_data
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


@pytest.fixture
def downloads(monkeypatch):
    RecordingStorage.files = {}
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", RecordingStorage)
    return RecordingStorage.files


def spelled_file() -> list[str]:
    """Zip codes with leading zeros, a price of 1.10, text with leading spaces (bare and quoted), ';' and CRLF."""
    header, quoted = "zip;code;price;city;group", '"  w"'
    rows = [
        f"{'00224' if i % 2 else '01234'};{'003' if i % 3 else '010'};{'1.10' if i % 2 else '2.50'};"
        f"{'  x' if i % 2 else quoted};{'' if i % 7 == 0 else f'g{i % 2}'}"
        for i in range(60)
    ]
    return [header, *rows]


def test_the_download_keeps_every_observed_cell_as_written(downloads):
    lines = spelled_file()
    at = app_test.AppTest.from_file(APP, default_timeout=600).run()
    at.radio(key="data_source").set_value("Upload a file").run()
    at.file_uploader[0].upload("spelled.csv", ("\r\n".join(lines) + "\r\n").encode()).run()
    visit(at, "impute")
    at.multiselect[0].set_value(["group"]).run()
    click(at, "Fill")
    written = downloads["completed-spelled.csv"].decode().split("\r\n")
    assert written[-1] == "" and len(written) == len(lines) + 1
    for i, (before, after) in enumerate(zip(lines, written, strict=False)):
        kept = before.rsplit(";", 1)[0].replace('"  w"', "  w")
        assert after.rsplit(";", 1)[0] == kept, i
        assert after.rsplit(";", 1)[1] in ({"g0", "g1"} if before.endswith(";") else {before.rsplit(";", 1)[1]})
