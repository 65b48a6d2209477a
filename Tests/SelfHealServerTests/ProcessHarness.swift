import Foundation
import SelfHealTestSupport
import Synchronization
import Testing

/// The built `selfheal` executable running as a child process on a loopback port, as an
/// operator runs it: the fault tests kill it with SIGKILL, restart it and read what it wrote.
/// Its standard error goes to a file next to the test's database so a failure can show why.
/// Nothing here blocks a thread: exits and health are polled with `Task.sleep`, because the
/// cooperative pool has only two threads on this machine.
final class SelfhealProcess: @unchecked Sendable {
    let arguments: [String]
    let environment: [String: String]
    let port: Int
    let logFile: URL
    // Only `run()` (in `start`) mutates it; afterwards it is read-only apart from its own
    // monitoring of the child, which Foundation synchronises.
    private let process: SpawnedProgram

    var pid: Int32 { process.pid }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var isRunning: Bool { process.isRunning }
    /// The exit status once it has exited (see `waitForExit`).
    var terminationStatus: Int32 { process.terminationStatus }

    private init(arguments: [String], environment: [String: String], port: Int, logFile: URL, process: SpawnedProgram) {
        self.arguments = arguments
        self.environment = environment
        self.port = port
        self.logFile = logFile
        self.process = process
    }

    /// Starts `selfheal ARGUMENTS --port PORT`. The test's own `LLM_*` and `SELFHEAL_*`
    /// variables are dropped so a developer's key or CI's database cannot change what runs;
    /// `environment` adds the ones a test wants.
    static func start(_ arguments: [String], port: Int, environment: [String: String] = [:], logDirectory: URL, name: String) throws -> SelfhealProcess {
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LLM_") && !$0.key.hasPrefix("SELFHEAL_") }
        inherited.merge(environment) { $1 }
        let logFile = logDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8)).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        defer { try? log.close() }  // the child holds its own descriptor
        let process = try SpawnedProgram(
            selfhealBinary, arguments + ["--port", "\(port)"], environment: inherited, stdout: log.fileDescriptor, stderr: log.fileDescriptor
        )
        return SelfhealProcess(arguments: arguments, environment: environment, port: port, logFile: logFile, process: process)
    }

    /// The same command again on the same port: what a supervisor does after a crash.
    func restart(logDirectory: URL, name: String) throws -> SelfhealProcess {
        try SelfhealProcess.start(arguments, port: port, environment: environment, logDirectory: logDirectory, name: name)
    }

    /// Waits until `GET /health` answers 200 from this process (it holds the listening
    /// socket); throws with the log's tail when the process exits or the time runs out.
    func waitHealthy(within limit: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if !process.isRunning {
                throw HarnessError("selfheal \(arguments.joined(separator: " ")) exited with \(process.terminationStatus) before it was healthy:\n\(logTail())")
            }
            // Only this process's answer counts: another test's server may hold the port.
            if (try? await fetch(.GET, port: port, path: "/health"))?.status == 200, listens(pid: pid, on: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("selfheal on port \(port) not healthy within \(limit):\n\(logTail())")
    }

    /// `kill -9`: no graceful shutdown, no flushing; the kernel closes its sockets.
    func killHard() async throws {
        kill(process.pid, SIGKILL)
        try await waitForExit(within: .seconds(10))
    }

    /// SIGTERM only: for tests that check the process stops on it by itself.
    func terminate() { process.terminate() }

    /// SIGTERM, then SIGKILL if it has not stopped within `grace`.
    func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        process.terminate()
        if (try? await waitForExit(within: grace)) == nil {
            kill(process.pid, SIGKILL)
            try? await waitForExit(within: .seconds(5))
        }
    }

    func waitForExit(within limit: Duration) async throws {
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw HarnessError("pid \(pid) still running after \(limit)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The last part of what the process logged, for failure messages.
    func logTail(_ characters: Int = 3000) -> String {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return String(text.suffix(characters))
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A copy of a shipped folder (rules/ or plugins/) that a test may edit freely.
func copyOfShippedFolder(_ name: String, into directory: URL) throws -> URL {
    let target = directory.appendingPathComponent(name)
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(name), to: target)
    return target
}

/// Replaces a file the way editors and ConfigMaps do: write aside, then rename over it, so a
/// reader never sees half a file.
func replaceAtomically(_ file: URL, with text: String) throws {
    let aside = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString.prefix(6))")
    try text.write(to: aside, atomically: false, encoding: .utf8)
    guard rename(aside.path, file.path) == 0 else { throw HarnessError("rename \(aside.path) -> \(file.path): errno \(errno)") }
}

/// The processes (and in-process fakes) one test started, all stopped when the test ends,
/// whether it passed or threw: a leaked server would outlive the test runner.
final class TestProcesses: Sendable {
    let directory: URL
    private let started = Mutex<[SelfhealProcess]>([])
    private let cleanups = Mutex<[@Sendable () async -> Void]>([])

    init(directory: URL) { self.directory = directory }

    func start(_ arguments: [String], environment: [String: String] = [:], name: String) throws -> SelfhealProcess {
        try adopt(SelfhealProcess.start(arguments, port: try closedPort(), environment: environment, logDirectory: directory, name: name))
    }

    @discardableResult
    func adopt(_ process: SelfhealProcess) -> SelfhealProcess {
        started.withLock { $0.append(process) }
        return process
    }

    func restart(_ process: SelfhealProcess, name: String) throws -> SelfhealProcess {
        try adopt(process.restart(logDirectory: directory, name: name))
    }

    func atEnd(_ action: @escaping @Sendable () async -> Void) {
        cleanups.withLock { $0.append(action) }
    }

    func stopAll() async {
        for process in started.withLock({ $0 }).reversed() { await process.stop() }
        for action in cleanups.withLock({ $0 }) { await action() }
    }
}

/// Runs `body` with a fresh `TestProcesses`, stopping everything it started afterwards.
func withProcesses(in directory: URL, _ body: (TestProcesses) async throws -> Void) async throws {
    let processes = TestProcesses(directory: directory)
    do {
        try await body(processes)
    } catch {
        await processes.stopAll()
        throw error
    }
    await processes.stopAll()
}

/// Runs `command` with bash on a dispatch thread (never the cooperative pool) and returns its
/// exit code and combined output. Output goes through a file and every descriptor above stderr
/// is closed first: a daemon the command starts (`pg_ctlcluster ... restart`) would otherwise
/// inherit a pipe and keep the wait from ever ending.
func runShell(_ command: String, in directory: URL) async throws -> (code: Int32, output: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result {
                let outputFile = directory.appendingPathComponent("shell-\(UUID().uuidString.prefix(8)).out")
                FileManager.default.createFile(atPath: outputFile.path, contents: nil)
                let handle = try FileHandle(forWritingTo: outputFile)
                let process: SpawnedProgram
                do {
                    defer { try? handle.close() }  // the child holds its own descriptor
                    process = try SpawnedProgram(
                        "/bin/bash", ["-c", command], stdout: handle.fileDescriptor, stderr: handle.fileDescriptor
                    )
                }
                process.waitUntilExit()
                let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
                return (process.terminationStatus, output)
            })
        }
    }
}
