import Foundation
import SelfHealCore
import SelfHealTestSupport
import Testing

@testable import SelfHealPostgres

/// A store outlives a restart of the server. Opt-in, because it stops the server every other
/// PostgreSQL test uses: set `SELFHEAL_TEST_POSTGRES_STOP` and `SELFHEAL_TEST_POSTGRES_START` to
/// shell commands (as root on Debian: `pg_ctlcluster 15 main stop` / `... start`), and run it on
/// its own (`swift test --filter PostgresRestartTests`): other PostgreSQL suites running at the
/// same time would see the outage too and fail.
@Suite(
    "PostgreSQL restart", .serialized,
    .enabled(
        if: PostgresRestartCommands.fromEnvironment != nil && PostgresTestEnvironment.url != nil,
        "set SELFHEAL_TEST_DATABASE_URL, SELFHEAL_TEST_POSTGRES_STOP and SELFHEAL_TEST_POSTGRES_START to run"
    )
)
struct PostgresRestartTests {
    @Test func theStoreReportsTheOutageAndReconnectsAfterTheServerRestarts() async throws {
        let commands = try #require(PostgresRestartCommands.fromEnvironment)
        try await PostgresHarness.run { harness in
            let store = harness.store
            try await store.seedPrompts([StoreContract.seed("code_generation")])
            let before = try await store.appendLog(StoreContract.fullLog())

            try PostgresRestartCommands.shell(commands.stop)
            let down = ContinuousClock.now
            let error = await StoreContract.expectStoreError(.unavailable) { try await store.activePrompt(taskType: "code_generation") }
            #expect(ContinuousClock.now - down < .seconds(15))
            #expect(error?.message.contains("unreachable") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("selfheal:") == false)

            try PostgresRestartCommands.shell(commands.start)
            // The very next query after the restart works: no reopen, no retry by the caller.
            #expect(try await store.activePrompt(taskType: "code_generation")?.version == 1)
            var again = StoreContract.fullLog()
            again.idempotencyKey = "after-restart"
            let after = try await store.appendLog(again)
            #expect(after > before)
        }
    }
}

/// How the restart test stops and starts the server.
enum PostgresRestartCommands {
    static let fromEnvironment: (stop: String, start: String)? = {
        let environment = ProcessInfo.processInfo.environment
        guard let stop = environment["SELFHEAL_TEST_POSTGRES_STOP"], let start = environment["SELFHEAL_TEST_POSTGRES_START"],
            !stop.isEmpty, !start.isEmpty
        else { return nil }
        return (stop, start)
    }()

    static func shell(_ command: String) throws {
        // Only /dev/null and none of the test process's descriptors: a server the command starts
        // must not hold the runner's output open for its whole life.
        let process = try SpawnedProgram("/bin/bash", ["-c", command])
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw StoreError(.unavailable, "`\(command)` exited with \(process.terminationStatus)")
        }
    }

}
