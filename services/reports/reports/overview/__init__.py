"""The programme overview: the funnel, provinces, time zones, MoUs, tracks per stage, completion."""
