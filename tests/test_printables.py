"""The pages to print (phone list, figures) escape a name exactly once and read right
to left in Arabic."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.i18n import I18n
from domain.phone_list import phone_list_html
from domain.records import Circle
from domain.summary import export_html

I18N = I18n(ZoneInfo("Europe/Amsterdam"))
NOW = dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC)


def _circle(title: str) -> Circle:
    fields = {f: None for f in Circle.__dataclass_fields__}
    return Circle(**{**fields, "id": 1, "title": title})


def test_a_name_is_escaped_once_on_the_printed_pages():
    t = I18N.for_language("nl")
    page = phone_list_html(_circle("Ans & <Bob>"), [], t, NOW)
    assert "Telefoonlijst — Ans &amp; &lt;Bob&gt;" in page
    assert "&amp;amp;" not in page and "&amp;lt;" not in page
    figures = export_html(t, "Ans & <Bob>", []).decode()
    assert "Ans &amp; &lt;Bob&gt;" in figures and "&amp;amp;" not in figures


def test_arabic_pages_read_right_to_left():
    t = I18N.for_language("ar")
    assert 'dir="rtl"' in phone_list_html(_circle("Zandweerd"), [], t, NOW)
    assert "dir='rtl'" in export_html(t, "Zandweerd", []).decode()
    assert 'dir="ltr"' in phone_list_html(_circle("Zandweerd"), [], I18N.for_language("nl"), NOW)
