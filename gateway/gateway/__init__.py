"""The gateway: the platform's one entry point."""
