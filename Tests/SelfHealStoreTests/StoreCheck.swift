import SelfHealCore
import Testing

/// What a contract check is given: a fresh, migrated, empty store, and a way to open another
/// independent handle on the same database, as a second process would (not yet migrated).
/// The suite that builds the harness closes every store it handed out.
struct StoreHarness: Sendable {
    let store: any Store
    let openAnother: @Sendable () async throws -> any Store
}

/// One behaviour every `Store` implementation must show. SQLite and PostgreSQL suites run the
/// same list (`StoreContract.checks`) with their own harness.
struct StoreCheck: Sendable, CustomTestStringConvertible {
    let name: String
    let run: @Sendable (StoreHarness) async throws -> Void

    init(_ name: String, _ run: @escaping @Sendable (StoreHarness) async throws -> Void) {
        self.name = name
        self.run = run
    }

    var testDescription: String { name }
}
