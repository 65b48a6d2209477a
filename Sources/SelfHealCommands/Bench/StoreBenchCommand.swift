import ArgumentParser
import Foundation
import Logging
import SelfHealPostgres
import SelfHealStore

/// `selfheal bench store`: bulk-loads execution logs, then times every stats query and the
/// insert throughput, on PostgreSQL (when a URL is given) and on a fresh SQLite file.
struct StoreBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Stats query latency and insert throughput of both stores with N execution logs."
    )

    @Option(help: "Execution logs to load.")
    var rows: Int = 100_000

    @Option(help: "PostgreSQL to measure (a schema of its own is created and dropped). (env: SELFHEAL_BENCH_POSTGRES_URL)")
    var postgres: String?

    func run() async throws {
        guard rows >= 0 else { throw UsageError("--rows: must be 0 or more") }
        var logger = Logger(label: "selfheal.bench")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("selfheal-store-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await SQLiteStore.open(path: directory.appendingPathComponent("bench.db").path, logger: logger)
        do {
            try await sqlite.migrate()
            let report = try await StoreBenchmark.run(
                postgresURL: postgres ?? Env.get("SELFHEAL_BENCH_POSTGRES_URL"), sqlite: sqlite, rows: rows, logger: logger
            )
            try await sqlite.close()
            print(report)
        } catch {
            try? await sqlite.close()
            throw UsageError("bench store: \(error)")
        }
    }
}
