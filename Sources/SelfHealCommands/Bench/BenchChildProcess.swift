import Foundation

/// A server a benchmark runs in a child process of this binary (`selfheal bench zero-llm`, the
/// LLM; `selfheal bench service`, selfheal itself), for as long as the benchmark runs: its
/// first line on stdout names the port it bound, and it exits when its stdin closes, so it
/// never outlives a benchmark that crashed. Its CPU is its own, read apart from the load's.
final class BenchChildProcess {
    let port: Int
    private let process: Process
    private let stdin: Pipe

    /// Starts `selfheal <arguments>` (this binary, or `executable`) with `environment` added to
    /// this process's.
    init(executable: String? = nil, arguments: [String], environment: [String: String] = [:], name: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable ?? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)), port > 0 else {
            process.terminate()
            process.waitUntilExit()
            throw UsageError("\(name) did not start (it said: '\(text)')")
        }
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    /// The child's CPU time so far (user and system, every thread it ran), in seconds, to the
    /// nanosecond: its process CPU clock, not `/proc`'s 10 ms ticks.
    func cpuSeconds() -> Double {
        var clock = clockid_t()
        var time = timespec()
        guard clock_getcpuclockid(process.processIdentifier, &clock) == 0, clock_gettime(clock, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// In the child: ends this process when the benchmark holding its stdin ends, however it
    /// ends (the pipe closes).
    static func exitWithParent() {
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            _exit(0)
        }
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}
