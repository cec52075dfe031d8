#!/bin/sh
# The postgres image runs this once, on an empty data directory: the services' roles and schemas.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v participants_password="$PARTICIPANTS_DB_PASSWORD" \
  -v mentoring_password="$MENTORING_DB_PASSWORD" \
  -v documents_password="$DOCUMENTS_DB_PASSWORD" \
  -v monitoring_password="$MONITORING_DB_PASSWORD" \
  -v gateway_password="$GATEWAY_DB_PASSWORD" \
  -v reports_password="$REPORTS_DB_PASSWORD" \
  -v webhooks_password="$WEBHOOKS_DB_PASSWORD" \
  -f /etc/smartcity/roles.sql
