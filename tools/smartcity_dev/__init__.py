"""Developer tooling: the whole platform on one machine."""
