import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// Every misbehaviour ends in a clean failed result, leaves no process and no file, and the
/// runner keeps working afterwards.
@Suite(.serialized)
struct SandboxRunnerTests {
    /// After each hostile program: nothing left, and the same runner still passes good code.
    private func expectCleanAndStillServing(_ fixture: SandboxFixture) async throws {
        let processesLeft = await fixture.leftoverProcesses()
        #expect(processesLeft.isEmpty, "processes left: \(processesLeft)")
        #expect(fixture.leftoverFiles.isEmpty, "files left: \(fixture.leftoverFiles)")
        let after = try await fixture.run(addCode, tests: addTests, entryPoint: "add")
        #expect(after.passed)
    }

    @Test(arguments: SandboxPath.allCases)
    func correctCodePasses(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let result = try await fixture.run(addCode, tests: addTests, entryPoint: "add")
        #expect(result.ran && result.passed && !result.timedOut)
        #expect(result.exitCode == 0)
        #expect(result.kind == .tests)
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func wrongAnswerFailsWithTheAssertion(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let wrong = "def add(a, b):\n    return a - b\n"
        let tests = "def check(candidate):\n    assert candidate(2, 3) == 5, 'add(2, 3) should be 5'\n"
        let result = try await fixture.run(wrong, tests: tests, entryPoint: "add")
        #expect(result.ran && !result.passed && !result.timedOut)
        #expect(result.exitCode == 1)
        #expect(result.stderrTail.contains("AssertionError: add(2, 3) should be 5"))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func syntaxErrorFails(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let result = try await fixture.run("def add(a, b)\n    return a + b\n", tests: addTests, entryPoint: "add")
        #expect(!result.passed)
        #expect(result.stderrTail.contains("SyntaxError"))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func syntaxCheckWithoutTestsCompilesOnly(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // Compiling must not run the code: the infinite loop would otherwise time out.
        let good = try await fixture.run("def add(a, b):\n    return a + b\n\nwhile True:\n    pass\n")
        #expect(good.kind == .syntax && good.passed && !good.timedOut)
        let bad = try await fixture.run("def add(a, b)\n    return a + b\n")
        #expect(bad.kind == .syntax && !bad.passed)
        #expect(bad.stderrTail.contains("SyntaxError"))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func exceptionFails(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let result = try await fixture.run("def add(a, b):\n    return a / 0\n", tests: addTests, entryPoint: "add")
        #expect(!result.passed && !result.timedOut)
        #expect(result.stderrTail.contains("ZeroDivisionError"))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func infiniteLoopIsKilledAtTheTimeout(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let start = ContinuousClock.now
        let result = try await fixture.run("def add(a, b):\n    while True:\n        pass\n", tests: addTests, entryPoint: "add")
        let elapsed = ContinuousClock.now - start
        #expect(result.timedOut && !result.passed)
        #expect(result.stderrTail.contains("wall-clock timeout"))
        // Killed at its 3 s timeout, not left to run: well before the suite's own limit.
        #expect(elapsed >= .seconds(3) && elapsed < .seconds(20))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func sleepingProgramIsKilledAtTheTimeout(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // Uses no CPU, so only the wall clock can stop it.
        let result = try await fixture.run("import time\ntime.sleep(600)\n", tests: "")
        #expect(result.timedOut && !result.passed)
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func forkBombFailsCleanly(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let bomb = """
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
            """
        let result = try await fixture.run(bomb, tests: "")
        #expect(!result.passed)
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func processThatLeavesTheGroupIsStillKilled(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // A daemon: double fork and setsid, then the parent exits 0 at once.
        let daemon = """
            import os, time
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(600)
                os._exit(0)
            """
        let result = try await fixture.run(daemon, tests: "")
        #expect(result.ran)
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func hangingProgramThatLeftTheGroupIsKilledAtTheTimeout(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        // Killing the process group at the deadline misses it; the sandbox must not.
        let result = try await fixture.run("import os, time\nos.setsid()\nwhile True:\n    time.sleep(1)\n", tests: "")
        #expect(result.timedOut && !result.passed)
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func tenGigabyteAllocationFails(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let result = try await fixture.run("data = bytearray(10 * 1024 ** 3)\n", tests: "")
        #expect(!result.passed && !result.timedOut)
        #expect(result.stderrTail.contains("MemoryError"))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(arguments: SandboxPath.allCases)
    func hugeFileWriteFails(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let writer = """
            with open("big.bin", "wb") as f:
                for _ in range(1024):
                    f.write(b"x" * (1024 * 1024))
            """
        let result = try await fixture.run(writer, tests: "")
        #expect(!result.passed)
        #expect(result.stderrTail.contains("File too large") || result.stderrTail.contains("file size limit"))
        try await expectCleanAndStillServing(fixture)
    }

    @Test(.enabled(if: SandboxFixture.machineIsolation.mode != .rlimitsOnly, "needs mount namespaces"), arguments: SandboxPath.allCases)
    func writesOutsideTheJobDirectoryDoNotReachTheHost(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let marker = "selfheal-sandbox-escape-\(UUID().uuidString)"
        let result = try await fixture.run("for d in ('/tmp', '/var/tmp', '/dev/shm'):\n    open(d + '/\(marker)', 'w').write('x')\n", tests: "")
        #expect(result.passed)
        for directory in ["/tmp", "/var/tmp", "/dev/shm"] {
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/\(marker)"))
        }
        try await expectCleanAndStillServing(fixture)
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to make a root-only file"), arguments: SandboxPath.allCases)
    func rootOnlyFileIsUnreadable(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let secret = "/root/selfheal-sandbox-secret-\(UUID().uuidString)"
        try #require(FileManager.default.createFile(atPath: secret, contents: Data("hunter2".utf8), attributes: [.posixPermissions: 0o600]))
        defer { try? FileManager.default.removeItem(atPath: secret) }
        for path in [secret, "/etc/shadow"] {
            let result = try await fixture.run("print(open('\(path)').read())\n", tests: "")
            #expect(!result.passed)
            // Outside the run's view (namespaces) or not readable by its uid (rlimits only).
            #expect(result.stderrTail.contains("PermissionError") || result.stderrTail.contains("FileNotFoundError"), "\(result.stderrTail)")
        }
        try await expectCleanAndStillServing(fixture)
    }

    @Test(.enabled(if: SandboxFixture.machineIsolation.networkIsolated, "this machine allows no network namespace"), arguments: SandboxPath.allCases)
    func networkSocketCannotConnect(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let client = "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        let result = try await fixture.run(client, tests: "")
        #expect(!result.passed && !result.timedOut)
        // No socket at all under the seccomp filter; no route without it.
        #expect(
            result.stderrTail.contains("Network is unreachable") || result.stderrTail.contains("OSError")
                || result.stderrTail.contains("PermissionError: [Errno 1] Operation not permitted"),
            "\(result.stderrTail)"
        )
        try await expectCleanAndStillServing(fixture)
    }

    /// No variable of selfheal's own environment reaches a program: only the configured ones
    /// and HOME/TMPDIR. The variables looked for are the test process's own, as it started:
    /// setting one here (`setenv`) raced with Foundation's `Process.run` in other suites, which
    /// copies the environment, and once crashed the test process.
    @Test(arguments: SandboxPath.allCases)
    func environmentIsScrubbed(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let allowed = Set(fixture.runner.configuration.environment.keys).union(["HOME", "TMPDIR"])
        let isName = try Regex("^[A-Za-z_][A-Za-z0-9_]*$")
        let ours = ProcessInfo.processInfo.environment.keys.filter { !allowed.contains($0) && $0.wholeMatch(of: isName) != nil }.sorted()
        try #require(!ours.isEmpty, "the test process has no variable of its own to look for")
        let names = ours.map { "'\($0)'" }.joined(separator: ", ")
        let result = try await fixture.run("import os\nleaked = [n for n in [\(names)] if n in os.environ]\nassert not leaked, leaked\n", tests: "")
        #expect(result.passed, "\(result.stderrTail)")
    }

    /// A program that ends itself with `os._exit`: the status (as the kernel keeps it, the low
    /// byte) and what it wrote first are the same on both paths (a warm job's `os._exit` reports
    /// its status before the kernel has torn the process down).
    @Test(arguments: SandboxPath.allCases)
    func osExitStatusAndOutput(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        for (status, expected) in [(7, 7), (300, 44)] {
            let result = try await fixture.run("import os, sys\nsys.stderr.write('on my way out\\n')\nsys.stderr.flush()\nos._exit(\(status))\n", tests: "")
            #expect(!result.passed)
            #expect(result.exitCode == expected)
            #expect(result.stderrTail.contains("on my way out"), "\(result.stderrTail)")
        }
    }

    /// A warm run may start as many threads, and as many processes, as a cold run: a warm
    /// host's own processes (the host, its forker, its checker) are not taken from the run's
    /// process limit.
    static let roomProbes = [
        "threads": """
            import sys, threading
            # Small stacks: the process limit, not the address space, is what stops them.
            threading.stack_size(1 << 16)
            release, started = threading.Event(), 0
            try:
                for _ in range(200):
                    threading.Thread(target=release.wait).start()
                    started += 1
            except RuntimeError:
                pass
            release.set()
            print("started", started, file=sys.stderr)
            """,
        "processes": """
            import os, sys
            read_end, write_end = os.pipe()
            children = []
            try:
                for _ in range(200):
                    pid = os.fork()
                    if pid == 0:
                        os.close(write_end)
                        os.read(read_end, 1)
                        os._exit(0)
                    children.append(pid)
            except OSError:
                pass
            os.close(write_end)
            for pid in children:
                os.waitpid(pid, 0)
            print("started", len(children), file=sys.stderr)
            """,
    ]

    @Test(arguments: roomProbes.keys.sorted())
    func aWarmRunHasAColdRunsProcessRoom(_ probe: String) async throws {
        let program = try #require(Self.roomProbes[probe])
        var room: [SandboxPath: String] = [:]
        for path in SandboxPath.allCases {
            let fixture = try SandboxFixture(maxConcurrent: 1, path: path)
            let result = try await fixture.run(program, tests: "")
            room[path] = result.stderrTail.split(separator: "\n").first { $0.hasPrefix("started") }.map(String.init)
        }
        #expect(room[.warm] != nil && room[.warm] == room[.cold], "\(room)")
    }

    /// A child the answer forks and ends with `os._exit(0)` (as `multiprocessing` does) says
    /// nothing about the run: the answer's own process goes on and is judged, on both paths.
    @Test(arguments: SandboxPath.allCases)
    func aForkedChildsExitIsNotTheRunsEnd(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let code = """
            import os, time
            child = os.fork()
            if child == 0:
                os._exit(0)
            os.waitpid(child, 0)
            time.sleep(0.2)
            def add(a, b):
                return a + b
            """
        let result = try await fixture.run(code, tests: "def check(candidate):\n    assert candidate(2, 3) == 5\n", entryPoint: "add")
        #expect(result.passed, "\(result.stderrTail)")
        let failing = try await fixture.run(code.replacingOccurrences(of: "a + b", with: "a - b"), tests: "def check(candidate):\n    assert candidate(2, 3) == 5\n", entryPoint: "add")
        #expect(!failing.passed && failing.exitCode == 1, "\(failing.stderrTail)")
    }

    @Test(arguments: SandboxPath.allCases)
    func stderrIsCappedToItsTail(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let noisy = "import sys\nfor i in range(200000):\n    sys.stderr.write('line %d\\n' % i)\nraise RuntimeError('the end')\n"
        let result = try await fixture.run(noisy, tests: "")
        #expect(!result.passed)
        #expect(result.stderrTail.utf8.count <= 2_100)
        #expect(result.stderrTail.hasSuffix("the end\n") || result.stderrTail.hasSuffix("the end"))
    }
}
