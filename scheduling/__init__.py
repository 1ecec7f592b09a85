"""Durable timers: the database is the schedule (``timers``), and the timer kinds
every installation has (``builtin``). The use cases they fire live in ``services``."""
