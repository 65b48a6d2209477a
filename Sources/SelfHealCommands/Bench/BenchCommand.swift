import ArgumentParser
import Foundation
import SelfHealRules
import SelfHealSandbox

/// `selfheal bench ...`: benchmarks that print numbers.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print numbers.",
        subcommands: [Rules.self, Overhead.self, Sandbox.self]
    )

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Median time to score a typical 60-line answer with the rules, and a full reload."
        )

        @Option(help: "Folder of Lua scoring rules. (env: SELFHEAL_RULES_DIR; default: rules)")
        var rules: String?

        @Option(help: "Scoring iterations.")
        var iterations: Int = 2000

        func run() async throws {
            guard iterations > 0 else { throw UsageError("--iterations: must be positive") }
            let directory = rules ?? Env.get("SELFHEAL_RULES_DIR") ?? "rules"
            print(try await RulesBenchmark.run(rulesDirectory: directory, iterations: iterations))
        }
    }

    struct Overhead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Requests through --role all with the simulated LLM: p50/p99 latency, requests/s, CPU per request."
        )

        @Option(help: "Requests per concurrency level.")
        var requests: Int = 400

        @Option(help: "Comma-separated concurrency levels.")
        var concurrency: String = "1,32"

        @Option(help: "Folder of Lua scoring rules. (env: SELFHEAL_RULES_DIR; default: rules)")
        var rules: String?

        func run() async throws {
            let levels = concurrency.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else {
                throw UsageError("--concurrency: give positive numbers, e.g. 1,32")
            }
            guard requests > 0 else { throw UsageError("--requests: must be positive") }
            let report = try await OverheadBenchmark(
                requests: requests, levels: levels, rulesDirectory: rules ?? Env.get("SELFHEAL_RULES_DIR") ?? "rules"
            ).run()
            print(report)
        }
    }

    struct Sandbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sandbox runs per second at full concurrency, and the median overhead of one trivial run."
        )

        @Option(help: "Sandbox runs to time.")
        var runs: Int = 100

        func run() async throws {
            guard runs > 0 else { throw UsageError("--runs: must be positive") }
            print(try await SandboxBenchmark.run(runs: runs))
        }
    }
}
