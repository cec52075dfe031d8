"""The monitoring service: what each region's master plan achieves, period by period."""
