"""Logging for operators: ids and events, never what people typed or their names.

Our own log lines only carry ids (update, member, round, request). Two things
from libraries could still leak: python-telegram-bot and httpx log whole updates
and request URLs at DEBUG (names, texts, and the bot token in the URL). So those
libraries stay at INFO or above whatever level is asked, and every line passes a
filter that masks anything shaped like a bot token.

``OMKIJK_LOG_FORMAT=json`` writes one JSON object per line, for log collectors.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

# Libraries whose DEBUG output contains update contents or request URLs.
CHATTY = ("telegram", "httpx", "httpcore", "aiohttp", "apscheduler", "aiosqlite", "asyncio")
_TOKEN = re.compile(r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{20,}")


def mask_tokens(text: str) -> str:
    """Anything shaped like a bot token becomes ``<token>`` (for errors printed at start)."""
    return _TOKEN.sub("<token>", text)


class RedactTokens(logging.Filter):
    """Masks bot tokens wherever they appear (messages, arguments, tracebacks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg, record.args = _TOKEN.sub("<token>", message), None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if _TOKEN.search(text):
                record.exc_text = _TOKEN.sub("<token>", text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens())
    handler.setFormatter(
        JsonFormatter()
        if fmt == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
    # httpx logs every request at INFO; long polling makes that noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # APScheduler writes two INFO lines for every tick (170,000 a day); the heartbeat
    # says the bot is alive instead.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
