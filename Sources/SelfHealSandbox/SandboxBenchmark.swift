import Foundation
import Logging
import SelfHealCore
#if canImport(Glibc)
import Glibc
#endif

/// `selfheal bench sandbox`: what isolation costs. Times a trivial program (`pass`) run
/// through the sandbox against the same interpreter started directly, one at a time, then
/// how many sandbox runs per second fit through at full concurrency.
public enum SandboxBenchmark {
    public static func run(runs: Int, configuration: SandboxConfiguration = SandboxConfiguration()) async throws -> String {
        let runs = max(5, runs)
        let runner = try SandboxRunner(configuration: configuration, logger: Logger(label: "selfheal.bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let trivial = SandboxJob(code: "pass", tests: "")
        for _ in 0..<3 { _ = try await runner.run(trivial) }

        var sandboxed: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            let result = try await runner.run(trivial)
            guard result.passed else { throw SandboxError.launchFailed("the trivial program failed: \(result.stderrTail)") }
            sandboxed.append(Self.milliseconds(ContinuousClock.now - start))
        }
        let direct = try directRuns(runs, configuration: configuration)

        let concurrency = configuration.maxConcurrent
        let throughputRuns = runs * 2
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var started = 0
            // Keep exactly `concurrency` runs in flight: more would only wait in the queue.
            while started < min(concurrency, throughputRuns) {
                group.addTask { _ = try await runner.run(trivial) }
                started += 1
            }
            while try await group.next() != nil {
                if started < throughputRuns {
                    group.addTask { _ = try await runner.run(trivial) }
                    started += 1
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        let perSecond = Double(throughputRuns) / (Double(elapsed.milliseconds) / 1000)

        let sandboxMedian = median(sandboxed)
        let directMedian = median(direct)
        return """
            sandbox benchmark
              isolation:  \(runner.isolation.summary)
              limits:     timeout \(configuration.timeout), cpu \(configuration.cpuSeconds) s, memory \(configuration.memoryBytes >> 20) MiB, \
            processes \(configuration.maxProcesses), file \(configuration.maxFileBytes >> 20) MiB, open files \(configuration.maxOpenFiles)
            one run of a trivial program (`pass`), \(runs) runs each, one at a time:
              python3 -I directly        median \(format(directMedian)) ms   p90 \(format(percentile(direct, 0.9))) ms
              through the sandbox        median \(format(sandboxMedian)) ms   p90 \(format(percentile(sandboxed, 0.9))) ms
              overhead of the sandbox    median \(format(sandboxMedian - directMedian)) ms
            throughput at \(concurrency) concurrent: \(format(perSecond)) sandbox runs/s (\(throughputRuns) runs in \(format(Double(elapsed.milliseconds) / 1000)) s)

            """
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
