"""Domain rules of the circles, in plain Python: nothing here knows about Telegram."""
