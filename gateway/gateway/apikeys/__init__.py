"""API keys for partner systems: made and revoked by staff, stored as a hash, checked on every use."""
