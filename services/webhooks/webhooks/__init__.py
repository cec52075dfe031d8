"""Webhooks service: partner endpoints, signed deliveries of every service's events, retries and the delivery log."""
