import Foundation
import Hummingbird
import SelfHealCommands
import SelfHealCore
import SelfHealRoles
import SelfHealRules
import SelfHealSandbox
import SelfHealServer
import Testing

/// Generated code is run against the request's tests, and failing them fails the answer.
@Suite("Sandboxed tests in the evaluation", .serialized)
struct SandboxEvaluationTests {
    static let addTests = "def check(candidate):\n    assert candidate(2, 3) == 5, 'add(2, 3) should be 5'\n"

    func evaluate(_ role: InMemoryRoutes, output: String, tests: String?, entryPoint: String? = "add") async throws -> HTTPAnswer {
        var body: [String: Any] = [
            "task_type": "code_generation", "user_input": "Write a function called `add` that adds two numbers.",
            "output": output, "language": "python",
        ]
        if let tests { body["tests"] = tests }
        if let entryPoint { body["entry_point"] = entryPoint }
        return try await role.fetch(path: "/api/v1/evaluate", body: json(body))
    }

    @Test("code that passes its tests, code that fails them, code that does not compile")
    func verdicts() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in

            let good = try await evaluate(role, output: "```python\ndef add(a, b):\n    return a + b\n```", tests: Self.addTests)
            #expect(good.status == 200)
            let goodExec = try #require(good.json["exec"] as? [String: Any])
            #expect(goodExec["passed"] as? Bool == true && goodExec["kind"] as? String == "tests")

            let wrong = try await evaluate(role, output: "```python\ndef add(a, b):\n    return a - b\n```", tests: Self.addTests)
            #expect(wrong.json["passed"] as? Bool == false)
            #expect(wrong.json["failed_required"] as? [String] == ["tests_pass"])
            #expect((wrong.json["exec"] as? [String: Any])?["stderr_tail"] as? String ?? "" != "")

            #expect((good.json["verdict_reason"] as? String ?? "").hasPrefix("passed: the supplied tests pass"), "\(good.json)")
            #expect(good.json["passed"] as? Bool == true)
            #expect(wrong.json["verdict_reason"] as? String == "failed: the supplied tests fail")

            // The code scored is the code in `output`: a `code` field in the body is not read.
            let smuggled = try await role.fetch(path: "/api/v1/evaluate", body: json([
                "task_type": "code_generation", "user_input": "Write a function called `add` that adds two numbers.",
                "output": "```python\ndef add(a, b):\n    return a - b\n```", "code": "def add(a, b):\n    return a + b",
                "language": "python", "tests": Self.addTests, "entry_point": "add",
            ]))
            #expect(smuggled.status == 200 && smuggled.json["passed"] as? Bool == false)
            #expect(smuggled.json["failed_required"] as? [String] == ["tests_pass"])

            let broken = try await evaluate(role, output: "```python\ndef add(a, b)\n    return a + b\n```", tests: nil, entryPoint: nil)
            let brokenExec = try #require(broken.json["exec"] as? [String: Any])
            #expect(brokenExec["kind"] as? String == "smoke" && brokenExec["passed"] as? Bool == false)
            let rules = broken.json["rules"] as? [[String: Any]] ?? []
            #expect(rules.first { $0["name"] as? String == "syntax_valid" }?["score"] as? Double == 0)
            #expect(broken.json["passed"] as? Bool == false)
            #expect((broken.json["verdict_reason"] as? String ?? "").contains("SyntaxError"), "\(broken.json)")

            // A stub fails without tests, and the reason names it; the smoke_run rule says so too.
            let stub = try await evaluate(role, output: "```python\ndef add(a, b):\n    \"\"\"Adds two numbers.\"\"\"\n    pass\n```", tests: nil)
            #expect(stub.json["passed"] as? Bool == false)
            #expect((stub.json["verdict_reason"] as? String ?? "").hasSuffix("the function 'add' is a stub: its body is only `pass`"), "\(stub.json)")
            let stubRules = stub.json["rules"] as? [[String: Any]] ?? []
            #expect(stubRules.first { $0["name"] as? String == "smoke_run" }?["score"] as? Double == 0)

            // Without tests, the examples the request states are run, and decide.
            let stated = "Write a function called `add` that adds two numbers.\n\n>>> add(2, 3)\n5\n"
            for (code, passes) in [("def add(a, b):\n    return a + b\n", true), ("def add(a, b):\n    return a - b\n", false)] {
                let answer = try await role.fetch(path: "/api/v1/evaluate", body: json([
                    "task_type": "code_generation", "user_input": stated, "output": "```python\n" + code + "```", "language": "python",
                ]))
                #expect((answer.json["exec"] as? [String: Any])?["kind"] as? String == "examples", "\(answer.json)")
                #expect(answer.json["passed"] as? Bool == passes, "\(answer.json)")
                let reason = answer.json["verdict_reason"] as? String ?? ""
                #expect(passes ? reason.hasPrefix("passed: the examples in the request pass")
                               : reason == "failed: the examples in the request fail: example `add(2, 3)` returned -1; expected 5", "\(reason)")
            }

            let health = try await role.fetch(.GET, path: "/health")
            let sandbox = try #require(health.json["sandbox"] as? [String: Any])
            #expect(sandbox["mode"] is String)
            for field in ["cgroups", "filesystem", "seccomp", "summary"] {
                #expect((sandbox[field] as? String)?.isEmpty == false, "/health's sandbox has no \(field): \(sandbox)")
            }
        }
    }

    @Test("with sandbox.smoke_runs = false an answer without tests is only compiled: a stub passes that check, a syntax error fails it; tests still run")
    func compileOnlyWithoutSmokeRuns() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let rules = try copyOfShippedFolder("rules", into: database.directory)
        let scoring = rules.appendingPathComponent("scoring.lua")
        let text = try String(contentsOf: scoring, encoding: .utf8)
        try #require(text.contains("smoke_runs = true"))
        try text.replacingOccurrences(of: "smoke_runs = true", with: "smoke_runs = false").write(to: scoring, atomically: false, encoding: .utf8)
        var config = testConfig(.all, database: database)
        config.rulesDirectory = rules.path
        try await withRoutes(config) { role in
            let stub = try await evaluate(role, output: "```python\ndef add(a, b):\n    \"\"\"Adds two numbers.\"\"\"\n    pass\n```", tests: nil)
            let stubExec = try #require(stub.json["exec"] as? [String: Any], "\(stub.json)")
            #expect(stubExec["kind"] as? String == "syntax" && stubExec["passed"] as? Bool == true, "\(stubExec)")

            let broken = try await evaluate(role, output: "```python\ndef add(a, b)\n    return a + b\n```", tests: nil, entryPoint: nil)
            let brokenExec = try #require(broken.json["exec"] as? [String: Any])
            #expect(brokenExec["kind"] as? String == "syntax" && brokenExec["passed"] as? Bool == false, "\(brokenExec)")
            #expect(broken.json["passed"] as? Bool == false)

            let wrong = try await evaluate(role, output: "```python\ndef add(a, b):\n    return a - b\n```", tests: Self.addTests)
            #expect((wrong.json["exec"] as? [String: Any])?["kind"] as? String == "tests")
            #expect(wrong.json["passed"] as? Bool == false)
        }
    }

    @Test("every request in samples/with_tests.json passes its tests with the simulated provider")
    func samplesPassTheirTests() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        try await withRoutes(testConfig(.all, database: database)) { role in
            let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("samples/with_tests.json"))
            let samples = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
            #expect(samples.count >= 8)
            // Under the seed prompt, then under a thorough one: validation, examples and the
            // answer's own tests must not break the supplied tests.
            let thorough = "Write complete Python code with docstrings, type hints, input validation that raises clear exceptions, usage examples and unit tests."
            for prompt in [nil, thorough] {
                if let prompt {
                    let created = try await role.fetch(path: "/api/v1/prompts", body: json(["task_type": "code_generation", "text": prompt, "status": "active"]))
                    try #require(created.status == 200 || created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
                }
                for sample in samples {
                    let answer = try await role.fetch(path: "/api/v1/request", body: json(sample))
                    let exec = (answer.json["evaluation"] as? [String: Any])?["exec"] as? [String: Any]
                    #expect(exec?["passed"] as? Bool == true, "\(prompt ?? "seed prompt") \(sample["entry_point"] ?? ""): \(exec?["stderr_tail"] ?? "no exec")")
                }
            }
        }
    }

    @Test("the edge answers a busy sandbox with a 503 sandbox_busy and Retry-After: 1")
    func busyIsServiceUnavailable() {
        // The evaluator's side (a full queue is RoleError.sandboxBusy) is in SelfHealRolesTests.
        let answer = RoleError.sandboxBusy(SandboxError.busy(running: 2, queued: 8).description).httpError
        #expect(answer.status == .serviceUnavailable && answer.code == "sandbox_busy")
        #expect(answer.headers[.retryAfter] == "1")
        #expect(answer.message == "all 2 sandboxes are busy and 8 jobs are already waiting; try again shortly")
    }
}
