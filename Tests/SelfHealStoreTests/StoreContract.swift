import Foundation
import SelfHealCore
import Testing

/// The store contract. A new implementation passes when every check passes against it.
///
/// To run it against another implementation, build a `StoreHarness` (a fresh, migrated, empty
/// database per check; `openAnother` opening a second handle on it) and write
///
///     @Test(arguments: StoreContract.checks)
///     func contract(_ check: StoreCheck) async throws {
///         try await PostgresHarness.run(check.run)   // as SQLiteHarness does
///     }
enum StoreContract {
    static let checks: [StoreCheck] = lifecycleChecks + promptChecks + rollbackChecks + logChecks + optimizerRunChecks
        + optimizerLeaseChecks + statsChecks

    // MARK: helpers shared by the checks

    /// Runs `body`, expects it to throw a `StoreError` of `kind`, and returns the error for
    /// checks on its message.
    @discardableResult
    static func expectStoreError<T>(
        _ kind: StoreError.Kind,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> T
    ) async -> StoreError? {
        do {
            let value = try await body()
            Issue.record("expected a \(kind) StoreError, got \(value)", sourceLocation: sourceLocation)
            return nil
        } catch let error as StoreError {
            #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected a \(kind) StoreError, got \(String(reflecting: error))", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Stores keep dates to at least the millisecond (PostgreSQL: microseconds; SQLite: a
    /// Double of Unix seconds), not bit for bit.
    static func expectSameInstant(
        _ got: Date, _ want: Date, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(abs(got.timeIntervalSince(want)) < 0.001, "\(got) != \(want)", sourceLocation: sourceLocation)
    }

    /// Every field equal, the date to the millisecond, the id as assigned by the store.
    static func expectSameLog(
        _ got: ExecutionLog?, _ want: ExecutionLog, id: Int64, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard var got else {
            Issue.record("log \(id) not found", sourceLocation: sourceLocation)
            return
        }
        expectSameInstant(got.createdAt, want.createdAt, sourceLocation: sourceLocation)
        got.createdAt = want.createdAt
        var want = want
        want.id = id
        #expect(got == want, sourceLocation: sourceLocation)
    }

    static func seed(_ taskType: String, _ text: String = "You write Python.") -> NewPrompt {
        NewPrompt(taskType: taskType, text: text, status: .active, author: .seed, reason: "seed")
    }

    /// Writes versions 1...count of `taskType`, each activated in turn.
    static func activeLineage(_ store: any Store, _ taskType: String, count: Int) async throws -> [PromptVersion] {
        var versions: [PromptVersion] = []
        for number in 1...count {
            versions.append(try await store.createPrompt(
                NewPrompt(taskType: taskType, text: "prompt \(number)", status: .active, author: .operator, reason: "v\(number)")
            ))
        }
        return versions
    }

    static func activeVersions(_ store: any Store, _ taskType: String) async throws -> [PromptVersion] {
        try await store.prompts(taskType: taskType).filter { $0.status == .active }
    }
}
