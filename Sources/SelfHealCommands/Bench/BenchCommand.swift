import ArgumentParser
import Foundation
import Logging
import SelfHealLLM
import SelfHealRules
import SelfHealSandbox
import SelfHealServer

/// `selfheal bench ...`: benchmarks that print numbers.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print numbers.",
        subcommands: [Heal.self, Rules.self, Overhead.self, Sandbox.self, StoreBenchCommand.self, Truth.self, ZeroLLM.self, Service.self]
    )

    struct Heal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install a bad prompt, send requests, run the optimizer, repeat; print before/after and write a report."
        )

        @Option(help: "Cycles of requests followed by an optimizer pass.")
        var cycles: Int = 2

        @Option(help: "Requests per cycle.")
        var requests: Int = 5

        @Option(name: .customLong("canary-share"), help: "Canary share for the run (0 activates a replay winner at once).")
        var canaryShare: Double = 0

        @Option(help: "Folder of Lua scoring rules. (env: SELFHEAL_RULES_DIR; default: rules)")
        var rules: String?

        @Option(help: "Folder of Lua optimizer plugins, copied for the run. (env: SELFHEAL_PLUGINS_DIR; default: plugins)")
        var plugins: String?

        @Option(help: "Where to write heal-report.md and heal-report.json.")
        var output: String = "reports"

        func run() async throws {
            guard cycles > 0 else { throw UsageError("--cycles: must be positive") }
            guard requests > 0 else { throw UsageError("--requests: must be positive") }
            guard (0...1).contains(canaryShare) else { throw UsageError("--canary-share: must be within [0, 1]") }
            let benchmark = HealBenchmark(
                cycles: cycles, requests: requests, canaryShare: canaryShare,
                rulesDirectory: rules ?? Env.get("SELFHEAL_RULES_DIR") ?? "rules",
                pluginsDirectory: plugins ?? Env.get("SELFHEAL_PLUGINS_DIR") ?? "plugins", reportDirectory: output
            )
            print(try await benchmark.run())
        }
    }

    struct Truth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How well the verdict tracks correctness on a labelled corpus (bench/truth): per mode, correct passed and mutants caught by kind."
        )

        @Option(help: "The corpus folder, holding tasks.jsonl and mutants.jsonl.")
        var corpus: String

        @Option(help: "A running selfheal whose /api/v1/evaluate to measure (SELFHEAL_SERVICE_TOKEN is sent when set); default: --role all in this process.")
        var url: String?

        @Option(help: "Only the first N tasks and their mutants, for a quick run.")
        var limit: Int?

        @Option(help: "Evaluations in flight at once.")
        var concurrency: Int = 4

        @Option(help: "Folder of Lua scoring rules for the in-process evaluator. (env: SELFHEAL_RULES_DIR; default: rules)")
        var rules: String?

        @Flag(help: "Print the report as JSON.")
        var json = false

        func run() async throws {
            if let limit, limit <= 0 { throw UsageError("--limit: must be positive") }
            guard concurrency > 0 else { throw UsageError("--concurrency: must be positive") }
            let benchmark = TruthBenchmark(
                corpus: try TruthCorpus.load(corpus), limit: limit, url: url, token: Env.get("SELFHEAL_SERVICE_TOKEN"),
                rulesDirectory: rules ?? Env.get("SELFHEAL_RULES_DIR") ?? "rules", concurrency: concurrency
            )
            let report = try await benchmark.run()
            print(json ? try report.json() : report.text())
        }
    }

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
            abstract: "What selfheal adds around the LLM: requests through --role all against a zero-latency OpenAI-compatible server, beside the same calls made straight to it."
        )

        @Option(help: "Requests per concurrency level.")
        var requests: Int = 400

        @Option(help: "Comma-separated concurrency levels.")
        var concurrency: String = "1,32"

        @Option(help: "Folder of Lua scoring rules. (env: SELFHEAL_RULES_DIR; default: rules)")
        var rules: String?

        @Option(
            name: .customLong("llm-url"),
            help: "An OpenAI-compatible base URL (…/v1) to measure against; default: a zero-latency server this command starts in its own process."
        )
        var llmURL: String?

        func run() async throws {
            let levels = concurrency.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else {
                throw UsageError("--concurrency: give positive numbers, e.g. 1,32")
            }
            guard requests > 0 else { throw UsageError("--requests: must be positive") }
            let server = llmURL == nil ? try BenchChildProcess(arguments: ["bench", "zero-llm"], name: "the zero-latency LLM server") : nil
            defer { server?.stop() }
            var benchmark = OverheadBenchmark(
                requests: requests, levels: levels, rulesDirectory: rules ?? Env.get("SELFHEAL_RULES_DIR") ?? "rules",
                llmURL: llmURL ?? "http://127.0.0.1:\(server!.port)/v1"
            )
            benchmark.llmProcess = server
            let report = try await benchmark.run()
            print(report)
        }
    }

    /// The zero-latency model `bench overhead` starts in its own process; not for users.
    struct ZeroLLM: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "zero-llm", abstract: "An OpenAI-compatible server that answers at once (for bench overhead).", shouldDisplay: false
        )

        @Option(help: "Port on 127.0.0.1 (0: any free one, printed as `port N`).")
        var port: Int = 0

        func run() async throws {
            BenchChildProcess.exitWithParent()
            try await ZeroLatencyLLM.serve(port: port) { bound in
                FileHandle.standardOutput.write(Data("port \(bound)\n".utf8))
            }
        }
    }

    /// `--role all` as `selfheal --role all` runs it (metrics recorded, JSON log lines, here to
    /// `--log-file`), for `bench overhead` to read its CPU alone; not for users. The LLM comes
    /// from `LLM_PROVIDER`, `LLM_BASE_URL`, `LLM_MODEL` and `LLM_JUDGE_MODEL`, which the
    /// benchmark sets, and nothing else.
    struct Service: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "service", abstract: "--role all on any free port, for bench overhead.", shouldDisplay: false
        )

        @Option(help: "Database URL.")
        var database: String

        @Option(help: "Folder of Lua scoring rules.")
        var rules: String

        @Option(name: .customLong("log-file"), help: "Where the log lines go.")
        var logFile: String

        static let llmSettings: Set<String> = ["LLM_PROVIDER", "LLM_BASE_URL", "LLM_MODEL", "LLM_JUDGE_MODEL"]

        func run() async throws {
            BenchChildProcess.exitWithParent()
            let level = try LoggingSetup.level(Env.get("LOG_LEVEL") ?? "info", from: "LOG_LEVEL")
            guard FileManager.default.createFile(atPath: logFile, contents: nil), let handle = FileHandle(forWritingAtPath: logFile) else {
                throw UsageError("cannot write the log file \(logFile)")
            }
            let sink = JSONLogHandler.Sink(handle)
            LoggingSystem.bootstrap { JSONLogHandler(label: $0, level: level, sink: sink) }
            MetricsRegistry.bootstrap()
            let logger = Logger(label: "selfheal")
            let running = try await RunningRole.start(
                config: RoleConfiguration(role: .all, port: 0, databaseURL: database, rulesDirectory: rules),
                // The benchmark's four settings only, as it set them: an API key or provider
                // settings in the user's environment are not sent to the server measured against.
                providers: try ProviderSelection.providers(
                    environment: ProcessInfo.processInfo.environment.filter { Self.llmSettings.contains($0.key) },
                    client: LLMHTTPClient.shared, logger: logger
                ),
                logger: logger
            )
            FileHandle.standardOutput.write(Data("port \(running.port)\n".utf8))
            try await running.wait()
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
