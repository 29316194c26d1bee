// Module Postgres
