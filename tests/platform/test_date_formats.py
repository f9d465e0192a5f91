"""Dates and times read one way on every page: "29 November 2026 18:21"."""
import datetime

from django.template import Context, Template
from django.utils import translation


def test_every_named_format_gives_the_same_shape():
    moment = datetime.datetime(2026, 11, 29, 18, 21)
    template = Template('{{ t }}|{{ t|date:"DATETIME_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}')
    for language, month in (("id", "November"), ("en", "November")):
        with translation.override(language):
            rendered = template.render(Context({"t": moment}))
        assert set(rendered.split("|")) == {f"29 {month} 2026 18:21"}, rendered
    with translation.override("id"):
        assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": moment.date()})) == "29 November 2026"
