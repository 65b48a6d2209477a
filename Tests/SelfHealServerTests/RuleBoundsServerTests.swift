import Foundation
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

    @Test("a looping message handler costs one evaluation; the next scores; /metrics counts it; SIGTERM stops the binary")
    func loopingRuleIsBoundedThroughTheBinary() async throws {
        let database = try TempDatabase()
        defer { database.cleanup() }
        let rules = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-bounds-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: shippedRules, toPath: rules.path)
        defer { try? FileManager.default.removeItem(at: rules) }
        try Self.trap.write(to: rules.appendingPathComponent("trap.lua"), atomically: true, encoding: .utf8)

        let port = try closedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: selfhealBinary)
        process.arguments = ["--role", "all", "--port", "\(port)", "--database", database.url, "--rules", rules.path]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var healthy = false
        for _ in 0..<100 where !healthy {
            healthy = (try? await fetch(.GET, port: port, path: "/health"))?.status == 200
            if !healthy { try await Task.sleep(for: .milliseconds(100)) }
        }
        try #require(healthy)

        func evaluate(_ input: String) async throws -> HTTPAnswer {
            try await fetch(port: port, path: "/api/v1/evaluate", body: json([
                "task_type": "code_generation", "user_input": input, "output": "def add(a, b):\n    return a + b\n",
            ]))
        }
        for _ in 0..<3 {
            let trapped = try await evaluate("Write add. TRAP")
            #expect(trapped.status == 200)
            let rule = (trapped.json["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "trap" }
            #expect(rule?["score"] as? Double == 0)
            #expect((rule?["reason"] as? String ?? "").hasPrefix("rule 'trap' "), "\(rule ?? [:])")
        }
        let normal = try await evaluate("Write add.")
        #expect(normal.status == 200)
        let rule = (normal.json["rules"] as? [[String: Any]])?.first { $0["name"] as? String == "trap" }
        #expect(rule?["score"] as? Double == 1 && rule?["reason"] as? String == "no trap")

        let metrics = String(decoding: try await fetch(.GET, port: port, path: "/metrics").body, as: UTF8.self)
        let hits = metrics.split(separator: "\n").filter { $0.hasPrefix("selfheal_rule_bound_hits_total{") && $0.contains("rule=\"trap\"") }
        let counted = hits.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        #expect(counted == 3, "\(hits)")

        process.terminate()  // SIGTERM
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning, "SIGTERM did not stop the binary")
        #expect(process.terminationStatus == 0)
    }
}
