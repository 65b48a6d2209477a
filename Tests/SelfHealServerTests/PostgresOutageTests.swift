import Foundation
import SelfHealCommands
import SelfHealServer
import SelfHealTestSupport
import Testing

/// PostgreSQL stopped under a running role: clients get "the database is unavailable", never
/// the server's user, host or port. Opt-in like the store's restart test, because it stops the
/// server every other PostgreSQL test uses: `make test` runs it on its own with
/// `SELFHEAL_TEST_POSTGRES_STOP` and `SELFHEAL_TEST_POSTGRES_START` set.
@Suite(
    "PostgreSQL outage seen by clients", .serialized, .timeLimit(.minutes(3)),
    .enabled(
        if: ProcessInfo.processInfo.environment["SELFHEAL_TEST_DATABASE_URL"] != nil
            && ProcessInfo.processInfo.environment["SELFHEAL_TEST_POSTGRES_STOP"] != nil
            && ProcessInfo.processInfo.environment["SELFHEAL_TEST_POSTGRES_START"] != nil,
        "set SELFHEAL_TEST_DATABASE_URL, SELFHEAL_TEST_POSTGRES_STOP and SELFHEAL_TEST_POSTGRES_START to run"
    )
)
struct PostgresOutageTests {
    @Test func errorBodiesNameTheDatabaseNotItsAddress() async throws {
        let environment = ProcessInfo.processInfo.environment
        let url = try #require(environment["SELFHEAL_TEST_DATABASE_URL"])
        let stop = try #require(environment["SELFHEAL_TEST_POSTGRES_STOP"]), start = try #require(environment["SELFHEAL_TEST_POSTGRES_START"])
        let parsed = try #require(URLComponents(string: url))
        // The user is named only with its "@" (forbidden anyway): alone it may be an ordinary word.
        let forbidden = [parsed.password, parsed.host, parsed.port.map { ":\($0)" }, parsed.path.split(separator: "/").first.map(String.init)].compactMap { $0 }
        let scratch = try TempDatabase()
        defer { scratch.cleanup() }
        var config = testConfig(.all, database: scratch)
        config.databaseURL = url
        try await withRoles { roles in
            let role = try await roles.start(config)
            try shell(stop)
            do {
                let answer = try await fetch(port: role.port, path: "/api/v1/request", body: json(["user_input": "Write a function that adds two numbers"]))
                #expect(answer.status == 503, "\(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
                #expect(answer.errorMessage?.contains("database") == true, "\(answer.errorMessage ?? "")")
                ErrorLeakTests.expectClean(answer, "POST /api/v1/request", also: forbidden)
                for path in ["/api/v1/prompts", "/api/v1/stats/summary", "/api/v1/stats/recent-failures", "/health"] {
                    ErrorLeakTests.expectClean(try await fetch(.GET, port: role.port, path: path), "GET \(path)", also: forbidden)
                }
            } catch {
                try? shell(start)
                await role.shutdown()
                throw error
            }
            try shell(start)
        }
    }

    /// Runs an operator's command with none of the test runner's descriptors: a server it
    /// starts must not hold the runner's output open for its whole life.
    func shell(_ command: String) throws {
        let process = try SpawnedProgram("/bin/bash", ["-c", command])
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "`\(command)` exited with \(process.terminationStatus)")
    }
}
