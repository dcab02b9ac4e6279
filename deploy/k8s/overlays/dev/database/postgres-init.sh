#!/bin/sh
# Runs once, on an empty data directory: a database and a user each for Pocketlab and Keycloak.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v pocketlab_password="$POCKETLAB_DB_PASSWORD" -v keycloak_password="$KC_DB_PASSWORD" <<'SQL'
CREATE USER pocketlab PASSWORD :'pocketlab_password';
CREATE DATABASE pocketlab OWNER pocketlab;
CREATE USER keycloak PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
SQL
