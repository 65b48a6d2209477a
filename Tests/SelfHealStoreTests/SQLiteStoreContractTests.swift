import Foundation
import Logging
import SelfHealCore
import SelfHealStore
import SelfHealTestSupport
import Synchronization
import Testing

/// The store contract against SQLite: each check gets a fresh, migrated file in its own directory.
@Suite("SQLite store contract")
struct SQLiteStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreCheck) async throws {
        try await SQLiteHarness.run(check.run)
    }
}

/// Builds a `StoreHarness` on a temporary SQLite file and closes every store it handed out.
enum SQLiteHarness {
    static let logger = Logger(label: "selfheal.store.test") { _ in SwiftLogNoOpLogHandler() }

    static func run(_ body: (StoreHarness) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("selfheal.db")
        let opened = OpenedStores()

        let store = try await SQLiteStore.open(path: path, logger: logger)
        opened.add(store)
        let harness = StoreHarness(store: store) {
            let another = try await SQLiteStore.open(path: path, logger: logger)
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

/// Every store a harness opened, so all are closed however a check ends.
final class OpenedStores: Sendable {
    private let stores = Mutex<[any Store]>([])

    func add(_ store: any Store) {
        stores.withLock { $0.append(store) }
    }

    func closeAll() async {
        for store in stores.withLock({ $0 }) {
            try? await store.close()
        }
    }
}
