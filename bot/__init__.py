"""Omkijkbot: application wiring, configuration, clock, i18n and entry point."""
