import Foundation
import Logging
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// `selfheal bench sandbox`: what isolation costs, on the warm path (jobs forked from a host
/// started ahead of time) and the cold one (a fresh interpreter per job) side by side: a
/// trivial program and a 60-line answer with 10 asserts, each run and checked compile-only
/// (and the answer's smoke run, what an answer without tests gets),
/// timed one at a time against the interpreter started directly and against CPython's own
/// `compile()` of the answer (the floor of any compile-only check); then runs per second at
/// full concurrency.
public enum SandboxBenchmark {
    public static func run(runs: Int, configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> String {
        let runs = max(5, runs)
        let runner = try SandboxRunner(configuration: configuration, logger: Logger(label: "selfheal.bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        await runner.warmUp()
        let paths: [(name: String, warm: Bool)] = runner.warmHostStats != nil ? [("warm", true), ("cold", false)] : [("cold", false)]
        let jobs: [(name: String, job: SandboxJob)] = [
            ("trivial program (`pass`)", SandboxJob(code: "pass", tests: "")),
            ("60-line answer, 10 asserts", SandboxJob(code: BenchmarkAnswer.code, tests: BenchmarkAnswer.tests, entryPoint: "summarize")),
            // What the service runs for an answer without tests.
            ("smoke run, 60-line", SandboxJob(code: BenchmarkAnswer.code, entryPoint: "summarize", smoke: true, requestText: BenchmarkAnswer.request)),
            ("compile-only, trivial", SandboxJob(code: "pass")),
            ("compile-only, 60-line", SandboxJob(code: BenchmarkAnswer.code)),
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
        if let floor = compileFloor(configuration: configuration) {
            lines.append("  " + "compile() of 60-line, bare".padding(toLength: 28, withPad: " ", startingAt: 0) + "median \(format(floor)) ms (CPython's compiler in its own process, no sandbox)")
        }

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

    private static func pythonExecutable(configuration: SandboxConfiguration) throws -> String {
        let command = configuration.languages["python"]?.run ?? ["python3", "-I"]
        let searchPath = (configuration.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        let candidates: [String] = searchPath.map { directory in "\(directory)/\(command[0])" }
        guard let executable = candidates.first(where: { path in access(path, X_OK) == 0 }) else {
            throw SandboxError.launchFailed("\(command[0]) not found in \(searchPath.joined(separator: ":"))")
        }
        return executable
    }

    /// The baseline: the same interpreter, same environment, no isolation and no directory.
    private static func directRuns(_ runs: Int, configuration: SandboxConfiguration) throws -> [Double] {
        let command = configuration.languages["python"]?.run ?? ["python3", "-I"]
        let executable = try pythonExecutable(configuration: configuration)
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

    /// CPython's `compile()` of the 60-line answer, timed in a loop inside one interpreter: what
    /// a compile-only check costs before any isolation or messaging. nil if it cannot be run
    /// (the row is then left out; the rest of the report stands).
    private static func compileFloor(configuration: SandboxConfiguration) -> Double? {
        guard let executable = try? pythonExecutable(configuration: configuration) else { return nil }
        let program = """
            import sys, time
            source = sys.argv[1]
            times = []
            for _ in range(300):
                start = time.perf_counter()
                compile(source, "main.py", "exec")
                times.append(time.perf_counter() - start)
            times.sort()
            print(times[len(times) // 2] * 1000)
            """
        let child = ChildProcess(
            executable: executable, arguments: ["-I", "-c", program, BenchmarkAnswer.code], environment: configuration.environment,
            timeout: configuration.timeout, outputCap: configuration.outputCap
        )
        guard let outcome = try? child.run() else { return nil }
        return Double(String(decoding: outcome.stdoutTail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
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

    /// Two decimals below 10 ms, where compile-only lives.
    private static func format(_ value: Double) -> String { String(format: value < 10 ? "%.2f" : "%.1f", value) }
}
