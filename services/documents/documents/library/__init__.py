"""Documents and their versions: the catalogue, its rules and its routes."""
