import SelfHealCore
import Testing

/// The store contract against PostgreSQL: each check gets a fresh schema in the test database.
/// Serialized: each store pools up to 20 connections, and the server allows 100 by default.
@Suite(
    "PostgreSQL store contract", .serialized,
    .enabled(if: PostgresTestEnvironment.enabled, PostgresTestEnvironment.skipReason)
)
struct PostgresStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreCheck) async throws {
        try await PostgresHarness.run(check.run)
    }
}
