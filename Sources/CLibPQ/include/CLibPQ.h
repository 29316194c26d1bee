// CLibPQ: libpq's public header plus the pieces Swift's C importer cannot see.
//
// Swift does not import character-literal macros such as PG_DIAG_SQLSTATE ('C'), so they are
// re-exported here as typed constants. Everything else (PQconnectdbParams, PQexecParams, ...)
// comes straight from <libpq-fe.h>.
#pragma once

#include <postgresql/libpq-fe.h>

/// Error/notice field codes for PQresultErrorField (the PG_DIAG_* macros).
static const int CLIBPQ_DIAG_SEVERITY = PG_DIAG_SEVERITY;
static const int CLIBPQ_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CLIBPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLIBPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CLIBPQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CLIBPQ_DIAG_MESSAGE_HINT = PG_DIAG_MESSAGE_HINT;
static const int CLIBPQ_DIAG_STATEMENT_POSITION = PG_DIAG_STATEMENT_POSITION;
static const int CLIBPQ_DIAG_CONTEXT = PG_DIAG_CONTEXT;
static const int CLIBPQ_DIAG_SCHEMA_NAME = PG_DIAG_SCHEMA_NAME;
static const int CLIBPQ_DIAG_TABLE_NAME = PG_DIAG_TABLE_NAME;
static const int CLIBPQ_DIAG_COLUMN_NAME = PG_DIAG_COLUMN_NAME;
static const int CLIBPQ_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;

/// Waits until `socket` is readable (or has hung up) for at most `timeoutMilliseconds`
/// (-1 = forever, 0 = just check). Returns 1 when readable, 0 on timeout, -1 on error.
/// Wrapping poll(2) here keeps `struct pollfd` bit-fiddling out of Swift.
int clibpq_wait_readable(int socket, int timeoutMilliseconds);
