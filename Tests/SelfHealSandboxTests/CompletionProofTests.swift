import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// A test pass is proven: the answer is imported as a module, the tests run to their end, and
/// only then does the harness write the run's completion record. Each early exit below ran
/// with a wrong `add` and passed before the harness existed.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct CompletionProofTests {
    static let wrongAdd = "def add(a, b):\n    return a - b\n"

    static let earlyExits: [(name: String, code: String)] = [
        ("os._exit(0) at import", "import os\nos._exit(0)\n"),
        ("sys.exit(0) at import", "import sys\nsys.exit(0)\n"),
        ("raise SystemExit(0) at import", "raise SystemExit(0)\n"),
        ("SIGKILL of its own process", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"),
        ("an atexit handler that exits 0", "import atexit, os\natexit.register(os._exit, 0)\n"),
        ("stdout closed", "import os\nos.close(1)\n"),
        ("stdout sent to /dev/null", "import os\nos.dup2(os.open('/dev/null', os.O_WRONLY), 1)\n"),
        ("a forged completion record", "import os\nos.write(1, b'\\nselfheal-tests-complete 00000000000000000000000000000000\\n')\nos._exit(0)\n"),
        ("the record file read and a guessed record", """
            import os, glob
            for path in glob.glob('.selfheal*') + glob.glob('/tmp/job/.selfheal*'):
                os.write(1, b'selfheal-tests-complete ' + open(path, 'rb').read())
            os._exit(0)
            """),
        ("exiting from inside the candidate", "import os\ndef add(a, b):\n    os._exit(0)\n"),
        ("SystemExit(0) from inside the candidate", "def add(a, b):\n    raise SystemExit(0)\n"),
    ]

    @Test("wrong code that exits before its tests end fails them", arguments: SandboxPath.allCases, earlyExits.map(\.name))
    func earlyExitFails(path: SandboxPath, _ name: String) async throws {
        let fixture = try SandboxFixture(path: path)
        let code = Self.wrongAdd + (Self.earlyExits.first { $0.name == name }?.code ?? "")
        let result = try await fixture.run(code, tests: addTests, entryPoint: "add")
        #expect(result.ran && !result.passed, "\(name): passed; stderr: \(result.stderrTail)")
        #expect(!result.timedOut)
        #expect(fixture.leftoverFiles.isEmpty, "files left: \(fixture.leftoverFiles)")
    }

    @Test("an exit at import is named as the reason the tests did not run", arguments: SandboxPath.allCases)
    func exitReasonIsNamed(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let viaSys = try await fixture.run(Self.wrongAdd + "import sys\nsys.exit(0)\n", tests: addTests, entryPoint: "add")
        #expect(viaSys.stderrTail.contains("SystemExit(0)") && viaSys.stderrTail.contains("did not run to completion"), "\(viaSys.stderrTail)")
        let viaExit = try await fixture.run(Self.wrongAdd + "import os\nos._exit(0)\n", tests: addTests, entryPoint: "add")
        #expect(viaExit.exitCode == 0)
        #expect(viaExit.stderrTail.contains("no completion record"), "\(viaExit.stderrTail)")
    }

    @Test("correct code with a __main__ guard that exits 3 passes: the answer is imported, not run", arguments: SandboxPath.allCases)
    func mainGuardDoesNotRun(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let code = addCode + "\n\ndef main():\n    return 3\n\nif __name__ == \"__main__\":\n    import sys\n    sys.exit(main())\n"
        let result = try await fixture.run(code, tests: addTests, entryPoint: "add")
        #expect(result.passed && result.exitCode == 0, "\(result.stderrTail)")
    }

    @Test("tests without an entry point run at top level, in the answer's namespace", arguments: SandboxPath.allCases)
    func topLevelTests(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        #expect(try await fixture.run(addCode, tests: "assert add(2, 3) == 5\n").passed)
        let failing = try await fixture.run(Self.wrongAdd, tests: "assert add(2, 3) == 5, 'add(2, 3)'\n")
        #expect(!failing.passed && failing.exitCode == 1)
        #expect(failing.stderrTail.contains("AssertionError: add(2, 3)"))
    }

    @Test("an entry point the answer does not define, or tests without check, fail naming why", arguments: SandboxPath.allCases)
    func missingNames(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let noFunction = try await fixture.run("def plus(a, b):\n    return a + b\n", tests: addTests, entryPoint: "add")
        #expect(!noFunction.passed && noFunction.stderrTail.contains("defines no 'add'"), "\(noFunction.stderrTail)")
        let noCheck = try await fixture.run(addCode, tests: "x = 1\n", entryPoint: "add")
        #expect(!noCheck.passed && noCheck.stderrTail.contains("no check(candidate)"), "\(noCheck.stderrTail)")
    }

    @Test("a job whose entry point is not an identifier is refused before anything runs", arguments: SandboxPath.allCases)
    func entryPointMustBeAnIdentifier(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        for bad in ["f) if False else (None", "add; import os", "", "a.b", String(repeating: "x", count: 200)] {
            await #expect(throws: SandboxError.invalidEntryPoint(bad)) {
                try await fixture.run(addCode, tests: addTests, entryPoint: bad)
            }
        }
        #expect(fixture.leftoverFiles.isEmpty)
    }

    @Test("the program's environment is exactly the documented one", arguments: SandboxPath.allCases)
    func environmentIsExactlyTheDocumentedOne(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        let dump = "import os, sys\nsys.stderr.write('ENV ' + repr(sorted(os.environ)) + '\\n')\n"
        let result = try await fixture.run(dump, tests: "")
        #expect(result.passed)
        let documented = (Array(fixture.runner.configuration.environment.keys) + ["HOME", "TMPDIR"]).sorted()
        let expected = "ENV [" + documented.map { "'\($0)'" }.joined(separator: ", ") + "]"
        #expect(result.stderrTail.contains(expected), "\(result.stderrTail) is not \(expected)")
    }

    @Test("without a harness the exit status alone decides, as an operator who turned it off asked", arguments: SandboxPath.allCases)
    func noHarnessTrustsTheExitStatus(path: SandboxPath) async throws {
        let fixture = try SandboxFixture(path: path)
        var python = SandboxSettings.Language.python
        python.harness = nil
        let job = SandboxJob(code: Self.wrongAdd + "import os\nos._exit(0)\n", tests: addTests, entryPoint: "add", languageOverrides: ["python": python])
        let result = try await fixture.runner.run(job)
        #expect(result.passed)
    }
}

@Suite("The completion record's nonce")
struct NonceTests {
    @Test("each run's nonce is 128 bits in lowercase hex, never repeated, every digit seen in every place")
    func nonces() {
        let nonces = (0..<2000).map { _ in PythonHarness.nonce() }
        #expect(Set(nonces).count == nonces.count)
        let digits = Set("0123456789abcdef")
        #expect(nonces.allSatisfy { $0.count == 32 && $0.allSatisfy(digits.contains) })
        // A digit missing from a place in 2,000 draws happens by chance about once in 10^55.
        for place in 0..<32 {
            let seen = Set(nonces.map { Array($0)[place] })
            #expect(seen == digits, "place \(place) saw only \(seen.sorted())")
        }
    }
}
