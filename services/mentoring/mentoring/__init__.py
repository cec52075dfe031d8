"""Mentoring service: curriculum, mentors, tracks, workshops, deliverables and the master plan."""
