"""The audit trail: who changed what, when, from what to what, in every service.

PostgreSQL records it, not the application: `install_audit` (called from a
service's migration) puts statement-level triggers on the service's tables,
and each INSERT, UPDATE or DELETE adds one row per changed record to the
service's own `audit_entries` table, in the same transaction as the change.
An entry holds when, the actor (`role:subject`; an API key's subject is its
id), the request id, the action, the resource (`participants/<id>`) and each
changed field with its value before and after; the columns a table excludes
(secrets, signed identities) are never recorded.

The actor and the request id reach the triggers through two transaction-local
settings (`smartcity.actor`, `smartcity.request_id`), set by the kit's session
dependency when a write request's transaction begins (`context.py`); a change
made by no request (a feed consumer, a job) is recorded as `system`.

Entries are append-only: the service's role keeps only INSERT and SELECT on
them. A background sealer chains them (`chain.py`): each seal holds the hash
of its entry and of the seal before, so a deleted or edited entry, even by a
superuser, is found by `smartcity-audit verify` (`cli.py`). `router.py` serves
them to admins and auditors.
"""
