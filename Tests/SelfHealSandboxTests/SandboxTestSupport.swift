import Foundation
import Logging
import Testing
import SelfHealCore
@testable import SelfHealSandbox

/// Which way a job runs: in a warm host (where the machine allows one; elsewhere this is the
/// cold path too) or in a fresh interpreter of its own.
enum SandboxPath: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case warm
    case cold

    var testDescription: String { rawValue }
}

/// A runner with short limits in a work root of its own, so that what a test leaves behind
/// (a process, a directory) can be attributed to it.
final class SandboxFixture: Sendable {
    let runner: SandboxRunner
    let workRoot: String

    init(
        timeout: Duration = .seconds(3), maxConcurrent: Int = 2, queueLength: Int = 4,
        isolation: SandboxConfiguration.IsolationChoice = .automatic, runMemoryBytes: Int = 768 << 20,
        path: SandboxPath = .warm
    ) throws {
        workRoot = NSTemporaryDirectory() + "selfheal-sandbox-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: workRoot, withIntermediateDirectories: true)
        let configuration = SandboxConfiguration(
            timeout: timeout, cpuSeconds: 20, memoryBytes: 512 << 20, runMemoryBytes: runMemoryBytes, maxProcesses: 32,
            maxFileBytes: 8 << 20, maxConcurrent: maxConcurrent, queueLength: queueLength,
            stateDirectory: workRoot, isolation: isolation, warmHosts: path == .warm
        )
        runner = try SandboxRunner(configuration: configuration, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    deinit { try? FileManager.default.removeItem(atPath: workRoot) }

    /// What this machine allows, probed once, to enable the tests that need it.
    static let machineIsolation: SandboxIsolation = {
        guard let fixture = try? SandboxFixture(maxConcurrent: 1) else {
            return SandboxIsolation(mode: .rlimitsOnly, networkIsolated: false, uids: nil, summary: "probe failed")
        }
        return fixture.runner.isolation
    }()

    /// Processes still alive under any of the runner's sandbox uids.
    /// A warm host's spare (the next job's first process, waiting as its slot's uid: at most
    /// one per slot, a child of its host) is not left over; a job's process beside it is. A
    /// warm host answers first and then ends what the job left, so they are given 30 seconds
    /// to go (a cold run ends them before it returns).
    func leftoverProcesses() async -> [pid_t] {
        // Waits without holding a thread: the suite's tests share two.
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let left = (0..<runner.configuration.maxConcurrent).compactMap { runner.uid(forSlot: $0) }.flatMap { uid in
                var pids = ProcessSweep.processes(ofUID: uid)
                if let spare = pids.firstIndex(where: Self.isWarmSpare) { pids.remove(at: spare) }
                return pids
            }
            if left.isEmpty || ContinuousClock.now > deadline { return left }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether `pid`'s parent is a warm host's forker (a copy of the host): root, started with `host=1`.
    static func isWarmSpare(_ pid: pid_t) -> Bool {
        guard let parent = WarmHostTests.parent(of: pid), WarmHostTests.owner(of: parent) == 0,
              let command = FileManager.default.contents(atPath: "/proc/\(parent)/cmdline")
        else { return false }
        return command.split(separator: 0).contains { $0.elementsEqual("host=1".utf8) }
    }

    /// Entries left in the runner's directory (each run's directory should be gone).
    var leftoverFiles: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: runner.runnerDirectory))?.filter { $0 != "lock" && $0 != "root" } ?? ["<runner directory missing>"]
    }

    func run(_ code: String, tests: String? = nil, entryPoint: String? = nil) async throws -> ExecResult {
        try await runner.run(SandboxJob(code: code, tests: tests, entryPoint: entryPoint))
    }
}

let addCode = "def add(a, b):\n    return a + b\n"
let addTests = "def check(candidate):\n    assert candidate(2, 3) == 5\n    assert candidate(-1, 1) == 0\n"
