internal import Foundation
internal import GRDB

/// The SQLite driver (GRDB `DatabasePool`: one file, WAL mode). Writes go through one async
/// lock in the process and `BEGIN IMMEDIATE` across processes (the busy timeout makes other
/// writers wait); writers queued on the lock share one commit (see ``CommitGroup``), each
/// atomic in its own savepoint. Reads use the pool's reader connections and see committed
/// data only.
final class SQLiteDriver: SQLDriver {
    let dialect = SQLDialect.sqlite
    private let pool: DatabasePool
    private let writeLock = AsyncSemaphore(value: 1)
    /// The transaction writers are sharing, if any (see ``CommitGroup``).
    private let groupSlot = CommitGroupSlot()
    /// What this process's writers changed (see ``ChangeTracker``); commits of other processes
    /// stamp everything, seen through `PRAGMA data_version` when a transaction begins.
    let changeTracker: ChangeTracker? = ChangeTracker()
    /// Checkpoints the write-ahead log off the writer's path.
    let checkpointer: WALCheckpointer
    /// The database file.
    let path: String

    /// The writer's own automatic checkpoint, a safety net behind ``WALCheckpointer``: it runs
    /// only when the log reaches this many pages (16 MiB), and then copies only what the
    /// background checkpoints have not copied yet.
    static let writerAutoCheckpointPages = 4_096

    /// Opens (creating when missing) the database at `path`. Writers share a commit by at most
    /// `maxGroupMembers` (1: one commit per writer), in a transaction open for at most `maxGroupAge`.
    init(
        path: String, busyTimeout: TimeInterval = 30, maxGroupMembers: Int = 32, maxGroupAge: Duration = .milliseconds(25)
    ) throws {
        self.path = path
        self.maxGroupMembers = max(1, maxGroupMembers)
        self.maxGroupAge = maxGroupAge
        var configuration = Configuration()
        // The store runs its own BEGIN IMMEDIATE / COMMIT around async bodies.
        configuration.allowsUnsafeTransactions = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "passerelle-store"
        configuration.prepareDatabase { db in
            // WAL + synchronous=NORMAL: a commit appends to the WAL without fsync; the WAL is
            // fsynced at each checkpoint. The database is never corrupted (a crash of the
            // process, kill -9 included, loses nothing committed: the WAL is in the OS cache);
            // a power loss or OS crash can lose the last transactions since the previous
            // checkpoint, each entirely (atomicity holds), and the ingest journal, written in
            // the same transactions, then reruns exactly those documents. See Docs/store.md.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Statement and savepoint journals in memory, not in files under /var/tmp: every
            // write statement inside a transaction journals the pages it changes there (about
            // 36 page writes per ingested document went to temporary files).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if !db.configuration.readonly {
                // The single writer: a larger page cache for the indexes it updates on every
                // document (32 MiB instead of 2 MiB). Checkpoints run on the checkpointer's
                // connection; the writer's automatic one is only a safety net.
                try db.execute(sql: "PRAGMA cache_size = -32768")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(SQLiteDriver.writerAutoCheckpointPages)")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.open(location: path, detail: Self.describe(error))
        }
        do {
            checkpointer = try WALCheckpointer(path: path)
            groupSlot.dataVersion = try pool.writeWithoutTransaction { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") }
        } catch {
            try? pool.close()
            throw StoreError.open(location: path, detail: Self.describe(error))
        }
    }

    /// Writers sharing one commit at most (see ``CommitGroup``).
    let maxGroupMembers: Int
    /// How long one shared transaction stays open at most before the next writer commits it
    /// (other processes' writers wait for it meanwhile).
    let maxGroupAge: Duration

    /// Runs `body` atomically (inside its own savepoint) and returns once it is committed.
    ///
    /// Writers queued on the write lock share one transaction (group commit, see
    /// ``CommitGroup``): the commit, the write-ahead log frames of the pages they all touch
    /// (index leaves, the tables' last pages) and the checkpoints are paid once per group
    /// instead of once per writer. A writer alone commits at once.
    func write<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T {
        await writeLock.wait()
        let transaction = SQLiteWriteTransaction(pool: pool)
        let group: CommitGroup
        do {
            group = try openGroup(transaction)
            try transaction.sync { db in try db.execute(sql: "SAVEPOINT writer") }
        } catch {
            endTurn(transaction)
            throw error
        }
        let result: T
        do {
            result = try await body(transaction)
            try transaction.sync { db in try db.execute(sql: "RELEASE writer") }
            group.members += 1
        } catch {
            rollBack(transaction, group: group, after: error)
            endTurn(transaction)
            throw error
        }
        endTurn(transaction)
        try await group.wait()
        return result
    }

    /// Commits so far, and how many writers' work they held (`writers / commits`: the mean group size).
    var commitStatistics: (commits: Int, writers: Int) {
        get async {
            await writeLock.wait()
            defer { writeLock.signal() }
            return (groupSlot.commits, groupSlot.committedWriters)
        }
    }

    /// The open shared transaction, or a new one (`BEGIN IMMEDIATE`). Write lock held.
    private func openGroup(_ transaction: SQLiteWriteTransaction) throws -> CommitGroup {
        if let group = groupSlot.open { return group }
        let version = try transaction.sync { db -> Int64? in
            try db.execute(sql: "BEGIN IMMEDIATE")
            return try Int64.fetchOne(db, sql: "PRAGMA data_version")
        }
        // Another process committed since this writer's last transaction: what it changed is unknown.
        if version != groupSlot.dataVersion {
            changeTracker?.touchEverything()
            changeTracker?.committed()
            groupSlot.dataVersion = version
        }
        let group = CommitGroup()
        groupSlot.open = group
        return group
    }

    /// Undoes a failed writer's work. When SQLite has rolled back the whole transaction (some
    /// I/O and disk-full errors do), the work of the group's other members is gone too: they
    /// fail with the same error. Write lock held.
    private func rollBack(_ transaction: SQLiteWriteTransaction, group: CommitGroup, after error: any Error) {
        let undone = (try? transaction.sync { db -> Bool in
            guard db.isInsideTransaction else { return false }
            try db.execute(sql: "ROLLBACK TO writer")
            try db.execute(sql: "RELEASE writer")
            return true
        }) ?? false
        guard !undone, groupSlot.open === group else { return }
        try? transaction.sync { db in
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
        }
        groupSlot.open = nil
        changeTracker?.committed()
        group.complete(.failure(error))
    }

    /// Ends the lock holder's turn: leaves the shared transaction open for the next writer when
    /// one is waiting and the group has room, commits it otherwise; then releases the lock.
    private func endTurn(_ transaction: SQLiteWriteTransaction) {
        defer { writeLock.signal() }
        guard let group = groupSlot.open else { return }
        if writeLock.hasWaiters, group.accepts(maxMembers: maxGroupMembers, maxAge: maxGroupAge) { return }
        groupSlot.open = nil
        do {
            try transaction.sync { db in try db.execute(sql: "COMMIT") }
            groupSlot.commits += 1
            groupSlot.committedWriters += group.members
            changeTracker?.committed()
            checkpointer.committed()
            group.complete(.success(()))
        } catch {
            try? transaction.sync { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
            changeTracker?.committed()
            group.complete(.failure(error))
        }
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T {
        try await body(SQLiteReadTransaction(pool: pool))
    }

    /// A store dropped without ``close()`` still stops its checkpointing thread.
    deinit { checkpointer.stop() }

    func close() async throws {
        checkpointer.stop()
        try pool.close()
    }

    /// A readable description of a GRDB error (SQLite code and message, no statement values).
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "SQLite error \(error.resultCode.rawValue): \(error.message ?? "unknown")"
        }
        return String(describing: error)
    }
}

/// Where the driver keeps its open ``CommitGroup``.
private final class CommitGroupSlot: @unchecked Sendable {
    // Read and written only by the holder of the driver's write lock.
    var open: CommitGroup?
    /// The writer connection's `PRAGMA data_version` when it last began a transaction: it
    /// changes when another connection (another process) has committed since.
    var dataVersion: Int64?
    /// Transactions committed, and the writers whose work they held.
    var commits = 0
    var committedWriters = 0
}

/// Statement execution shared by the SQLite transactions.
enum SQLiteStatements {
    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .integer(let v): v
            case .real(let v): v
            case .text(let v): v
            case .blob(let v): v
            }
        })
    }

    static func fetch(_ db: Database, _ sql: String, _ values: [SQLValue]) throws -> [SQLRow] {
        do {
            let statement = try db.cachedStatement(sql: sql)
            try statement.setArguments(arguments(values))
            var rows: [SQLRow] = []
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                rows.append(SQLRow(values: row.databaseValues.map { value in
                    switch value.storage {
                    case .null: .null
                    case .int64(let v): .integer(v)
                    case .double(let v): .real(v)
                    case .string(let v): .text(v)
                    case .blob(let v): .blob(v)
                    }
                }))
            }
            return rows
        } catch {
            throw StoreError.database(operation: String(sql.prefix(60)), detail: SQLiteDriver.describe(error))
        }
    }
}

/// A write transaction on the pool's writer connection (the driver holds the write lock).
struct SQLiteWriteTransaction: SQLTransaction {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    /// Runs `work` on the writer connection, synchronously (statements take microseconds).
    func sync<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(work)
    }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        try sync { db in try SQLiteStatements.fetch(db, sql, arguments) }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        _ = try sync { db in try SQLiteStatements.fetch(db, sql, arguments) }
    }

    func lock(keys: [String]) async throws {}
    func lockAdministration(exclusive: Bool) async throws {}
}

/// Reads on the pool's reader connections: each statement sees the last committed state.
struct SQLiteReadTransaction: SQLTransaction {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    private func syncRead<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.read(work)
    }

    func query(_ sql: String, _ arguments: [SQLValue]) async throws -> [SQLRow] {
        do {
            return try syncRead { db in try SQLiteStatements.fetch(db, sql, arguments) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(operation: String(sql.prefix(60)), detail: SQLiteDriver.describe(error))
        }
    }

    func execute(_ sql: String, _ arguments: [SQLValue]) async throws {
        throw StoreError.database(operation: String(sql.prefix(60)), detail: "write statement in a read-only access")
    }

    func lock(keys: [String]) async throws {}
    func lockAdministration(exclusive: Bool) async throws {}
}

