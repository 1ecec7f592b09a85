"""The circle's phone tree on paper: a printable page of those who agreed to share."""

from __future__ import annotations

import datetime as dt
import html

from core.i18n import Translator
from domain.records import Circle, Member


def phone_list_html(circle: Circle, members: list[Member], t: Translator, now: dt.datetime) -> str:
    # gettext escapes what it fills in (names): its result is HTML already, so it is
    # never escaped a second time ("Ans &amp;amp; Bob").
    _ = t.gettext
    rows = "\n".join(
        f"<tr><td>{html.escape(m.display_name)}</td><td>{html.escape(m.phone or '')}</td>"
        f"<td>{'📵' if m.no_phone else ''}</td></tr>"
        for m in members
        if m.share_phone and m.phone and m.role != "professional"
    )
    if not rows:
        nobody = _("Nobody has shared a number yet.")
        rows = f"<tr><td colspan=3>{nobody}</td></tr>"
    title = _("Phone list — {circle}", circle=circle.title)
    made = _("Made on {date}. Only for the circle: please do not pass it on.", date=t.datetime(now))
    name, number = _("Name"), _("Phone")
    emergency = _("In an emergency: call 112.")
    direction = "rtl" if t.right_to_left else "ltr"
    return f"""<!doctype html>
<html lang="{t.language}" dir="{direction}"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; font-size: 16pt; margin: 2cm; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #999; padding: 0.4em; text-align: left; }}
p {{ font-size: 11pt; color: #444; }}
</style></head>
<body><h1>{title}</h1>
<table><tr><th>{name}</th><th>{number}</th><th></th></tr>
{rows}
</table>
<p>{made} {emergency}</p>
</body></html>
"""
