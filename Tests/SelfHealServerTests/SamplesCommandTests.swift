import Foundation
@testable import SelfHealCommands
import SelfHealServer
import SelfHealTestSupport
import Testing

/// `selfheal samples` as a user runs it: the built binary against a real `--role all`.
@Suite("selfheal samples", .serialized)
struct SamplesCommandTests {
    let samplesDirectory = repositoryRoot.appendingPathComponent("samples").path

    @Test("the easy samples pass against the simulated LLM; the table and the JSON file say so")
    func easyCategoryReport() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let role = try await roles.start(testConfig(.all, database: database))
            let output = database.directory.appendingPathComponent("results.json").path
            let run = try await runSelfheal([
                "samples", "--url", "http://127.0.0.1:\(role.port)", "--categories", "easy", "--samples", samplesDirectory, "--output", output,
            ])
            await role.shutdown()
            #expect(run.code == 0, "stderr: \(run.stderr)")

            let easy = try SampleSuite.load(file: samplesDirectory + "/easy.json", category: "easy")
            // stdout is only the table: a header, a rule, one row per category, a rule, the total.
            let lines = run.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "\(run.stdout)")
            #expect(lines.first?.hasPrefix("category") == true)
            let easyRow = try #require(lines.first { $0.hasPrefix("easy ") }).split(separator: " ").map(String.init)
            #expect(easyRow[1] == "\(easy.count)")
            #expect(Int(easyRow[2]) ?? 0 >= easy.count * 9 / 10, "easy should pass at 90 % or more: \(lines)")
            #expect(lines.last?.hasPrefix("total") == true)
            // Progress goes to stderr, one line per request when stderr is not a terminal.
            #expect(run.stderr.split(separator: "\n").filter { $0.contains("] easy #") }.count == easy.count)

            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
            let results = try #require(report["results"] as? [[String: Any]])
            #expect(results.count == easy.count)
            for (index, result) in results.enumerated() {
                // Every row has every key; empty ones are null rather than missing.
                #expect(Set(result.keys) == ["category", "index", "user_input", "status_code", "passed", "final_score", "latency_ms", "error", "request_id"])
                #expect(result["error"] is NSNull)
                #expect(result["category"] as? String == "easy")
                #expect(result["index"] as? Int == index)
                #expect(result["status_code"] as? Int == 200)
                #expect((result["latency_ms"] as? Double ?? 0) > 0)
                #expect(result["final_score"] is Double)
                #expect((result["user_input"] as? String).map { easy[index].userInput.hasPrefix($0.replacingOccurrences(of: "…", with: "")) } == true)
            }
            let passed = results.filter { $0["passed"] as? Bool == true }.count
            let total = try #require(report["total"] as? [String: Any])
            #expect(total["passed"] as? Int == passed)
            #expect(total["requests"] as? Int == easy.count)
            // The server saw exactly these requests.
            #expect(easyRow[2] == "\(passed)")
        }
    }

    @Test("an HTTP error answer is an error row, not a transport error: the run completes")
    func httpErrorsAreRows() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoles { roles in
            let role = try await roles.start(testConfig(.all, database: database))
            let folder = database.directory.appendingPathComponent("samples")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let samples: [[String: Any]] = [
                ["user_input": "   ", "task_type": "code_generation"],
                ["user_input": "Write a factorial function", "task_type": "no_such_type"],
                ["user_input": "Write a factorial function"],
            ]
            try JSONSerialization.data(withJSONObject: samples).write(to: folder.appendingPathComponent("mixed.json"))
            let suite = try SampleSuite.load(directory: folder.path, categories: ["mixed"])
            let report = try await SampleRunner(baseURL: "http://127.0.0.1:\(role.port)", concurrency: 2).run(suite, order: ["mixed"])
            await role.shutdown()

            #expect(report.stoppedEarly == nil)
            #expect(report.transportErrors == 0)
            #expect(report.results.map(\.statusCode) == [422, 422, 200])
            #expect(report.results[0].error?.contains("user_input") == true)
            #expect(report.results[1].error?.contains("no_such_type") == true)
            #expect(report.total.errors == 2)
            #expect(report.total.requests == 3)
            #expect(report.table().contains("mixed"))
        }
    }

    @Test("against a manager with client keys: --api-key is sent; without it every answer is a 401 and the run fails")
    func clientKeys() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        var config = testConfig(.all, database: database)
        config.security = SecuritySettings(apiKeys: ["sample-key"], adminToken: "a", serviceToken: "s", rateLimitPerMinute: 0, maxConcurrentRequests: 10)
        try await withRoles { roles in
            let role = try await roles.start(config)
            let common = ["samples", "--url", "http://127.0.0.1:\(role.port)", "--categories", "easy", "--samples", samplesDirectory]
            let withKey = try await runSelfheal(common + ["--api-key", "sample-key"])
            let withoutKey = try await runSelfheal(common, environment: ["SELFHEAL_API_KEY": ""])
            await role.shutdown()

            #expect(withKey.code == 0, "\(withKey.stderr)")
            #expect(withoutKey.code != 0)
            let lastLine = withoutKey.stderr.split(separator: "\n").last.map(String.init) ?? ""
            #expect(lastLine.hasPrefix("selfheal: no request was answered with an evaluation"))
            #expect(lastLine.contains("401"))
            // The table still shows what happened.
            #expect(withoutKey.stdout.contains("easy"))
        }
    }

    @Test("a manager that stops answering mid-run: sending stops and the run reports a transport error")
    func stopsOnTransportError() async throws {
        // Answers the first request, then never again: a server that hung after a while.
        let server = try await FakeLLMServer.start { call in
            call.index == 0 ? .init(body: #"{"request_id": "r1", "evaluation": {"passed": true, "final_score": 0.9}}"#) : .hang
        }
        let suite = try SampleSuite.load(directory: samplesDirectory, categories: ["easy"])
        let report = try await SampleRunner(baseURL: server.baseURL, concurrency: 1, timeoutSeconds: 5).run(suite, order: ["easy"])
        await server.stop()

        #expect(report.results.count == 2)
        #expect(report.results.first?.passed == true && report.results.first?.finalScore == 0.9)
        #expect(report.results.last?.isTransportError == true)
        #expect(report.results.last?.error == "no answer within the timeout")
        #expect(report.transportErrors == 1)
        #expect(report.stoppedEarly?.contains("\(suite.samples.count - 2) sample(s) not sent or not answered") == true)
    }

    @Test("an unreachable manager exits non-zero with one clear line")
    func unreachableURL() async throws {
        let refusing = try RefusingPort()
        defer { refusing.close() }
        let port = refusing.port
        let run = try await runSelfheal(["samples", "--url", "http://127.0.0.1:\(port)", "--categories", "easy", "--samples", samplesDirectory])
        #expect(run.code != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(lines.first?.contains("cannot reach the manager at http://127.0.0.1:\(port)") == true)
        #expect(lines.first?.contains("connection refused") == true)
        #expect(run.stdout.isEmpty)
    }

    @Test("wrong arguments and broken sample files are one line naming the problem", arguments: [
        (["--categories", "nonsense"], "--categories: no samples for 'nonsense'"),
        (["--concurrency", "0"], "--concurrency"),
        (["--url", "ftp://example.com"], "--url"),
        (["--samples", "/nonexistent"], "--samples"),
    ])
    func usageErrors(arguments: [String], message: String) async throws {
        var full = ["samples", "--url", "http://127.0.0.1:\(try closedPort())"] + arguments
        if !arguments.contains("--samples") { full += ["--samples", samplesDirectory] }
        let run = try await runSelfheal(full)
        #expect(run.code != 0)
        #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }

    @Test("every shipped sample file loads, with the fields of POST /api/v1/request")
    func shippedSamplesLoad() throws {
        for category in SampleSuite.standardCategories {
            let samples = try SampleSuite.load(file: "\(samplesDirectory)/\(category).json", category: category)
            #expect(samples.count >= 8, "\(category) has \(samples.count) samples")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("samples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let typo = folder.appendingPathComponent("typo.json")
        try Data(#"[{"user_input": "x", "entrypoint": "f"}]"#.utf8).write(to: typo)
        #expect(throws: UsageError.self) { try SampleSuite.load(file: typo.path, category: "typo") }
        do {
            _ = try SampleSuite.load(file: typo.path, category: "typo")
        } catch {
            #expect("\(error)".contains("unknown field 'entrypoint'"))
        }
    }
}
