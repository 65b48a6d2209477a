import Foundation
import Logging
import PostgresNIO
import SelfHealCore
import Synchronization

/// The store on PostgreSQL, shared by every role of a split deployment.
///
/// One pooled `PostgresClient` serves all operations; its `run()` is driven by a task this store
/// owns, started in `open` and cancelled in `close()`. After the server restarts, the pool opens
/// fresh connections by itself: the first query after an outage may fail as `unavailable`, the
/// next ones work. Values are always bound as parameters (PostgresQuery interpolation), never
/// spliced into SQL.
///
/// Call `migrate()` before first use and `close()` when done.
public final class PostgresStore: Store {
    /// Where the store connects, without the password; every error message names it.
    public let endpoint: String
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>
    private let isClosed = Mutex(false)

    private init(endpoint: String, client: PostgresClient, logger: Logger, runner: Task<Void, Never>) {
        self.endpoint = endpoint
        self.client = client
        self.logger = logger
        self.runner = runner
    }

    /// Parses `url` (`postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`),
    /// starts the connection pool and checks that the server answers. Does not migrate: call
    /// `migrate()` next. A server that cannot be reached is a `StoreError(.unavailable)`.
    public static func open(url: String, logger: Logger) async throws -> PostgresStore {
        let parsed = try PostgresStoreURL(parsing: url)
        let client = PostgresClient(configuration: parsed.clientConfiguration(), backgroundLogger: logger)
        let runner = Task { await client.run() }
        let store = PostgresStore(endpoint: parsed.description, client: client, logger: logger, runner: runner)
        do {
            try await store.ping()
        } catch {
            try? await store.close()
            throw error
        }
        logger.debug("Opened PostgreSQL store", metadata: ["store.endpoint": "\(parsed)"])
        return store
    }

    public func ping() async throws {
        try await read("checking the database") { connection in
            _ = try await connection.query("SELECT 1", logger: logger)
        }
    }

    public func close() async throws {
        let alreadyClosed = isClosed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !alreadyClosed else { return }
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
        _ operation: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen()
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    // A broken connection cannot roll back; the server does so when it drops.
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw storeError(error, while: operation)
        }
    }

    /// Runs `body` on one pooled connection outside a transaction (each statement commits alone).
    func read<T: Sendable>(
        _ operation: String, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try checkOpen()
        do {
            return try await client.withConnection { connection in
                try await body(connection)
            }
        } catch {
            throw storeError(error, while: operation)
        }
    }

    private func checkOpen() throws {
        if isClosed.withLock({ $0 }) {
            throw StoreError(.unavailable, "PostgreSQL store \(endpoint) is closed")
        }
    }
}
