import Foundation
import Logging
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// `selfheal bench sandbox`: what isolation costs, on the warm path (jobs forked from a host
/// started ahead of time) and the cold one (a fresh interpreter per job) side by side: a
/// trivial program, a 60-line answer with 10 asserts, and a compile-only check, each timed
/// one at a time against the interpreter started directly; then runs per second at full
/// concurrency.
public enum SandboxBenchmark {
    public static func run(runs: Int, configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> String {
        let runs = max(5, runs)
        let runner = try SandboxRunner(configuration: configuration, logger: Logger(label: "selfheal.bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        await runner.warmUp()
        let paths: [(name: String, warm: Bool)] = runner.warmHostStats != nil ? [("warm", true), ("cold", false)] : [("cold", false)]
        let jobs: [(name: String, job: SandboxJob)] = [
            ("trivial program (`pass`)", SandboxJob(code: "pass", tests: "")),
            ("60-line answer, 10 asserts", SandboxJob(code: BenchmarkAnswer.code, tests: BenchmarkAnswer.tests, entryPoint: "summarize")),
            ("compile-only check", SandboxJob(code: BenchmarkAnswer.code)),
        ]
        var lines: [String] = []
        for (name, job) in jobs {
            var cells: [String] = []
            for path in paths {
                var job = job
                job.warmHost = path.warm
                let times = try await timed(job, runs: runs, on: runner)
                cells.append("\(path.name) median \(format(median(times))) ms  p99 \(format(percentile(times, 0.99))) ms")
            }
            lines.append("  " + name.padding(toLength: 28, withPad: " ", startingAt: 0) + cells.joined(separator: "   "))
        }
        let direct = try directRuns(runs, configuration: configuration)
        lines.append("  " + "python3 -I directly".padding(toLength: 28, withPad: " ", startingAt: 0) + "median \(format(median(direct))) ms  p99 \(format(percentile(direct, 0.99))) ms")

        let concurrency = configuration.maxConcurrent
        var throughput: [String] = []
        for path in paths {
            var trivial = jobs[0].job
            trivial.warmHost = path.warm
            let perSecond = try await runsPerSecond(trivial, runs: runs * 2, concurrency: concurrency, on: runner)
            throughput.append("\(path.name) \(format(perSecond)) runs/s")
        }
        let warmState = runner.warmHostStats.map { "on, \($0.warm) hosts (\($0.jobs) jobs run warm, \($0.fellBack) fell back to cold)" }
            ?? "off: this machine lacks what they rely on (root, namespaces, cgroups) or they are turned off"
        return """
            sandbox benchmark
              isolation:  \(runner.isolation.summary)
              limits:     timeout \(configuration.timeout), cpu \(configuration.cpuSeconds) s, memory \(configuration.memoryBytes >> 20) MiB, \
            processes \(configuration.maxProcesses), file \(configuration.maxFileBytes >> 20) MiB, open files \(configuration.maxOpenFiles)
              warm hosts: \(warmState)
            one job at a time, \(runs) runs each:
            \(lines.joined(separator: "\n"))
            throughput at \(concurrency) concurrent (trivial program): \(throughput.joined(separator: ", ")) sandbox runs/s

            """
    }

    private static func timed(_ job: SandboxJob, runs: Int, on runner: SandboxRunner) async throws -> [Double] {
        for _ in 0..<3 { _ = try await runner.run(job) }
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let result = try await runner.run(job)
            guard result.passed else { throw SandboxError.launchFailed("a benchmark job failed: \(result.stderrTail)") }
            times.append(Self.milliseconds(ContinuousClock.now - start))
        }
        return times
    }

    private static func runsPerSecond(_ job: SandboxJob, runs: Int, concurrency: Int, on runner: SandboxRunner) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            // Keep exactly `concurrency` runs in flight: more would only wait in the queue.
            while started < min(concurrency, runs) {
                group.addTask { _ = try await runner.run(job) }
                started += 1
            }
            while try await group.next() != nil {
                if started < runs {
                    group.addTask { _ = try await runner.run(job) }
                    started += 1
                }
            }
        }
        return Double(runs) / (milliseconds(ContinuousClock.now - start) / 1000)
    }

    /// The baseline: the same interpreter, same environment, no isolation and no directory.
    private static func directRuns(_ runs: Int, configuration: SandboxConfiguration) throws -> [Double] {
        let command = configuration.languages["python"]?.run ?? ["python3", "-I"]
        let searchPath = (configuration.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let candidates: [String] = searchPath.map { directory in "\(directory)/\(command[0])" }
        guard let executable = candidates.first(where: { path in access(path, X_OK) == 0 }) else {
            throw SandboxError.launchFailed("\(command[0]) not found in \(searchPath.joined(separator: ":"))")
        }
        var times: [Double] = []
        for _ in 0..<runs {
            let child = ChildProcess(
                executable: executable, arguments: Array(command.dropFirst()) + ["-c", "pass"], environment: configuration.environment,
                timeout: configuration.timeout, outputCap: configuration.outputCap
            )
            let start = ContinuousClock.now
            _ = try child.run()
            times.append(milliseconds(ContinuousClock.now - start))
        }
        return times
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    private static func median(_ values: [Double]) -> Double { percentile(values, 0.5) }

    private static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
