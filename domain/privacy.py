"""A person's data, written out so they can read it (AVG: right of access)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from babel.dates import get_day_names

from core.i18n import N_, Translator
from domain.activities import ACTIVITY_LABELS
from domain.requests import KIND_WORDS
from domain.signals import WORRY_LABELS

# How far a request or a worry got, in the readable file.
STATUS_WORDS = {
    "open": N_("open"),
    "claimed": N_("someone helps"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
    "acknowledged": N_("picked up"),
    "closed": N_("closed"),
}


def readable_export(data: dict[str, Any], t: Translator) -> str:
    def _(message: str, **params: Any) -> str:
        # A plain text file: values are not HTML-escaped here.
        return t.gettext(message).format(**params)

    def when(row: dict[str, Any], *keys: str) -> str:
        """The first date among ``keys`` (a day, or a moment's date)."""
        value = next((row[k] for k in keys if row.get(k)), "")
        return str(value)[:10]

    def kind(words: dict[Any, str], value: str) -> str:
        return _(words[value]) if value in words else value

    def words(row: dict[str, Any], key: str = "details") -> str:
        return f", “{row[key]}”" if row.get(key) else ""

    def status(row: dict[str, Any]) -> str:
        return f" ({_(STATUS_WORDS[row['status']])})" if row.get("status") in STATUS_WORDS else ""

    def section(title: str, rows: list[dict[str, Any]], line: Any) -> None:
        lines.append("")
        lines.append(_(title, count=len(rows)))
        lines.extend("  " + line(row) for row in rows)

    lines = [_("Everything Omkijkbot keeps about you"), "=" * 40, ""]
    person = data.get("person") or {}
    lines.append(_("Name: {name}", name=person.get("first_name", "")))
    lines.append(_("Language: {language}", language=person.get("language", "")))
    if person.get("enjoys"):
        lines.append(_("What you enjoy: {text}", text=person["enjoys"]))
    if person.get("can_offer"):
        lines.append(_("What you could do for others: {text}", text=person["can_offer"]))
    lines.append("")
    for circle in data.get("circles", []):
        lines.append(
            _(
                "Circle: {circle}, as {name} ({role})",
                circle=circle["circle"],
                name=circle["display_name"],
                role=circle["role"],
            )
        )
        if circle.get("phone"):
            lines.append(_("  Phone number: {phone}", phone=circle["phone"]))
    for settings in data.get("check_in_settings", []):
        lines.append(
            _(
                "Daily “All well?”: {state}, at {hour:02d}:{minute:02d}",
                state=_("on") if settings["enabled"] else _("off"),
                hour=settings["at_minutes"] // 60,
                minute=settings["at_minutes"] % 60,
            )
        )
    rounds = data.get("check_in_rounds", [])
    if rounds:
        lines.append(_("Answers to “All well?” we still keep: {count}", count=len(rounds)))
        lines += [f"  {r['due_at'][:16]}: {r['answer'] or r['status']}" for r in rounds]
    section(
        N_("Your requests for help: {count}"),
        data.get("requests_for_you", []),
        lambda r: (
            f"{when(r, 'day', 'created_at')}: {kind(KIND_WORDS, r['kind'])}{words(r)}{status(r)}"
        ),
    )
    section(
        N_("Requests you asked for someone else: {count}"),
        data.get("requests_you_asked_for_someone_else", []),
        lambda r: (
            f"{when(r, 'day', 'created_at')}, {r['for_whom'] or '?'}: "
            f"{kind(KIND_WORDS, r['kind'])}{words(r)}{status(r)}"
        ),
    )
    section(
        N_("Requests you helped with: {count}"),
        data.get("requests_you_helped_with", []),
        lambda r: (
            f"{when(r, 'day', 'you_offered_at')}, {r['for_whom'] or '?'}: "
            f"{kind(KIND_WORDS, r['kind'])}{status(r)}"
        ),
    )
    names = get_day_names("wide", locale=t.locale)
    section(
        N_("What you offer: {count}"),
        data.get("offers", []),
        lambda r: (
            kind(KIND_WORDS, r["kind"])
            + (f" ({names[r['weekday']]})" if r.get("weekday") is not None else "")
        ),
    )
    activities = [
        {**a, "you": _("you announced it")} for a in data.get("activities_you_announced", [])
    ] + [
        {**a, "you": _("yes") if a["coming"] else _("no")}
        for a in data.get("activities_you_answered", [])
    ]
    section(
        N_("Activities: {count}"),
        activities,
        lambda a: f"{a['day']}: {kind(ACTIVITY_LABELS, a['kind'])}{words(a, 'place')} ({a['you']})",
    )
    section(
        N_("Worries you shared: {count}"),
        data.get("worries_you_shared", []),
        lambda w: (
            f"{when(w, 'created_at')}, {w['about'] or '?'}: "
            f"{kind(WORRY_LABELS, w['kind'])}{words(w)}{status(w)}"
        ),
    )
    section(
        N_(
            "Worries others shared about you: {count}. To protect them, this file does not "
            "say who shared them or what they wrote; the beheerder can tell you more."
        ),
        data.get("worries_about_you", []),
        lambda w: f"{w['date']}: {kind(WORRY_LABELS, w['kind'])}{status(w)}",
    )
    section(
        N_("Invites you made: {count}"),
        data.get("invites", []),
        lambda i: f"{when(i, 'created_at')}: {i['circle']}",
    )
    sent = data.get("messages_you_sent_recently", [])
    lines.append("")
    lines.append(_("Messages and taps of yours we still keep: {count}", count=len(sent)))
    received = data.get("messages_the_bot_sent_you", [])
    lines.append(_("Messages the bot sent you that we still keep: {count}", count=len(received)))
    lines.append("")
    lines.append(_("The file omkijkbot-gegevens.json has all of this in full."))
    lines.append(_("To delete everything: /vergeetmij"))
    return "\n".join(lines) + "\n"


def json_export(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


PRIVACY_DOCUMENT = Path(__file__).resolve().parent.parent / "PRIVACY.md"
_SECTIONS = {"nl": "## Nederlands", "en": "## English", "tr": "## Türkçe", "ar": "## العربية"}


def privacy_statement(language: str, document: Path = PRIVACY_DOCUMENT) -> str:
    """The section of PRIVACY.md in this language, as Telegram HTML.

    The onboarding shows the very document the operator publishes, so what a
    person agrees to cannot drift from it.
    """
    text = document.read_text(encoding="utf-8")
    heading = _SECTIONS.get(language, _SECTIONS["nl"])
    section = text.split(heading, 1)[1]
    section = section.split("\n## ", 1)[0].strip()
    section = html.escape(section, quote=False).replace("`", "")
    section = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", section)
    return re.sub(r"^- ", "• ", section, flags=re.MULTILINE)
