import Foundation
import SelfHealTestSupport
import Testing

/// One request, three processes: the manager's request id travels to the worker and the
/// evaluator (`X-Request-Id`) and is on their log lines for that request, as on the manager's.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RequestIdTests {
    @Test("one request id on the log lines of the manager, the worker and the evaluator")
    func oneIdAcrossSplitRoles() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withProcesses(in: database.directory) { running in
            let common = ["--database", database.url, "--rules", shippedRules]
            let worker = try running.start(["--role", "worker"] + common, environment: FaultTests.simulated, name: "worker")
            let evaluator = try running.start(["--role", "evaluator"] + common, environment: FaultTests.simulated, name: "evaluator")
            let manager = try running.start(
                ["--role", "manager", "--worker-url", worker.baseURL, "--evaluator-url", evaluator.baseURL] + common,
                environment: FaultTests.simulated, name: "manager")
            for process in [worker, evaluator, manager] { try await process.waitHealthy() }

            let answer = try await FaultTests.request("Write a function called `add` that adds two numbers.", port: manager.port)
            #expect(answer.status == 200)
            let id = try #require(answer.json["request_id"] as? String)
            for (name, process) in [("manager", manager), ("worker", worker), ("evaluator", evaluator)] {
                let found = await eventually(within: .seconds(30)) { Self.lines(of: process, withRequestId: id).count > 0 }
                #expect(found, "no \(name) log line names request \(id):\n\(process.logTail())")
            }
            // Each role's own line, at info: split roles each record the request.
            #expect(Self.lines(of: worker, withRequestId: id).contains { $0["msg"] as? String == "Generated" && $0["level"] as? String == "info" })
            #expect(Self.lines(of: evaluator, withRequestId: id).contains { $0["msg"] as? String == "Evaluated" && $0["level"] as? String == "info" })
            // Another request's id is not on this one's lines: the id is per request, not per process.
            let second = try await FaultTests.request("Write a function called `sub` that subtracts two numbers.", port: manager.port)
            let secondId = try #require(second.json["request_id"] as? String)
            #expect(secondId != id)
            let evaluated = await eventually(within: .seconds(30)) { Self.lines(of: evaluator, withRequestId: secondId).count > 0 }
            #expect(evaluated)
            #expect(Self.lines(of: worker, withRequestId: secondId).count == Self.lines(of: worker, withRequestId: id).count)

            // The header comes from whoever calls the evaluator: only a short id of plain
            // characters is taken; anything else is ignored, and the request still runs.
            let hostile = [#"x"},"level":"critical"#, String(repeating: "a", count: 65), "a b", "ünï", "../../etc", ""]
            for value in hostile + ["ok-id_1.2"] {
                let answer = try await fetch(port: evaluator.port, path: "/api/v1/evaluate", body: json([
                    "task_type": "code_generation", "user_input": "add", "output": "def add(a, b):\n    return a + b\n",
                ]), headers: ["X-Request-Id": value])
                #expect(answer.status == 200, "\(value): \(answer.status)")
            }
            let taken = await eventually(within: .seconds(30)) { Self.lines(of: evaluator, withRequestId: "ok-id_1.2").count > 0 }
            #expect(taken)
            for value in hostile {
                #expect(Self.lines(of: evaluator, withRequestId: value).isEmpty, "\(value) reached a log line")
            }
        }
    }

    @Test("in one process a request logs one line at info, with the worker's and the evaluator's fields; theirs at debug")
    func oneLinePerRequestInOneProcess() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withProcesses(in: database.directory) { running in
            let common = ["--role", "all", "--database", database.url, "--rules", shippedRules]
            let info = try running.start(common, environment: FaultTests.simulated, name: "info")
            let debug = try running.start(common + ["--log-level", "debug"], environment: FaultTests.simulated, name: "debug")
            for process in [info, debug] { try await process.waitHealthy() }

            let answer = try await FaultTests.request("Write a function called `add` that adds two numbers.", port: info.port)
            #expect(answer.status == 200)
            let id = try #require(answer.json["request_id"] as? String)
            let served = await eventually(within: .seconds(30)) { Self.lines(of: info, withRequestId: id).count > 0 }
            #expect(served, "no log line names request \(id):\n\(info.logTail())")
            let lines = Self.lines(of: info, withRequestId: id)
            #expect(lines.map { $0["msg"] as? String } == ["Request served"], "\(lines)")
            let line = try #require(lines.first)
            let evaluation = try #require(answer.json["evaluation"] as? [String: Any])
            let prompt = try #require(answer.json["prompt"] as? [String: Any])
            #expect(line["level"] as? String == "info")
            #expect(line["task_type"] as? String == "code_generation")
            #expect(line["prompt.version"] as? String == "\(prompt["version"] as? Int ?? -1)")
            #expect(line["passed"] as? String == "\(evaluation["passed"] as? Bool ?? false)")
            #expect(line["exec.kind"] as? String == (evaluation["exec"] as? [String: Any])?["kind"] as? String)
            #expect(Int(line["tokens.output"] as? String ?? "") ?? 0 > 0)
            #expect(Double(line["latency.ms"] as? String ?? "") ?? 0 > 0)

            // At debug the worker's and the evaluator's lines are there too, with the same id.
            let second = try await FaultTests.request("Write a function called `add` that adds two numbers.", port: debug.port)
            let secondId = try #require(second.json["request_id"] as? String)
            let all = await eventually(within: .seconds(30)) { Self.lines(of: debug, withRequestId: secondId).count >= 3 }
            #expect(all, "\(debug.logTail())")
            let messages = Self.lines(of: debug, withRequestId: secondId).map { "\($0["level"] ?? "")/\($0["msg"] ?? "")" }
            #expect(Set(messages) == ["debug/Generated", "debug/Evaluated", "info/Request served"], "\(messages)")
        }
    }

    /// The process's JSON log lines whose `request.id` is `id`.
    static func lines(of process: SelfhealProcess, withRequestId id: String) -> [[String: Any]] {
        let text = (try? String(contentsOf: process.logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.filter { $0["request.id"] as? String == id }
    }
}
