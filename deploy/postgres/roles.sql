-- One database, one schema and one role per service; a role may use only its own schema.
-- Run once by a superuser on the platform's database, with each role's password:
--   psql -v ON_ERROR_STOP=1 -v participants_password=... -v mentoring_password=... \
--        -v documents_password=... -v monitoring_password=... \
--        -v gateway_password=... -v webhooks_password=... -v reports_password=... -d smartcity -f roles.sql
-- (docker-compose runs it through deploy/postgres/initdb.sh on the first start.)
-- Each role owns its schema, so its migration job creates and alters the tables there.
-- The audit trail is append-only: each service's migration (smartcity_kit.audit.triggers.install_audit) takes
-- UPDATE, DELETE and TRUNCATE on its audit_entries and audit_seals from the role itself, which keeps INSERT and
-- SELECT. Only a superuser (or the database owner) may then purge them: `smartcity-audit purge`.

REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE ROLE participants LOGIN PASSWORD :'participants_password';
CREATE ROLE mentoring LOGIN PASSWORD :'mentoring_password';
CREATE ROLE documents LOGIN PASSWORD :'documents_password';
CREATE ROLE monitoring LOGIN PASSWORD :'monitoring_password';
CREATE ROLE gateway LOGIN PASSWORD :'gateway_password';
CREATE ROLE reports LOGIN PASSWORD :'reports_password';
CREATE ROLE webhooks LOGIN PASSWORD :'webhooks_password';

GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO participants, mentoring, documents, monitoring, gateway, webhooks, reports;

CREATE SCHEMA participants AUTHORIZATION participants;
CREATE SCHEMA mentoring AUTHORIZATION mentoring;
CREATE SCHEMA documents AUTHORIZATION documents;
CREATE SCHEMA monitoring AUTHORIZATION monitoring;
CREATE SCHEMA gateway AUTHORIZATION gateway;
CREATE SCHEMA reports AUTHORIZATION reports;
CREATE SCHEMA webhooks AUTHORIZATION webhooks;

ALTER ROLE participants SET search_path = participants;
ALTER ROLE mentoring SET search_path = mentoring;
ALTER ROLE documents SET search_path = documents;
ALTER ROLE monitoring SET search_path = monitoring;
ALTER ROLE gateway SET search_path = gateway;
ALTER ROLE reports SET search_path = reports;
ALTER ROLE webhooks SET search_path = webhooks;
