internal import Foundation
internal import GRDB
internal import GRDBSQLite

/// Statement execution shared by the SQLite transactions, straight on the SQLite C API.
///
/// The prepared statements come from GRDB's per-connection cache; binding, stepping and reading
/// the columns go to SQLite directly. GRDB's own path (`StatementArguments`, `DatabaseValue`,
/// `Row` cursors) cost more CPU than SQLite itself on the ingest path: a key path instantiated
/// per call, an existential and a copy per argument, a class instance per row.
///
/// Only the store runs these statements, always through this type, and always on the
/// connection's own queue (inside `writeWithoutTransaction` or `unsafeRead`).
enum SQLiteStatements {
    /// Runs `sql` with `values` bound to its parameters (in order) and returns every row.
    /// - Throws: `StoreError.database` naming the statement's beginning and SQLite's message
    ///   (never the bound values: they may be identity traits).
    static func fetch(_ db: Database, _ sql: String, _ values: [SQLValue]) throws -> [SQLRow] {
        let statement: Statement
        do {
            statement = try db.cachedStatement(sql: sql)
        } catch {
            throw StoreError.database(operation: String(sql.prefix(60)), detail: SQLiteDriver.describe(error))
        }
        let handle = statement.sqliteStatement
        // Always leave the statement reset and unbound: a statement left active would hold its
        // read snapshot (and a reader connection's WAL mark) open.
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let parameterCount = Int(sqlite3_bind_parameter_count(handle))
        guard parameterCount == values.count else {
            throw StoreError.database(
                operation: String(sql.prefix(60)),
                detail: "the statement has \(parameterCount) parameter(s) but \(values.count) value(s) were given")
        }
        for (offset, value) in values.enumerated() {
            let code = bind(value, at: Int32(offset + 1), to: handle)
            guard code == SQLITE_OK else { throw failure(code, handle, sql) }
        }
        var rows: [SQLRow] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw failure(code, handle, sql) }
            rows.append(row(of: handle))
        }
    }

    /// Binds one value (SQLite copies text and blobs: the statement may outlive the call).
    private static func bind(_ value: SQLValue, at index: Int32, to handle: OpaquePointer) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(handle, index)
        case .integer(let number):
            return sqlite3_bind_int64(handle, index, number)
        case .real(let number):
            return sqlite3_bind_double(handle, index, number)
        case .text(var text):
            return text.withUTF8 { bytes in
                // A non-nil pointer even for an empty string: NULL would bind SQL NULL.
                let pointer = bytes.baseAddress.map(UnsafeRawPointer.init) ?? emptyBytes
                return sqlite3_bind_text(handle, index, pointer.assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
            }
        case .utf8Text(let bytes):
            return bytes.withUnsafeBytes { bytes in
                let pointer = bytes.baseAddress ?? emptyBytes
                return sqlite3_bind_text(handle, index, pointer.assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient)
            }
        case .blob(let data):
            return data.withUnsafeBytes { bytes in
                sqlite3_bind_blob(handle, index, bytes.baseAddress ?? emptyBytes, Int32(bytes.count), transient)
            }
        }
    }

    /// The current row's values.
    private static func row(of handle: OpaquePointer) -> SQLRow {
        let count = Int(sqlite3_column_count(handle))
        var values: [SQLValue] = []
        values.reserveCapacity(count)
        for column in 0..<Int32(count) {
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER:
                values.append(.integer(sqlite3_column_int64(handle, column)))
            case SQLITE_FLOAT:
                values.append(.real(sqlite3_column_double(handle, column)))
            case SQLITE_TEXT:
                // `sqlite3_column_text` before `sqlite3_column_bytes`, as SQLite documents.
                let text = sqlite3_column_text(handle, column)
                let length = Int(sqlite3_column_bytes(handle, column))
                if let text, length > 0 {
                    values.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self)))
                } else {
                    values.append(.text(""))
                }
            case SQLITE_BLOB:
                let blob = sqlite3_column_blob(handle, column)
                let length = Int(sqlite3_column_bytes(handle, column))
                values.append(.blob(blob.map { Data(bytes: $0, count: length) } ?? Data()))
            default:
                values.append(.null)
            }
        }
        return SQLRow(values: values)
    }

    /// The error for a failed step or bind, with SQLite's primary result code and message.
    private static func failure(_ code: Int32, _ handle: OpaquePointer, _ sql: String) -> StoreError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown"
        return StoreError.database(operation: String(sql.prefix(60)), detail: "SQLite error \(code & 0xFF): \(message)")
    }

    /// `SQLITE_TRANSIENT`: SQLite copies the bound bytes.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// A valid address for zero-length values.
    private static var emptyBytes: UnsafeRawPointer { UnsafeRawPointer(empty.utf8Start) }
    private static let empty: StaticString = ""
}
