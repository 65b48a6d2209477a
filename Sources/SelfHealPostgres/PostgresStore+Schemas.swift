import PostgresNIO
import SelfHealCore

extension PostgresStore {
    /// Creates a schema, so tests (or several deployments) can share one database without
    /// sharing tables; pair with `search_path` in the URL. Identifiers cannot be bound as
    /// parameters, so only plain lowercase names are accepted.
    func createSchema(named name: String) async throws {
        try Self.checkSchemaName(name)
        try await read("creating schema \(name)") { db, logger in
            _ = try await db.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(name)"), logger: logger)
        }
    }

    func dropSchema(named name: String) async throws {
        try Self.checkSchemaName(name)
        try await read("dropping schema \(name)") { db, logger in
            _ = try await db.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(name) CASCADE"), logger: logger)
        }
    }

    private static func checkSchemaName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard allowed, let first = name.utf8.first, !(0x30...0x39).contains(first), name.utf8.count <= 63 else {
            throw StoreError(.invalid, "schema name \"\(name)\" must be lowercase letters, digits and _, not starting with a digit")
        }
    }
}
