"""The privacy assessment starts in the background when tables are generated; Compare shows that job's result."""

from synth.assess.privacy import privacy_frame
from tests.app.helpers import click, start, visit
from ui import assessments


def test_generate_starts_the_privacy_job_and_compare_shows_its_result(monkeypatch):
    submitted, computed = [], []
    submit, measure = assessments.BACKGROUND.submit, assessments.privacy_by_method

    def recording(function, *args):
        submitted.append(submit(function, *args))
        return submitted[-1]

    def counted(*args):
        computed.append(args)
        return measure(*args)

    monkeypatch.setattr(assessments.BACKGROUND, "submit", recording)
    monkeypatch.setattr(assessments, "privacy_by_method", counted)
    at = start()
    visit(at, "plan")
    click(at, "Generate")
    assert len(submitted) == 1  # started by Generate, before anyone opened Compare
    reports = submitted[0].result(timeout=300)
    assert set(reports) == {"Naive oversampling", "SMOTE-NC", "Synthetic"}

    visit(at, "compare")
    visit(at, "compare")  # a rerun reuses the finished job
    assert len(submitted) == len(computed) == 1  # measured once, in the background, for both views
    shown = next(d.value for d in at.dataframe if "exact copies" in d.value.index)
    assert shown.equals(privacy_frame(reports))
