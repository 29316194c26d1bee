import CLibPQ

/// A PGresult copied into Swift values, so the C result can be cleared immediately.
struct LibPQResult: Sendable {
    let rows: [PostgresRow]
    /// Rows inserted/updated/deleted/selected as reported in the command tag; 0 when not applicable.
    let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 1`, `COMMIT`, or `ROLLBACK` for a COMMIT of a failed transaction.
    let commandStatus: String

    init(_ result: OpaquePointer) {
        let fieldCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = PostgresColumns(
            names: (0..<fieldCount).map { String(cString: PQfname(result, Int32($0))) },
            types: (0..<fieldCount).map { PostgresDataType(oid: PQftype(result, Int32($0))) })
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for rowIndex in 0..<Int32(rowCount) {
            var cells: [[UInt8]?] = []
            cells.reserveCapacity(fieldCount)
            for field in 0..<Int32(fieldCount) {
                if PQgetisnull(result, rowIndex, field) == 1 {
                    cells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, rowIndex, field))
                    let bytes = UnsafeRawPointer(PQgetvalue(result, rowIndex, field)!)
                    cells.append(Array(UnsafeRawBufferPointer(start: bytes, count: length)))
                }
            }
            rows.append(PostgresRow(columns: columns, cells: cells))
        }
        self.rows = rows
        self.affectedRows = Int(String(cString: PQcmdTuples(result))) ?? 0
        self.commandStatus = String(cString: PQcmdStatus(result))
    }
}
