import PostgresNIO
import SelfHealCore

extension PostgresStore {
    /// Applies the steps of `PostgresMigrations.all` the database lacks, all in one transaction
    /// that first takes a transaction-scoped advisory lock: when several processes start at
    /// once, the others wait for the first to commit, then find every step recorded and apply
    /// nothing. A failing step rolls the whole migration back.
    public func migrate() async throws {
        try await migrate(to: PostgresMigrations.all)
    }

    func migrate(to steps: [PostgresMigration]) async throws {
        let applied = try await write("migrating the schema", bounded: false) { connection, logger in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: PostgresMigrations.bookkeeping), logger: logger)
            var done = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(Int64.self)
            {
                done.insert(Int(version))
            }
            var applied: [PostgresMigration] = []
            for step in steps where !done.contains(step.version) {
                for statement in step.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(Int64(step.version)), \(step.name))",
                    logger: logger
                )
                applied.append(step)
            }
            return (applied.map { ($0.version, $0.name) }, done.max() ?? 0)
        }
        for (version, name) in applied.0 {
            logger.info(
                "Applied schema migration",
                metadata: ["store.endpoint": "\(endpoint)", "migration.version": "\(version)", "migration.name": "\(name)"]
            )
        }
        if let known = steps.last?.version, applied.1 > known {
            // A newer build migrated this database. Tables only grow, so this build keeps working.
            logger.warning(
                "Database schema is newer than this build",
                metadata: ["store.endpoint": "\(endpoint)", "schema.version": "\(applied.1)", "schema.known": "\(known)"]
            )
        }
    }

    /// The versions recorded in `schema_migrations`, oldest first.
    func appliedMigrations() async throws -> [Int] {
        try await read("reading schema_migrations") { connection, logger in
            var versions: [Int] = []
            for try await version in try await connection.query(
                "SELECT version FROM schema_migrations ORDER BY version", logger: logger
            ).decode(Int64.self) {
                versions.append(Int(version))
            }
            return versions
        }
    }
}
