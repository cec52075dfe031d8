"""Cross-cutting helpers shared by every Smart City service and the gateway.

Nothing here knows about regions, phases or tracks: only HTTP and database
conventions of the API contract.
"""
