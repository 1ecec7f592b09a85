"""The voorzitter's weekly summary: figures (output) and a line to share (outcome), apart."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from core.i18n import Translator

TELEGRAM_LIMIT = 4096


def week_bounds(moment: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00 (local) of the week ``moment`` is in, in UTC."""
    local = moment.astimezone(tz).date()
    monday = local - dt.timedelta(days=local.weekday())
    start = dt.datetime.combine(monday, dt.time(0, 0), tzinfo=tz)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0, 0), tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def summary_text(
    t: Translator,
    circle_title: str,
    start: dt.datetime,
    end: dt.datetime,
    figures: dict[str, Any],
    unreachable: list[str],
) -> str:
    _ = t.gettext
    last_day = (end - dt.timedelta(seconds=1)).astimezone(t.tz).date()
    lines = [
        _(
            "📊 <b>{circle}</b>: the week of {start} to {end}",
            circle=circle_title,
            start=t.date(start.astimezone(t.tz).date()),
            end=t.date(last_day),
        ),
        "",
    ]
    lines.append(_("<b>In figures</b>"))
    lines.append(
        _(
            "• Requests for help: {asked} asked, {helped} times someone helped, {open} still open.",
            asked=figures["asked"],
            helped=figures["helped"],
            open=figures["open"],
        )
    )
    lines.append(_("• Chats and someone to listen: {chats}.", chats=figures["chats"]))
    lines.append(
        _(
            "• “All well?”: asked {rounds} times; {neighbours} times the neighbours went "
            "to look; {chair} times the voorzitter was alerted.",
            rounds=figures["rounds"],
            neighbours=figures["to_neighbours"],
            chair=figures["to_chair"],
        )
    )
    lines.append(
        _(
            "• The bot cannot reach: {names}.",
            names=", ".join(unreachable) if unreachable else _("nobody"),
        )
    )
    lines.append(
        _(
            "• Worries with the professional that are still open: {count}.",
            count=figures["open_signals"],
        )
    )
    if figures["helpers"]:
        lines += [
            "",
            _("<b>Thank you</b> 🙏"),
            html.escape(", ".join(figures["helpers"]), quote=False),
        ]
    lines += ["", _("<b>To share in the circle</b>")]
    if figures["people_helped"] or figures["contact_wanted"]:
        lines.append(
            _(
                "This week {helped} neighbours got help from someone in the circle, and "
                "{contact} times someone asked for a bit of contact and got it.",
                helped=figures["people_helped"],
                contact=figures["contact_wanted"],
            )
        )
    else:
        lines.append(_("A quiet week. Nice that everyone is looking out for each other."))
    return "\n".join(lines)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at blank lines, then lines, then hard, so no part passes Telegram's limit."""
    parts: list[str] = []
    current = ""
    for block in text.split("\n"):
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(block) > limit:
            cut = limit
            entity = block.rfind("&", max(0, limit - 10), limit)
            if entity > 0 and ";" not in block[entity:limit]:
                cut = entity  # not inside an HTML entity such as &amp;
            parts.append(block[:cut])
            block = block[cut:]
        current = block
    if current:
        parts.append(current)
    return parts


EXPORT_COLUMNS = [
    "week",
    "asked",
    "helped",
    "open",
    "chats",
    "checkins",
    "to_neighbours",
    "to_chair",
    "open_worries",
]


def export_csv(rows: list[dict[str, Any]]) -> bytes:
    """Figures per week, no names and no content: for the signaleringsoverleg."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def export_html(t: Translator, circle_title: str, rows: list[dict[str, Any]]) -> bytes:
    _ = t.gettext
    headers = [
        _("Week"),
        _("Asked for help"),
        _("Helped"),
        _("Still open"),
        _("Chats"),
        _("“All well?” asked"),
        _("Neighbours went to look"),
        _("Voorzitter alerted"),
        _("Open worries"),
    ]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in EXPORT_COLUMNS) + "</tr>"
        for row in rows
    )
    title = html.escape(_("Figures of {circle}, the last four weeks", circle=circle_title))
    note = html.escape(_("Only numbers: no names and nothing anyone wrote."))
    return (
        f"<!doctype html><html lang='{t.language}'><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{font-family:sans-serif}}"
        f"td,th{{border-bottom:1px solid #999;padding:.3em .6em;text-align:right}}"
        f"</style></head><body><h1>{title}</h1><table><tr>{head}</tr>{body}</table>"
        f"<p>{note}</p></body></html>"
    ).encode()
