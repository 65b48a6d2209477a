import Foundation
public import Logging
public import SelfHealCore

/// `selfheal bench store`: how the stores hold up as execution_logs grows.
///
/// For each store (PostgreSQL when a URL is given, SQLite always) it bulk-loads `rows` realistic
/// logs spread over the last 30 days, times every stats query over the default 24-hour window
/// (median of five runs after a warm-up) and measures `appendLog` throughput, one writer and 16
/// concurrent writers. PostgreSQL data goes to a schema of its own, dropped at the end.
///
/// The SQLite store comes from the caller (this module does not depend on SelfHealStore): open
/// a `SQLiteStore` on a new, empty file, pass it, then close it and remove the file.
public enum StoreBenchmark {
    public static func run(
        postgresURL: String?, sqlite: (any BulkLogLoading)?, sqliteName: String = "SQLite", rows: Int, logger: Logger
    ) async throws -> String {
        guard rows >= 0 else {
            throw StoreError(.invalid, "rows must be 0 or more, not \(rows)")
        }
        var report = "# selfheal store benchmark: \(rows) execution logs over 30 days\n"
        if let postgresURL {
            report += try await benchmarkPostgres(url: postgresURL, rows: rows, logger: logger)
        }
        if let sqlite {
            report += try await benchmark(name: sqliteName, store: sqlite, rows: rows, logger: logger)
        }
        return report
    }

    private static func benchmarkPostgres(url: String, rows: Int, logger: Logger) async throws -> String {
        let schema = "selfheal_bench_\(Int(Date().timeIntervalSince1970))_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try await PostgresStore.open(url: url, logger: logger)
        do {
            try await admin.createSchema(named: schema)
            let separator = url.contains("?") ? "&" : "?"
            let store = try await PostgresStore.open(url: url + separator + "search_path=\(schema)", logger: logger)
            let section: String
            do {
                section = try await benchmark(name: "PostgreSQL (\(store.endpoint))", store: store, rows: rows, logger: logger)
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            try await admin.dropSchema(named: schema)
            try await admin.close()
            return section
        } catch {
            try? await admin.dropSchema(named: schema)
            try? await admin.close()
            throw error
        }
    }

    private static func benchmark(name: String, store: any BulkLogLoading, rows: Int, logger: Logger) async throws -> String {
        try await store.migrate()
        let prompts = try await BenchmarkData.writePrompts(store)
        let now = Date()
        var generator = BenchmarkData(prompts: prompts, now: now)

        logger.info("Bulk-loading execution logs", metadata: ["bench.store": "\(name)", "bench.rows": "\(rows)"])
        let clock = ContinuousClock()
        let loadStart = clock.now
        var loaded = 0
        while loaded < rows {
            let batch = (0..<min(10_000, rows - loaded)).map { _ in generator.nextLog() }
            try await store.bulkInsertLogs(batch)
            loaded += batch.count
            if loaded % 100_000 == 0 {
                logger.info("Loaded", metadata: ["bench.store": "\(name)", "bench.rows": "\(loaded)"])
            }
        }
        let loadTime = clock.now - loadStart
        let maintenanceStart = clock.now
        try await store.afterBulkLoad()
        let maintenanceTime = clock.now - maintenanceStart

        let day = now.addingTimeInterval(-86_400)
        let month = now.addingTimeInterval(-31 * 86_400)
        var lines: [String] = []
        func time(_ label: String, _ operation: () async throws -> Void) async throws {
            try await operation()  // warm-up
            var samples: [Duration] = []
            for _ in 0..<5 {
                let start = clock.now
                try await operation()
                samples.append(clock.now - start)
            }
            lines.append("| \(label) | \(milliseconds(samples.sorted()[2])) |")
        }
        try await time("statsSummary (24 h)") { _ = try await store.statsSummary(since: day) }
        try await time("statsByTaskType (24 h)") { _ = try await store.statsByTaskType(since: day) }
        try await time("scoreDistribution (24 h)") { _ = try await store.scoreDistribution(since: day) }
        try await time("recentFailures (limit 20)") { _ = try await store.recentFailures(limit: 20) }
        try await time("promptPerformance (24 h)") { _ = try await store.promptPerformance(since: day) }
        try await time("activePrompt (per request)") { _ = try await store.activePrompt(taskType: TaskTypes.codeGeneration) }
        try await time("statsSummary (all 30 days)") { _ = try await store.statsSummary(since: month) }
        let summary = try await store.statsSummary(since: day)

        // appendLog as the manager calls it: one log per request.
        let sequential = 1_000
        let sequentialStart = clock.now
        for _ in 0..<sequential {
            _ = try await store.appendLog(generator.nextLog(at: Date()))
        }
        let sequentialTime = clock.now - sequentialStart
        let writers = 16
        let perWriter = 250
        let logs = (0..<(writers * perWriter)).map { _ in generator.nextLog(at: Date()) }
        let concurrentStart = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                let mine = Array(logs[(writer * perWriter)..<((writer + 1) * perWriter)])
                group.addTask {
                    for log in mine {
                        _ = try await store.appendLog(log)
                    }
                }
            }
            try await group.waitForAll()
        }
        let concurrentTime = clock.now - concurrentStart

        return """

            ## \(name)
            bulk load: \(rows) rows in \(secondsText(loadTime)) s (\(perSecond(rows, loadTime)) rows/s)\
            \(maintenanceTime > .milliseconds(1) ? "; VACUUM ANALYZE \(secondsText(maintenanceTime)) s" : "")
            24 h window: \(summary.total) logs

            | query | median ms |
            |---|---|
            \(lines.joined(separator: "\n"))

            appendLog, 1 writer: \(perSecond(sequential, sequentialTime)) logs/s \
            (\(milliseconds(sequentialTime / sequential)) ms each)
            appendLog, \(writers) concurrent writers: \(perSecond(writers * perWriter, concurrentTime)) logs/s

            """
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.2f", seconds(duration) * 1_000)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func secondsText(_ duration: Duration) -> String {
        String(format: "%.1f", seconds(duration))
    }

    private static func perSecond(_ count: Int, _ duration: Duration) -> String {
        String(format: "%.0f", Double(count) / max(seconds(duration), 1e-9))
    }
}
