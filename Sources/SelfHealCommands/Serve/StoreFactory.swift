import Logging
import SelfHealCore
import SelfHealPostgres
import SelfHealStore
import ServiceLifecycle

/// Opens the store named by `SELFHEAL_DATABASE_URL`.
enum StoreFactory {
    /// Who runs a PostgreSQL store's connection pool.
    enum Pool {
        /// The store, in a task of its own: for a command that runs once and has no service group.
        case ownTask
        /// The serving role's service group, like every other service (`ServedStore.pool`).
        case serviceGroup
    }

    /// A store made for `pool`, not yet known to be reachable, migrated or seeded.
    struct Opened: Sendable {
        let store: any Store
        /// The service the role's group must run before the store answers; nil when nothing
        /// needs running (SQLite, or a pool the store runs itself).
        let pool: (any Service)?
        /// Returns once the database answers; throws naming it when it does not.
        let waitUntilReachable: @Sendable () async throws -> Void
    }

    static func open(url: String, logger: Logger) async throws -> any Store {
        let opened = try await open(url: url, pool: .ownTask, logger: logger)
        try await opened.waitUntilReachable()
        return opened.store
    }

    static func open(url: String, pool: Pool, logger: Logger) async throws -> Opened {
        switch try parse(url) {
        case .sqlite(let path):
            return Opened(store: try await SQLiteStore.open(path: path, logger: logger), pool: nil, waitUntilReachable: {})
        case .postgres(let url) where pool == .ownTask:
            let store = try await PostgresStore.open(url: url, logger: logger)
            return Opened(store: store, pool: nil, waitUntilReachable: {})
        case .postgres(let url):
            let store = try PostgresStore.unstarted(url: url, logger: logger)
            return Opened(store: store, pool: store.pool, waitUntilReachable: { try await store.waitUntilReachable() })
        }
    }

    /// The URL as it may be shown: a PostgreSQL password replaced by `***`.
    static func shown(_ url: String) -> String {
        (try? StoreURL.parse(url)).map(String.init(describing:)) ?? "the configured database"
    }

    private static func parse(_ url: String) throws -> StoreURL {
        do {
            return try StoreURL.parse(url)
        } catch {
            throw UsageError("--database: \(error)")
        }
    }
}
