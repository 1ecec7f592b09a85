"""A person's data, written out so they can read it (AVG: right of access)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from core.i18n import Translator


def readable_export(data: dict[str, Any], t: Translator) -> str:
    def _(message: str, **params: Any) -> str:
        # A plain text file: values are not HTML-escaped here.
        return t.gettext(message).format(**params)

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
    sent = data.get("messages_you_sent_recently", [])
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
_SECTIONS = {"nl": "## Nederlands", "en": "## English"}


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
