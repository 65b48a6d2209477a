import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle
public import SelfHealCore
import Synchronization

/// The store on PostgreSQL, shared by every role of a split deployment.
///
/// One pooled `PostgresClient` serves all operations. A serving role's service group runs it like
/// every other service (`unstarted` + `pool`); a one-shot command lets the store run it in a task
/// of its own (`open`), cancelled in `close()`. After the server restarts, the pool opens
/// fresh connections by itself: a query that was on a connection the restart cut fails as
/// `unavailable`, the next ones work. Values are always bound as parameters (PostgresQuery
/// interpolation), never spliced into SQL.
///
/// Call `migrate()` before first use and `close()` when done.
public final class PostgresStore: Store {
    /// How long an operation waits for a pooled connection. The pool itself would keep a
    /// request waiting for up to a minute while the server is down; callers (a request handler,
    /// `/health`) need a prompt `unavailable` instead.
    static let defaultAcquireTimeout = Duration.seconds(5)
    /// How long an operation may run once it has its connection before its caller gets an
    /// `unavailable` (a request, well before its client gives up; the optimizer). Not for those
    /// that may rightly take long on a big table: the migration, a bulk load, a vacuum, the
    /// dashboard's aggregates.
    static let defaultRunTimeout = Duration.seconds(15)

    /// Where the store connects, without the password; every error message names it.
    public let endpoint: String
    let url: PostgresStoreURL
    let client: PostgresClient
    let logger: Logger
    let acquireTimeout: Duration
    let runTimeout: Duration
    /// The task running the pool when the store runs it itself; nil when a service group does.
    private let runner: Task<Void, Never>?
    private let isClosed = Mutex(false)
    /// At most one diagnosis of an unreachable server runs at a time (see `unreachableReason`).
    let diagnosing = Mutex(false)

    private init(
        url: PostgresStoreURL, client: PostgresClient, logger: Logger, acquireTimeout: Duration, runTimeout: Duration = defaultRunTimeout,
        runner: Task<Void, Never>?
    ) {
        self.endpoint = url.description
        self.url = url
        self.client = client
        self.logger = logger
        self.acquireTimeout = acquireTimeout
        self.runTimeout = runTimeout
        self.runner = runner
    }

    /// Parses `url` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`),
    /// runs the connection pool in a task of its own and checks that the server answers. Does not
    /// migrate: call `migrate()` next. A server that cannot be reached is a `StoreError(.unavailable)`.
    public static func open(url: String, logger: Logger) async throws -> PostgresStore {
        try await open(url: url, logger: logger, acquireTimeout: defaultAcquireTimeout)
    }

    static func open(
        url: String, logger: Logger, acquireTimeout: Duration, runTimeout: Duration = defaultRunTimeout
    ) async throws -> PostgresStore {
        let parsed = try PostgresStoreURL(parsing: url)
        let client = PostgresClient(configuration: parsed.clientConfiguration(), backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresStore(
            url: parsed, client: client, logger: logger, acquireTimeout: acquireTimeout, runTimeout: runTimeout, runner: runner
        )
        do {
            try await store.waitUntilReachable()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// Parses `url` and makes the store without running its pool: the caller's service group runs
    /// `pool`, and `waitUntilReachable()` then says whether the server answers. Nothing is
    /// connected until the pool runs.
    public static func unstarted(url: String, logger: Logger) throws -> PostgresStore {
        let parsed = try PostgresStoreURL(parsing: url)
        let client = PostgresClient(configuration: parsed.clientConfiguration(), backgroundLogger: logger)
        return PostgresStore(url: parsed, client: client, logger: logger, acquireTimeout: defaultAcquireTimeout, runner: nil)
    }

    /// The connection pool, for the service group of a store made with `unstarted`.
    public var pool: any Service { client }

    /// Returns once the server answers through the pool; a `StoreError(.unavailable)` naming the
    /// endpoint when it does not.
    public func waitUntilReachable() async throws {
        // The pool's first connections (TCP, then SCRAM) can take longer than a request may
        // wait when the machine is busy starting several things at once. A server that answers
        // a connection of our own gets a few more waits; one that refuses fails at the first.
        var waits = 0
        while true {
            do {
                try await ping()
                break
            } catch let error as StoreError where error.kind == .unavailable && waits < 3 {
                guard await serverAnswers() else { throw error }
                waits += 1
                logger.notice("PostgreSQL answers but the pool has no connection yet; waiting again", metadata: ["store.endpoint": "\(url)"])
            }
        }
        logger.debug("Opened PostgreSQL store", metadata: ["store.endpoint": "\(url)"])
    }

    public func ping() async throws {
        try await read("checking the database") { connection, logger in
            _ = try await connection.query("SELECT 1", logger: logger)
        }
    }

    public func close() async throws {
        let alreadyClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        // A service group stops a pool it runs; a pool this store runs stops here.
        guard !alreadyClosed, let runner else { return }
        // Cancelling run() closes the pool and its connections; waiting makes close() final.
        runner.cancel()
        await runner.value
        logger.debug("Closed PostgreSQL store", metadata: ["store.endpoint": "\(endpoint)"])
    }

    // MARK: running statements

    /// Runs `body` in one transaction on one pooled connection: committed when it returns, rolled
    /// back when it throws. Errors thrown by `body` (e.g. a `StoreError`) come out unchanged.
    /// `operation` completes "... failed while ___".
    func write<T: Sendable>(
        _ operation: String, bounded: Bool = true,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try await read(operation, bounded: bounded) { connection, logger in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection, logger)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                // A broken connection cannot roll back; the server does so when it drops.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` on one pooled connection outside a transaction (each statement commits alone).
    /// `bounded`: the operation may run for `runTimeout` at most (see `defaultRunTimeout`).
    func read<T: Sendable>(
        _ operation: String, bounded: Bool = true,
        _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T
    ) async throws -> T {
        try checkOpen()
        do {
            return try await PoolLease<T>.run(on: client, logger: logger, timeout: acquireTimeout, runTimeout: bounded ? runTimeout : nil, body)
        } catch is PoolLease<T>.Overran {
            logger.warning("PostgreSQL did not answer in time", metadata: ["store.endpoint": "\(endpoint)", "store.operation": "\(operation)"])
            throw StoreError(
                .unavailable,
                "PostgreSQL \(endpoint) did not answer within \(runTimeout) while \(operation)"
            )
        } catch is PoolLease<T>.Timeout {
            throw StoreError(
                .unavailable,
                "PostgreSQL \(endpoint) is unreachable while \(operation): \(await unreachableReason())"
            )
        } catch {
            throw await storeError(error, while: operation)
        }
    }

    private func checkOpen() throws {
        if isClosed.withLock({ $0 }) {
            throw StoreError(.unavailable, "PostgreSQL store \(endpoint) is closed")
        }
    }
}
