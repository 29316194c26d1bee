@_exported import LocalPostgres
