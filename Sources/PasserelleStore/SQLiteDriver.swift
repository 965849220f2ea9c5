internal import Foundation
internal import GRDB

/// The SQLite driver (GRDB `DatabasePool`: one file, WAL mode). Writes in the process are run
/// one at a time by a combiner (see ``WriteQueue``) and across processes by `BEGIN IMMEDIATE`
/// (the busy timeout makes other writers wait); writes queued together share one commit, each
/// atomic in its own savepoint. Reads use the pool's reader connections and see committed
/// data only.
final class SQLiteDriver: SQLDriver {
    let dialect = SQLDialect.sqlite
    private let pool: DatabasePool
    /// Writes waiting for the combiner (see ``WriteQueue``).
    private let writeQueue = WriteQueue()
    /// What only the combiner reads and writes.
    private let writerState = WriterState()
    /// What this process's writers changed (see ``ChangeTracker``); commits of other processes
    /// stamp everything, seen through `PRAGMA data_version` when a transaction begins.
    let changeTracker: ChangeTracker? = ChangeTracker()
    /// Checkpoints the write-ahead log off the writer's path.
    let checkpointer: WALCheckpointer
    /// The database file.
    let path: String

    /// The writer's own automatic checkpoint, a safety net behind ``WALCheckpointer``: it runs
    /// only when the log reaches this many pages (64 MiB), and then copies only what the
    /// background checkpoints have not copied yet. It ends with two `fdatasync` calls inside a
    /// commit: at 4,096 pages (16 MiB), which the log of a busy ingest passes between two log
    /// restarts, about 150 of them fell in the writer's commits per 10,000 documents, and
    /// ingest ran about 12 % slower (1,174 against 1,323 documents/s, medians of 7).
    static let writerAutoCheckpointPages = 16_384

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
            writerState.dataVersion = try pool.writeWithoutTransaction { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") }
        } catch {
            try? pool.close()
            throw StoreError.open(location: path, detail: Self.describe(error))
        }
    }

    /// Writes sharing one transaction at most.
    let maxGroupMembers: Int
    /// How long one shared transaction stays open at most (other processes' writers wait for it
    /// meanwhile).
    let maxGroupAge: Duration
    /// Transactions a combiner runs for others once its own write has ended, before it hands
    /// the queue over to a waiting writer (its own caller waits meanwhile).
    static let transactionsAfterOwnWrite = 2

    /// Runs `body` atomically (inside its own savepoint) and returns once it is committed.
    ///
    /// Writes are combined (see ``WriteQueue``): the writer that finds no combiner running runs
    /// its own write and those queued meanwhile, each in its own savepoint of one shared
    /// transaction (group commit): the commit, the write-ahead log frames of the pages they all
    /// touch (index leaves, the tables' last pages) and the checkpoints are paid once per group
    /// instead of once per write. A write alone commits at once. `body` may therefore run on
    /// another task than the caller's (it must not rely on the caller's task-local values).
    func write<T: Sendable>(_ body: @Sendable (any SQLTransaction) async throws -> T) async throws -> T {
        try await withoutActuallyEscaping(body) { body in
            let write = TypedWrite(body)
            if await writeQueue.enter(write) == .combine { await combine(first: write) }
            return try write.value()
        }
    }

    /// Runs `first`, then the queued writes, transaction after transaction, until the queue is
    /// empty; hands the queue over to a waiting writer after ``transactionsAfterOwnWrite``
    /// transactions that were not for `first`.
    private func combine(first: PendingWrite) async {
        var next: PendingWrite? = first
        var transactionsForOthers = 0
        while true {
            await runTransaction(first: next ?? writeQueue.next())
            if next == nil { transactionsForOthers += 1 }
            next = nil
            switch writeQueue.endTransaction(keepCombining: transactionsForOthers < Self.transactionsAfterOwnWrite) {
            case .idle: return
            case .another: continue
            case .handOver(let successor):
                writeQueue.handOver(to: successor)
                return
            }
        }
    }

    /// What running one write in the shared transaction did.
    private enum WriteOutcome {
        /// Its work is in the transaction.
        case kept
        /// It failed and its work was undone; the transaction goes on.
        case undone(any Error)
        /// It failed and SQLite rolled the whole transaction back (some I/O and disk-full errors do).
        case transactionLost(any Error)
    }

    /// One transaction: `first`, then queued writes while the group has room, then `COMMIT`.
    /// Each write ends (its caller resumes) once the transaction has ended.
    private func runTransaction(first: PendingWrite?) async {
        guard let first else { return }
        let transaction = SQLiteWriteTransaction(pool: pool)
        do {
            try begin(transaction)
        } catch {
            first.finish(error)
            return
        }
        let opened = ContinuousClock.now
        var members: [PendingWrite] = []
        var next: PendingWrite? = first
        while let write = next {
            switch await run(write, in: transaction) {
            case .kept:
                members.append(write)
            case .undone(let error):
                write.finish(error)
            case .transactionLost(let error):
                changeTracker?.committed()
                write.finish(error)
                for member in members { member.finish(error) }
                return
            }
            let hasRoom = members.count < maxGroupMembers && ContinuousClock.now - opened < maxGroupAge
            next = hasRoom ? writeQueue.next() : nil
        }
        commit(transaction, members: members)
    }

    /// `BEGIN IMMEDIATE` (waiting for other processes' writers up to the busy timeout).
    private func begin(_ transaction: SQLiteWriteTransaction) throws {
        let version = try transaction.sync { db -> Int64? in
            try db.execute(sql: "BEGIN IMMEDIATE")
            return try Int64.fetchOne(db, sql: "PRAGMA data_version")
        }
        // Another process committed since this writer's last transaction: what it changed is unknown.
        if version != writerState.dataVersion {
            changeTracker?.touchEverything()
            changeTracker?.committed()
            writerState.dataVersion = version
        }
    }

    /// Runs one write in its own savepoint.
    private func run(_ write: PendingWrite, in transaction: SQLiteWriteTransaction) async -> WriteOutcome {
        do {
            // Prepared once per connection (`db.execute(sql:)` would compile it for every write).
            try transaction.sync { db in _ = try SQLiteStatements.fetch(db, "SAVEPOINT writer", []) }
        } catch {
            return .undone(error)
        }
        var failure = await write.perform(transaction)
        if failure == nil {
            do {
                try transaction.sync { db in _ = try SQLiteStatements.fetch(db, "RELEASE writer", []) }
                return .kept
            } catch {
                failure = error
            }
        }
        let error = failure ?? StoreError.database(operation: "RELEASE writer", detail: "unknown failure")
        let undone = (try? transaction.sync { db -> Bool in
            guard db.isInsideTransaction else { return false }
            _ = try SQLiteStatements.fetch(db, "ROLLBACK TO writer", [])
            _ = try SQLiteStatements.fetch(db, "RELEASE writer", [])
            return true
        }) ?? false
        if undone { return .undone(error) }
        try? transaction.sync { db in
            if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
        }
        return .transactionLost(error)
    }

    /// Commits the shared transaction and ends its writes (with the commit's error if it failed).
    private func commit(_ transaction: SQLiteWriteTransaction, members: [PendingWrite]) {
        var failure: (any Error)?
        do {
            try transaction.sync { db in try db.execute(sql: "COMMIT") }
            writeQueue.committed(writes: members.count)
            checkpointer.committed()
        } catch {
            try? transaction.sync { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
            failure = error
        }
        changeTracker?.committed()
        for member in members { member.finish(failure) }
    }

    /// Writes waiting for the combiner now.
    var queuedWrites: Int { writeQueue.count }

    /// Commits so far, and how many writes they held (`writers / commits`: the mean group size).
    var commitStatistics: (commits: Int, writers: Int) {
        get async { writeQueue.statistics }
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

/// The writer connection's state, read and written only by the running combiner.
private final class WriterState: @unchecked Sendable {
    /// The writer connection's `PRAGMA data_version` when it last began a transaction: it
    /// changes when another connection (another process) has committed since.
    var dataVersion: Int64?
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

    /// One statement on a reader connection. No explicit transaction: a single statement is its
    /// own read transaction (one WAL snapshot), and `read` would add `BEGIN`/`COMMIT` around it —
    /// four statements instead of one on the ingest's read-ahead path.
    private func syncRead<T>(_ work: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(work)
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

