import Foundation
import SelfHealTestSupport
import Synchronization
import Testing

/// Through the real binary: a rule whose error handler loops costs one evaluation a clear
/// reason, never the service. The evaluation that hit the bound names the rule and the bound,
/// the next evaluation scores as usual, `/metrics` counts the hit per rule and bound, and
/// SIGTERM still stops the process.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RuleBoundsServerTests {
    /// Loops in its message handler, the form that once held a rules thread for good, and
    /// only on requests that ask for it, so other evaluations show the service unharmed.
    static let trap = """
        return {
          name = "trap",
          weight = 1,
          check = function(ctx)
            if ctx.input:find("TRAP", 1, true) then
              xpcall(function() while true do end end, function() while true do end end)
            end
            return 1, "no trap"
          end,
        }
        """

    /// Spends its whole bound inside one C call (a pattern that backtracks without end) on
    /// requests that ask for it: twelve of these hold an evaluation for a second or more.
    static func slow(_ name: String) -> String {
        """
        return {
          name = "\(name)",
          weight = 1,
          check = function(ctx)
            if ctx.input:find("SLOW", 1, true) then ("a"):rep(3000):find(".-.-.-b") end
            return 1, "fast"
          end,
        }
        """
    }

    /// Raises an error whose `__tostring` loops: the error message itself must be bounded.
    static let loopingMessage = """
        return {
          name = "tostr",
          weight = 1,
          check = function(ctx)
            if ctx.input:find("TOSTRING", 1, true) then
              error(setmetatable({}, { __tostring = function() while true do end end }))
            end
            return 1, "no error"
          end,
        }
        """

    /// `--role all` on the shipped rules plus `extraRules`, through the process harness: stopped
    /// afterwards whatever happens, its log kept for failure messages.
    static func withBinary(extraRules: [String: String], _ body: (SelfhealProcess) async throws -> Void) async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let rules = try copyOfShippedFolder("rules", into: database.directory)
        for (name, text) in extraRules {
            try text.write(to: rules.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try await withProcesses(in: database.directory) { running in
            let server = try running.start(
                ["--role", "all", "--database", database.url, "--rules", rules.path], environment: FaultTests.simulated, name: "all")
            try await server.waitHealthy()
            try await body(server)
        }
    }

    /// Evaluates a two-line answer to `input`, whose marker words (TRAP, SLOW, ...) set rules off.
    @Sendable static func evaluate(_ input: String, port: Int) async throws -> HTTPAnswer {
        try await fetch(port: port, path: "/api/v1/evaluate", body: json([
            "task_type": "code_generation", "user_input": input, "output": "def add(a, b):\n    return a + b\n",
        ]))
    }

    @Test("a looping message handler costs one evaluation; the next scores; /metrics counts it; SIGTERM stops the binary")
    func loopingRuleIsBoundedThroughTheBinary() async throws {
        try await Self.withBinary(extraRules: ["trap.lua": Self.trap, "tostr.lua": Self.loopingMessage]) { server in
            let port = server.port
            func evaluate(_ input: String) async throws -> HTTPAnswer { try await Self.evaluate(input, port: port) }
            for _ in 0..<3 {
                let trapped = try await evaluate("Write add. TRAP")
                #expect(trapped.status == 200)
                let rule = (trapped.json["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "trap" }
                #expect(rule?["score"] as? Double == 0)
                #expect((rule?["reason"] as? String ?? "").hasPrefix("rule 'trap' "), "\(rule ?? [:])")
            }
            let looped = try await evaluate("Write add. TOSTRING")
            #expect(looped.status == 200)
            let tostr = (looped.json["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "tostr" }
            #expect(tostr?["score"] as? Double == 0)
            #expect((tostr?["reason"] as? String ?? "").hasPrefix("rule 'tostr' "), "\(tostr ?? [:])")

            let normal = try await evaluate("Write add.")
            #expect(normal.status == 200)
            let rule = (normal.json["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "trap" }
            #expect(rule?["score"] as? Double == 1 && rule?["reason"] as? String == "no trap")
            let quiet = (normal.json["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "tostr" }
            #expect(quiet?["score"] as? Double == 1)

            let metrics = String(decoding: try await fetch(.GET, port: port, path: "/metrics").body, as: UTF8.self)
            let hits = metrics.split(separator: "\n").filter { $0.hasPrefix("selfheal_rule_bound_hits_total{") && $0.contains("rule=\"trap\"") }
            let counted = hits.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            #expect(counted == 3, "\(hits)")

            server.terminate()  // SIGTERM
            let exited = await eventually(within: .seconds(20)) { !server.isRunning }
            #expect(exited, "SIGTERM did not stop the binary")
            #expect(!exited || server.terminationStatus == 0)
        }
    }

    @Test("while two evaluations spend their rules' whole bounds, another evaluation is not queued behind them")
    func slowRulesDoNotQueueOtherEvaluations() async throws {
        let slowRules = Dictionary(uniqueKeysWithValues: (1...40).map { ("slow\($0).lua", Self.slow("slow\($0)")) })
        try await Self.withBinary(extraRules: slowRules) { server in
            let port = server.port
            final class Counter: Sendable { let value = Atomic<Int>(0) }
            let slowDone = Counter()
            let slow = (0..<2).map { _ in
                Task { () throws -> HTTPAnswer in
                    defer { slowDone.value.add(1, ordering: .sequentiallyConsistent) }
                    return try await Self.evaluate("Write add. SLOW", port: port)
                }
            }
            // Both slow evaluations are in their rules (the sandbox run comes first).
            let bothInRules = await eventually(within: .seconds(30)) {
                let health = try? await fetch(.GET, port: port, path: "/health")
                return ((health?.json["rules"] as? [String: Any])?["in_flight"] as? Int ?? 0) >= 2
            }
            #expect(bothInRules)
            let normal = try await Self.evaluate("Write add.", port: port)
            #expect(normal.status == 200)
            // Both slow evaluations are still in their rules: the normal one ran beside them, not after.
            let health = try await fetch(.GET, port: port, path: "/health")
            let stillRunning = (health.json["rules"] as? [String: Any])?["in_flight"] as? Int ?? 0
            #expect(stillRunning == 2 && slowDone.value.load(ordering: .sequentiallyConsistent) == 0,
                    "the normal evaluation was queued behind the slow ones (\(stillRunning) still in their rules)")

            for task in slow {
                let answer = try await task.value
                #expect(answer.status == 200)
                let stopped = (answer.json["rules"] as? [[String: Any]] ?? []).filter { ($0["name"] as? String ?? "").hasPrefix("slow") }
                #expect(stopped.count == slowRules.count)
                #expect(stopped.allSatisfy { $0["score"] as? Double == 0 && ($0["reason"] as? String ?? "").hasPrefix("rule '") }, "\(stopped)")
            }
            server.terminate()
            let exited = await eventually(within: .seconds(20)) { !server.isRunning }
            #expect(exited, "SIGTERM did not stop the binary")
        }
    }

    @Test("`selfheal rules check` returns on files that hang while loading, and names each file and bound")
    func rulesCheckReturnsOnHangingFiles() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = try copyOfShippedFolder("rules", into: folder)
        let plugins = try copyOfShippedFolder("plugins", into: folder)
        let tail = "\nreturn { name = \"x\", weight = 1, check = function(ctx) return 1 end }\n"
        let hanging = [
            "hang_handler.lua": "xpcall(function() while true do end end, function() while true do end end)",
            "hang_index.lua": "local t = setmetatable({}, { __index = function() while true do end end })\nlocal v = t.anything",
            "hang_pattern.lua": "local found = (\"a\"):rep(3000):find(\".-.-.-b\")",
        ]
        for (name, top) in hanging {
            try (top + tail.replacingOccurrences(of: "\"x\"", with: "\"\(name.dropLast(4))\"")).write(to: rules.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let trigger = plugins.appendingPathComponent("trigger.lua")
        try ("while true do end\n" + String(contentsOf: trigger, encoding: .utf8)).write(to: trigger, atomically: true, encoding: .utf8)

        let result = try await runSelfheal(["rules", "check", "--rules", rules.path, "--plugins", plugins.path])
        #expect(result.code != 0)
        let lines = result.stdout.split(separator: "\n")
        for name in hanging.keys.sorted() {
            let line = lines.first { $0.contains(name) }
            #expect(line?.hasPrefix("error: ") == true && line?.contains("loading exceeded the") == true, "\(result.stdout)")
        }
        #expect(lines.contains { $0.contains("hang_pattern.lua") && ($0.contains("string-library step budget") || $0.contains("wall-clock")) }, "\(result.stdout)")
        #expect(lines.contains { $0.contains("trigger.lua") && $0.contains("loading exceeded the instruction budget") }, "\(result.stdout)")
        #expect(result.stdout.contains("FAILED"))
    }
}
