"""The voorzitter's weekly summary: figures (output) and a line to share (outcome), apart."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from core.i18n import N_, Translator

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
        # A count, never a list of who gave: the circle keeps no tally (who gave, who took).
        helpers = len(figures["helpers"])
        lines += [
            "",
            _("<b>Thank you</b> 🙏"),
            t.ngettext(
                "{n} neighbour helped someone this week.",
                "{n} neighbours helped someone this week.",
                helpers,
            ),
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


# The exported figures: a column and its heading, in the reader's language.
EXPORT_COLUMNS = {
    "week": N_("Week"),
    "asked": N_("Asked for help"),
    "helped": N_("Helped"),
    "open": N_("Still open"),
    "chats": N_("Chats"),
    "checkins": N_("“All well?” asked"),
    "to_neighbours": N_("Neighbours went to look"),
    "to_chair": N_("Voorzitter alerted"),
    "open_worries": N_("Open worries"),
}


def export_csv(t: Translator, rows: list[dict[str, Any]]) -> bytes:
    """Figures per week, no names and no content: for the signaleringsoverleg. The
    headings are in the reader's language; the columns are always in this order."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([t.gettext(heading) for heading in EXPORT_COLUMNS.values()])
    writer.writerows([row[column] for column in EXPORT_COLUMNS] for row in rows)
    return buffer.getvalue().encode()


def export_html(t: Translator, circle_title: str, rows: list[dict[str, Any]]) -> bytes:
    _ = t.gettext
    headers = [_(heading) for heading in EXPORT_COLUMNS.values()]
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(row[c]))}</td>" for c in EXPORT_COLUMNS) + "</tr>"
        for row in rows
    )
    # gettext escapes what it fills in: its result is HTML already, never escaped twice.
    title = _("Figures of {circle}, the last four weeks", circle=circle_title)
    note = _("Only numbers: no names and nothing anyone wrote.")
    return (
        f"<!doctype html><html lang='{t.language}' dir='{'rtl' if t.right_to_left else 'ltr'}'>"
        "<head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{font-family:sans-serif}}"
        f"td,th{{border-bottom:1px solid #999;padding:.3em .6em;text-align:right}}"
        f"</style></head><body><h1>{title}</h1><table><tr>{head}</tr>{body}</table>"
        f"<p>{note}</p></body></html>"
    ).encode()
