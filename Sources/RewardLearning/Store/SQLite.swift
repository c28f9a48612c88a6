internal import CSQLite
import Foundation

/// A thin wrapper over one SQLite connection, with errors that name the file.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String

    /// Opens the database at `path`; with `creating` false a missing file is not made.
    init(path: String, creating: Bool = true) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (creating ? SQLITE_OPEN_CREATE : 0)
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            sqlite3_close(db)
            throw LabelStoreError.cannotOpen(path, reason: message)
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)  // several processes (trainer, labelling windows) share a store
    }

    deinit { sqlite3_close(handle) }

    var lastInsertedRow: Int64 { sqlite3_last_insert_rowid(handle) }

    private func failure(_ status: Int32, _ sql: String) -> LabelStoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        if status == SQLITE_NOTADB || status == SQLITE_CORRUPT {
            return .damaged(path, reason: message)
        }
        return .sqlite(path, statement: sql, reason: message)
    }

    /// Runs statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error \(status)"
            sqlite3_free(error)
            if status == SQLITE_NOTADB || status == SQLITE_CORRUPT { throw LabelStoreError.damaged(path, reason: message) }
            throw LabelStoreError.sqlite(path, statement: sql, reason: message)
        }
    }

    enum Value {
        case integer(Int64), real(Double), text(String), null
    }

    /// Runs one statement with bound parameters and returns its rows.
    @discardableResult
    func query(_ sql: String, _ parameters: [Value] = []) throws -> [[Value]] {
        var statement: OpaquePointer?
        let prepared = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard prepared == SQLITE_OK else { throw failure(prepared, sql) }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)  // SQLITE_TRANSIENT
        for (i, parameter) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch parameter {
            case .integer(let v): sqlite3_bind_int64(statement, index, v)
            case .real(let v): sqlite3_bind_double(statement, index, v)
            case .text(let v): sqlite3_bind_text(statement, index, v, -1, transient)
            case .null: sqlite3_bind_null(statement, index)
            }
        }
        var rows: [[Value]] = []
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw failure(status, sql) }
            let columns = sqlite3_column_count(statement)
            rows.append((0..<columns).map { c in
                switch sqlite3_column_type(statement, c) {
                case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, c))
                case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, c))
                case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, c)))
                default: return .null
                }
            })
        }
        return rows
    }

    private var transactionDepth = 0

    /// Runs `body` in one transaction (committed durably, or rolled back on error). Nested calls join
    /// the outer transaction.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        defer { transactionDepth = 0 }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

extension SQLiteDatabase.Value {
    var integer: Int64? { if case .integer(let v) = self { return v }; return nil }
    var real: Double? {
        switch self {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }
    var text: String? { if case .text(let v) = self { return v }; return nil }
}
