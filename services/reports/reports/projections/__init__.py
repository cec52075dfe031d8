"""The read model: one table per thing the feeds tell of, each row the latest state an event left it in."""
