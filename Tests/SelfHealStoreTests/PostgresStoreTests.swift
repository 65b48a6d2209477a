import Foundation
import Logging
import PostgresNIO
import SelfHealCore
import Testing

@testable import SelfHealPostgres

/// What only the PostgreSQL store does: its URL, its migrations lock, its behaviour when the
/// server is unreachable.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    let logger = PostgresHarness.logger

    @Test func urlPartsAreParsedAndThePasswordIsNeverShown() throws {
        let url = try PostgresStoreURL(parsing: "postgres://app:s3cr%40t@db.internal:6543/selfheal?sslmode=require")
        #expect(url.username == "app")
        #expect(url.password == "s3cr@t")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "selfheal")
        #expect(url.sslMode == .require)
        #expect(url.description == "postgres://app@db.internal:6543/selfheal")
        #expect(!url.description.contains("s3cr"))

        let defaults = try PostgresStoreURL(parsing: "postgresql://app@localhost")
        #expect(defaults.port == 5432)
        #expect(defaults.database == "app")
        #expect(defaults.sslMode == .prefer)
        #expect(defaults.password == nil)

        let schema = try PostgresStoreURL(parsing: "postgres://a:b@h/d?sslmode=disable&search_path=tenant_1")
        #expect(schema.sslMode == .disable)
        #expect(schema.searchPath == "tenant_1")
    }

    @Test(arguments: [
        "postgres://:pw@host/db", "mysql://u:topsecret@host/db", "postgres://u:topsecret@host/db?sslmode=maybe",
        "postgres://u:topsecret@host/db?pool=3",
    ])
    func badURLsAreInvalidWithoutEchoingThePassword(_ text: String) async throws {
        let error = await StoreContract.expectStoreError(.invalid) { try PostgresStoreURL(parsing: text) }
        #expect(error?.message.contains("topsecret") == false)
    }

    @Test func anUnreachableServerIsUnavailableWithAClearMessage() async throws {
        // Nothing listens on port 1.
        let started = ContinuousClock.now
        let error = await StoreContract.expectStoreError(.unavailable) {
            try await PostgresStore.open(url: "postgres://selfheal:topsecret@127.0.0.1:1/selfheal?sslmode=disable", logger: logger)
        }
        let message = try #require(error?.message)
        #expect(message.contains("127.0.0.1:1"), "\(message)")
        #expect(message.localizedCaseInsensitiveContains("refused"), "\(message)")
        #expect(!message.contains("topsecret"))
        // A hang guard, not a speed target: the pool lease gives up after 5 s, and a busy
        // machine must not turn that into a failure.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test(.enabled(if: PostgresTestEnvironment.enabled, PostgresTestEnvironment.skipReason))
    func twoStoresMigratingAFreshSchemaAtOnceBothSucceedAndRecordEachStepOnce() async throws {
        try await PostgresHarness.withSchema { url in
            let first = try await PostgresStore.open(url: url, logger: logger)
            let second = try await PostgresStore.open(url: url, logger: logger)
            var failure: (any Error)?
            do {
                async let a: Void = first.migrate()
                async let b: Void = second.migrate()
                _ = try await (a, b)
                #expect(try await first.appliedMigrations() == PostgresMigrations.all.map(\.version))
                // Both see one schema: a write through one is read through the other.
                let id = try await first.appendLog(StoreContract.fullLog())
                StoreContract.expectSameLog(try await second.log(id: id), StoreContract.fullLog(), id: id)
            } catch {
                failure = error
            }
            try await first.close()
            try await second.close()
            if let failure { throw failure }
        }
    }

    /// A statement that never answers (here one that sleeps; in the wild, a query on a connection
    /// whose server went away under a restart) is `unavailable` to its caller once the bound has
    /// passed, naming what it was doing; the store goes on serving. The migration, a bulk load
    /// and a vacuum are not bounded.
    @Test(.enabled(if: PostgresTestEnvironment.enabled, PostgresTestEnvironment.skipReason), .timeLimit(.minutes(1)))
    func anOperationThatDoesNotAnswerInTimeIsUnavailableAndTheStoreGoesOn() async throws {
        try await PostgresHarness.withSchema { url in
            let store = try await PostgresStore.open(url: url, logger: logger, acquireTimeout: .seconds(5), runTimeout: .milliseconds(500))
            do {
                try await store.migrate()
                let error = await StoreContract.expectStoreError(.unavailable) {
                    try await store.read("sleeping") { db, logger in _ = try await db.query("SELECT pg_sleep(5)", logger: logger) }
                }
                let message = try #require(error?.message)
                #expect(message.contains("did not answer within") && message.contains("while sleeping"), "\(message)")
                try await store.read("sleeping a little, unbounded", bounded: false) { db, logger in
                    _ = try await db.query("SELECT pg_sleep(1)", logger: logger)
                }
                let id = try await store.appendLog(StoreContract.fullLog())
                StoreContract.expectSameLog(try await store.log(id: id), StoreContract.fullLog(), id: id)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
        }
    }

    @Test(.enabled(if: PostgresTestEnvironment.enabled, PostgresTestEnvironment.skipReason))
    func aSchemaThatWasNeverMigratedSaysSo() async throws {
        try await PostgresHarness.withSchema { url in
            let store = try await PostgresStore.open(url: url, logger: logger)
            let error = await StoreContract.expectStoreError(.unavailable) { try await store.activePrompt(taskType: "code_generation") }
            #expect(error?.message.contains("migrate()") == true, "\(error?.message ?? "")")
            try await store.close()
        }
    }
}
