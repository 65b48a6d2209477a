import Foundation
import SelfHealTestSupport
import Synchronization
import Testing

/// The built `selfheal` executable, as a user runs it.
let selfhealBinary = repositoryRoot.appendingPathComponent(".build/debug/selfheal").path

/// Runs the binary to completion and returns its exit code and output.
func runSelfheal(_ arguments: [String], environment: [String: String] = [:]) async throws -> (code: Int32, stdout: String, stderr: String) {
    let run = try await runProgram(
        selfhealBinary, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
    )
    return (run.exitCode, run.stdoutText, run.stderrText)
}

@Suite("The command line", .serialized)
struct CommandLineTests {
    @Test("a wrong flag value exits non-zero with one line naming the flag", arguments: [
        (["--role", "bogus"], "--role"),
        (["--role", "all", "--port", "99999"], "--port"),
        (["--role", "all", "--log-level", "loud"], "--log-level"),
        (["--role", "manager", "--worker-url", "ftp://x"], "--worker-url"),
        (["--role", "all", "--host", "0.0.0.0"], "--insecure"),
        (["--role", "all", "--database", "mysql://x"], "--database"),
        (["--no-such-flag"], "--no-such-flag"),
    ])
    func badFlags(arguments: [String], named: String) async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let result = try await runSelfheal(arguments, environment: ["SELFHEAL_DATABASE_URL": database.url, "SELFHEAL_RULES_DIR": shippedRules])
        #expect(result.code != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(lines.first?.contains(named) == true, "stderr: \(result.stderr)")
    }

    @Test("a database that cannot be reached at start: exit non-zero, the last line names it without its password", .timeLimit(.minutes(1)))
    func unreachableDatabase() async throws {
        let result = try await runSelfheal(
            ["--role", "all", "--port", "0", "--database", "postgres://selfheal:s3cret@127.0.0.1:1/nothing"],
            environment: ["SELFHEAL_RULES_DIR": shippedRules]
        )
        #expect(result.code != 0)
        // The log lines before it (JSON, on stderr) say what was loaded and each refused connection.
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("selfheal: cannot prepare the store at postgres://selfheal:***@127.0.0.1:1/nothing: "), "stderr: \(result.stderr)")
        #expect(last.contains("unreachable"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
    }

    @Test("an environment variable stands in for its flag")
    func environmentFallback() async throws {
        let result = try await runSelfheal([], environment: ["SELFHEAL_ROLE": "nonsense"])
        #expect(result.code != 0)
        #expect(result.stderr.contains("--role: 'nonsense'"))
    }

    @Test("--help names every option and its environment variable")
    func help() async throws {
        let result = try await runSelfheal(["serve", "--help"])
        #expect(result.code == 0)
        for name in ["--role", "--host", "--port", "--database", "--rules", "--plugins", "--worker-url", "--evaluator-url",
                     "SELFHEAL_DATABASE_URL", "WORKER_URL", "EVALUATOR_URL", "--insecure"] {
            #expect(result.stdout.contains(name), "missing \(name)")
        }
        let root = try await runSelfheal(["--help"])
        #expect(root.code == 0)
        #expect(root.stdout.contains("rules") && root.stdout.contains("bench"))
    }

    @Test("the binary serves, exports metrics, logs JSON lines, and stops cleanly on SIGTERM")
    func servesAndStops() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let port = try closedPort()
        let err = try SpawnedProgram.pipe()
        let collected = Mutex(Data())
        err.read.readabilityHandler = { handle in
            let chunk = handle.availableData
            collected.withLock { $0.append(chunk) }
        }
        let process: SpawnedProgram
        do {
            defer { close(err.write) }
            process = try SpawnedProgram(
                selfhealBinary, ["--role", "all", "--port", "\(port)", "--database", database.url, "--rules", shippedRules], stderr: err.write
            )
        }
        defer { process.terminate() }

        // As long as any started binary is given (waitHealthy): a debug build starting beside
        // the whole suite may take seconds.
        let healthy = await eventually(within: .seconds(60)) {
            (try? await fetch(.GET, port: port, path: "/health"))?.status == 200
        }
        #expect(healthy)
        let answer = try await fetch(port: port, path: "/api/v1/request", body: json(["user_input": "Write a factorial function"]))
        #expect(answer.status == 200)
        // A second answer and a refused body: each series counts its own requests (the
        // handles are kept per route and status; one kept under the wrong key would show here).
        #expect(try await fetch(port: port, path: "/api/v1/request", body: json(["user_input": "Write a fibonacci function"])).status == 200)
        #expect(try await fetch(port: port, path: "/api/v1/request", body: json(["user_input": ""])).status == 422)

        let metrics = String(decoding: try await fetch(.GET, port: port, path: "/metrics").body, as: UTF8.self)
        let sample = { (series: String) -> Double? in
            metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect(sample(#"selfheal_http_requests_total{role="all",route="/api/v1/request",status="200"}"#) == 2)
        #expect(sample(#"selfheal_http_requests_total{role="all",route="/api/v1/request",status="422"}"#) == 1)
        #expect(sample(#"selfheal_http_request_duration_seconds_count{role="all",route="/api/v1/request"}"#) == 3)
        let evaluations = metrics.split(separator: "\n").filter { $0.hasPrefix("selfheal_evaluations_total{") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
        #expect(evaluations == 2)
        #expect(sample(#"selfheal_prompt_active_version{task_type="code_generation"}"#) == 1)
        for name in ["selfheal_http_requests_total", "selfheal_http_request_duration_seconds", "selfheal_evaluations_total",
                     "selfheal_evaluation_score", "selfheal_prompt_active_version"] {
            #expect(metrics.contains(name), "missing metric \(name)")
        }
        #expect(metrics.contains("route=\"/api/v1/request\""))

        process.terminate()  // SIGTERM
        await process.exit()
        #expect(process.terminationStatus == 0)
        err.read.readabilityHandler = nil
        let logText = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        let lines = logText.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["msg"] != nil, "not a JSON log line: \(line)")
        }
        #expect(logText.contains("simulated"))
    }
}
