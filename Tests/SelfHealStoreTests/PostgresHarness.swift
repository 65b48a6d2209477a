import Foundation
import Logging
import SelfHealCore
import Testing

@testable import SelfHealPostgres

/// Where the PostgreSQL tests connect: `SELFHEAL_TEST_DATABASE_URL` (`make test` sets it from
/// scripts/test-postgres.sh). Unset, the suites are skipped with a message, except under CI
/// (`CI` set), where they run and fail: CI must never pass without testing PostgreSQL.
enum PostgresTestEnvironment {
    static let url: String? = ProcessInfo.processInfo.environment["SELFHEAL_TEST_DATABASE_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false
    static let enabled = url != nil || isCI
    static let skipReason: Comment =
        "SELFHEAL_TEST_DATABASE_URL is not set: PostgreSQL store tests skipped (run scripts/test-postgres.sh, or `make test`)"

    static func requireURL() throws -> String {
        guard let url else {
            throw StoreError(
                .unavailable,
                "CI is set but SELFHEAL_TEST_DATABASE_URL is not: the PostgreSQL store tests must run in CI (scripts/test-postgres.sh provides a database)"
            )
        }
        return url
    }

    /// `url` with its tables in `schema`.
    static func url(_ base: String, schema: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "search_path=\(schema)"
    }
}

/// Builds a `StoreHarness` on a schema of its own in the test database, dropped afterwards, and
/// closes every store it handed out.
enum PostgresHarness {
    /// Silent, unless `SELFHEAL_TEST_LOG` is set (e.g. `debug`) to watch the pool at work.
    static let logger: Logger = {
        guard let level = ProcessInfo.processInfo.environment["SELFHEAL_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) else {
            return Logger(label: "selfheal.store.test") { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: "selfheal.store.test") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }()

    static func run(_ body: (StoreHarness) async throws -> Void) async throws {
        try await withSchema { url in
            let opened = OpenedStores()
            let store = try await PostgresStore.open(url: url, logger: logger)
            opened.add(store)
            let harness = StoreHarness(store: store) {
                let another = try await PostgresStore.open(url: url, logger: logger)
                opened.add(another)
                return another
            }
            do {
                try await store.migrate()
                try await body(harness)
            } catch {
                await opened.closeAll()
                throw error
            }
            await opened.closeAll()
        }
    }

    /// Runs `body` with the URL of a fresh, empty schema.
    static func withSchema(_ body: (String) async throws -> Void) async throws {
        let base = try PostgresTestEnvironment.requireURL()
        let schema = "selfheal_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try await PostgresStore.open(url: base, logger: logger)
        do {
            try await admin.createSchema(named: schema)
            try await body(PostgresTestEnvironment.url(base, schema: schema))
        } catch {
            try? await admin.dropSchema(named: schema)
            try? await admin.close()
            throw error
        }
        try await admin.dropSchema(named: schema)
        try await admin.close()
    }
}
