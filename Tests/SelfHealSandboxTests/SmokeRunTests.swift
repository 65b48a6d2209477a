import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// Without tests, an answer gets a smoke run: compiled, read for crude defects, imported. Each
/// crude failure below must fail it with a reason that names it; each working program, however
/// it is written, must pass.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct SmokeRunTests {
    let fixture: SandboxFixture

    init() throws { fixture = try SandboxFixture() }

    func smoke(_ code: String, entryPoint: String? = nil, timeout: Double? = nil) async throws -> ExecResult {
        try await fixture.runner.run(SandboxJob(code: code, entryPoint: entryPoint, timeoutSeconds: timeout, smoke: true))
    }

    static let crude: [(name: String, code: String, reason: String)] = [
        ("a pass stub", "def area(r):\n    \"\"\"Area of a circle.\"\"\"\n    pass\n", "the function 'area' is a stub: its body is only `pass`"),
        ("an ellipsis stub", "def area(r):\n    ...\n", "the function 'area' is a stub: its body is only `...`"),
        ("a NotImplementedError stub", "def area(r):\n    raise NotImplementedError('todo')\n", "is a stub: its body is only `raise NotImplementedError`"),
        ("a docstring-only body", "def area(r):\n    \"\"\"TODO\"\"\"\n", "is a stub: its body is only a docstring"),
        ("a loop that does nothing", "def wait():\n    while True:\n        pass\n    return 1\n", "the loop at line 2 can never end"),
        ("a promised value that can be missing", "def sign(x) -> int:\n    if x > 0:\n        return 1\n    elif x < 0:\n        return -1\n", "annotated to return int but can reach its end"),
        ("a syntax error", "def area(r)\n    return 3.14 * r * r\n", "SyntaxError"),
        ("raising at import", "raise RuntimeError('configuration missing')\ndef area(r):\n    return 3.14 * r * r\n", "RuntimeError: configuration missing"),
        ("exiting non-zero at import", "import sys\nsys.exit(2)\n", "the program exited with status 2"),
        ("a missing entry point", "def surface(r):\n    return 3.14 * r * r\n", "the answer defines no function 'area'"),
    ]

    @Test("a crude failure fails the smoke run and is named", arguments: crude.map(\.name))
    func crudeFailureIsCaught(_ name: String) async throws {
        let case_ = try #require(Self.crude.first { $0.name == name })
        let result = try await smoke(case_.code, entryPoint: name == "a missing entry point" ? "area" : nil)
        #expect(result.kind == .smoke)
        #expect(result.ran && !result.passed, "\(name) passed; stderr: \(result.stderrTail)")
        #expect(result.stderrTail.contains(case_.reason), "\(name): \(result.stderrTail)")
        #expect(fixture.leftoverFiles.isEmpty)
    }

    @Test("a hang at import is cut at the smoke run's time limit")
    func hangAtImportTimesOut() async throws {
        let result = try await smoke("import time\nwhile True:\n    time.sleep(0.05)\n", timeout: 1)
        #expect(result.ran && !result.passed && result.timedOut, "\(result.stderrTail)")
    }

    static let working: [(name: String, code: String)] = [
        ("a plain function", "def area(r: float) -> float:\n    return 3.14 * r * r\n"),
        ("every branch returns", "def sign(x) -> int:\n    if x > 0:\n        return 1\n    elif x < 0:\n        return -1\n    else:\n        return 0\n"),
        ("returns through try and raise", "def parse(s) -> int:\n    try:\n        return int(s)\n    except ValueError:\n        raise\n"),
        ("a server loop that sleeps", "import time\ndef serve() -> int:\n    while True:\n        time.sleep(1)\n"),
        ("an abstract method and an overload", """
            from abc import ABC, abstractmethod
            from typing import overload
            class Shape(ABC):
                @abstractmethod
                def area(self) -> float:
                    ...
            @overload
            def f(x: int) -> int: ...
            @overload
            def f(x: str) -> str: ...
            def f(x):
                return x
            """),
        ("a method that raises NotImplementedError in a base class", "class Base:\n    def run(self):\n        raise NotImplementedError\n"),
        ("a generator annotated with a value type", "def count() -> int:\n    yield 1\n"),
        ("a script that reads input at import", "n = int(input())\nprint(n * 2)\n"),
        ("a script that ends with sys.exit(0)", "print('done')\nimport sys\nsys.exit(0)\n"),
        ("a third-party import the sandbox lacks", "import numpy as np\ndef mean(xs):\n    return float(np.mean(xs))\n"),
        ("a __main__ guard that exits 3", "def main():\n    return 3\nif __name__ == '__main__':\n    import sys\n    sys.exit(main())\n"),
    ]

    @Test("working code passes the smoke run", arguments: working.map(\.name))
    func workingCodePasses(_ name: String) async throws {
        let case_ = try #require(Self.working.first { $0.name == name })
        let result = try await smoke(case_.code)
        #expect(result.ran && result.passed, "\(name) failed; stderr: \(result.stderrTail)")
    }

    @Test("an answer cannot fake a smoke pass by exiting 0 before its import ends")
    func earlyExitIsNotAPass() async throws {
        let result = try await smoke("def area(r):\n    return 1\nimport os\nos._exit(0)\n")
        #expect(result.exitCode == 0 && !result.passed, "\(result.stderrTail)")
        #expect(result.stderrTail.contains("before its import completed"))
    }
}
