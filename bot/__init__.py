"""Omkijkbot: application wiring, configuration, clock, i18n and entry point."""

import os

# Opt in now to PTB's coming behaviour: durations (retry_after, ...) as timedelta.
# Our code handles both; this keeps the deprecation warnings out of the logs.
os.environ.setdefault("PTB_TIMEDELTA", "1")
