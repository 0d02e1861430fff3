#!/bin/sh
# Run once by the postgres image on a fresh data directory: lets a standby of the compose network stream from this
# server with the same login and password (docker-compose.yml, profile "scaled").
set -eu
echo 'host replication all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
