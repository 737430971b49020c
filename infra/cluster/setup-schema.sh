#!/bin/sh
# Creates the Temporal server's two Postgres databases and brings their schemas to this server version's, with the
# schemas built into temporal-sql-tool. Idempotent: run it before every start (docker-compose.yml's temporal-schema
# step and npm run cluster both do). Needs DBNAME, VISIBILITY_DBNAME (infra/cluster/temporal.env), SQL_HOST, SQL_PORT,
# SQL_USER, SQL_PASSWORD; SQL_TOOL names the binary (default temporal-sql-tool on PATH).
set -eu
tool=${SQL_TOOL:-temporal-sql-tool}
for pair in "$DBNAME:temporal" "$VISIBILITY_DBNAME:visibility"; do
  db=${pair%%:*}
  schema=${pair#*:}
  sql() { "$tool" --ep "$SQL_HOST" -p "$SQL_PORT" -u "$SQL_USER" --pw "$SQL_PASSWORD" --pl postgres12 --db "$db" "$@"; }
  # create-database fails when the database exists; anything else shows up in the next step.
  sql create-database --defaultdb postgres >/dev/null 2>&1 || true
  sql setup-schema -v 0.0
  sql update-schema --schema-name "postgresql/v12/$schema"
  echo "[temporal-schema] $db: schema postgresql/v12/$schema is current"
done
