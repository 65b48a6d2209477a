import Logging
import SelfHealCore
import SelfHealPostgres
import SelfHealStore

/// Opens the store named by `SELFHEAL_DATABASE_URL`.
enum StoreFactory {
    static func open(url: String, logger: Logger) async throws -> any Store {
        let parsed: StoreURL
        do {
            parsed = try StoreURL.parse(url)
        } catch {
            throw UsageError("--database: \(error)")
        }
        switch parsed {
        case .sqlite(let path):
            return try await SQLiteStore.open(path: path, logger: logger)
        case .postgres(let url):
            return try await PostgresStore.open(url: url, logger: logger)
        }
    }
}
