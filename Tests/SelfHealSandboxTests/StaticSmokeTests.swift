import Foundation
import SelfHealCore
import Testing
@testable import SelfHealSandbox

/// A smoke run of an answer whose import can only bind names is answered by the warm host's
/// checker without a fork; every other answer goes down the forked path. Either way the
/// verdict is the cold path's.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StaticSmokeTests {
    /// (name, answer, entry point, whether the checker may answer it without running it).
    static let answers: [(name: String, code: String, entry: String?, withoutFork: Bool)] = [
        ("a plain function", addCode, "add", true),
        ("typing annotations over loaded modules", """
            from typing import Dict, List, Optional
            import math

            def largest(values: List[int], names: Dict[str, int] | None = None) -> Optional[int]:
                \"\"\"The largest value.\"\"\"
                return max(values) if values else None
            """, "largest", true),
        ("a class with methods, a constant and a main block", """
            class Stack:
                \"\"\"A stack.\"\"\"
                limit: int = 10

                def __init__(self) -> None:
                    self.items: list[int] = []

                def push(self, item: int) -> None:
                    self.items.append(item)

                @property
                def size(self) -> int:
                    return len(self.items)

            if __name__ == "__main__":
                print(Stack().size)
            """, "Stack", true),
        ("postponed annotations naming nothing", "from __future__ import annotations\n\ndef f(x: Missing) -> Missing:\n    return x\n", "f", true),
        ("constants and a subclass", "LIMIT = 10\nNAMES = ('a', 'b')\n\nclass Oops(ValueError):\n    pass\n\ndef f():\n    return LIMIT\n", "f", true),
        ("a cache decorator, applied to a stand-in", "from functools import lru_cache\n\n@lru_cache(maxsize=None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n", "fib", true),
        ("a dataclass, made from stand-ins", "from dataclasses import dataclass\nfrom typing import ClassVar\n\n@dataclass(order=True)\nclass Point:\n    made: ClassVar[int] = 0\n    x: int\n    y: float = 0.0\n\n    def norm(self) -> float:\n        return abs(self.x) + abs(self.y)\n", "Point", true),
        ("the 60-line benchmark answer", BenchmarkAnswer.code, "summarize", true),
        ("a cache decorator given a wrong argument", "from functools import lru_cache\n\n@lru_cache('x')\ndef fib(n):\n    return n\n", "fib", false),
        ("a dataclass with a mutable default", "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    x: list = []\n", "P", false),
        ("a dataclass field without a default after one with", "from dataclasses import dataclass\n\n@dataclass\nclass P:\n    x: int = 1\n    y: int\n", "P", false),
        ("a dataclass told to overwrite a method it has", "from dataclasses import dataclass\n\n@dataclass(order=True)\nclass P:\n    x: int\n\n    def __lt__(self, other):\n        return True\n", "P", false),
        ("a decorator name rebound by the answer", "from functools import lru_cache\nlru_cache = 3\n\n@lru_cache\ndef f():\n    return 1\n", "f", false),
        ("a call at import", "print('hello')\n\ndef f():\n    return 1\n", "f", false),
        ("a module the sandbox lacks", "import numpy\n\ndef f():\n    return 1\n", "f", false),
        ("an annotation naming nothing", "def f(x: Foo) -> int:\n    return 1\n", "f", false),
        ("a typing subscript with too few arguments", "from typing import Dict\n\ndef f(x: Dict[int]) -> int:\n    return 1\n", "f", false),
        ("an environment variable as annotation", "import os\n\ndef f() -> os.environ['SELFHEAL_NOT_SET']:\n    return 1\n", "f", false),
        ("a name its module lacks", "from collections import Countr\n\ndef f():\n    return 1\n", "f", false),
        ("a relative import", "from . import helpers\n\ndef f():\n    return 1\n", "f", false),
        ("no such entry point", addCode, "subtract", false),
        ("an entry point that is a constant", "solve = 5\n", "solve", false),
        ("slots that clash with a class variable", "class A:\n    __slots__ = ('x',)\n    x = 1\n", "A", false),
        ("a method annotated with its class before it exists", "class Node:\n    def child(self) -> Node:\n        return self\n", "Node", false),
        ("a class name shadowing a builtin in an annotation", "class A:\n    list = 3\n\n    def f(self) -> list[int]:\n        return []\n", "A", false),
        ("a main block with an else", "def f():\n    return 1\n\nif __name__ == '__main__':\n    pass\nelse:\n    raise SystemExit(3)\n", "f", false),
        ("a stub", "def f():\n    pass\n", "f", false),
        ("a compile warning", "def f(x):\n    return x is 1\n", "f", false),
        ("a base that cannot be subclassed", "class Flag(bool):\n    pass\n", "Flag", false),
        ("an unhashable default", "def f(x={[1]: 2}):\n    return x\n", "f", false),
        ("a syntax error", "def f(:\n    return 1\n", "f", false),
        // Found by a review: each of these once passed without a fork, and fails when imported.
        ("a default that calls a rebound name", "set = 5\n\ndef solve(x=set()):\n    return x\n", "solve", false),
        ("a name from __main__, another module in a job", "from __main__ import send as solve\n", "solve", false),
        ("an attribute of __main__ in an annotation", "import __main__ as m\n\ndef solve(x: m.CHECKER):\n    return 1\n", "solve", false),
        ("a __future__ feature bound to a builtin's name", "from __future__ import division as list\n\ndef solve(x: list[int]):\n    return x\n", "solve", false),
        ("a module bound to __annotations__", "import os as __annotations__\nx: int = 1\n\ndef solve():\n    return x\n", "solve", false),
        ("a private name mangled in a class body", "__T = 5\n\nclass A:\n    x: __T = 1\n\ndef solve():\n    return 1\n", "solve", false),
        ("import a.b as c binds a's attribute", "import unittest.main as m\n\ndef solve(x: m.MAIN_EXAMPLES):\n    return 1\n", "solve", false),
        ("an attribute of something not a module", "import ctypes\n\ndef solve(x: ctypes.cdll.selfheal_nothing):\n    return 1\n", "solve", false),
        // Found by a third review, of the decorators applied to stand-ins.
        ("a dataclass reading string annotations through its module", "import dataclasses\n\n@dataclasses.dataclass\nclass solve:\n    a: 'dataclasses.KW_ONLY'\n    b: 'dataclasses.KW_ONLY'\n", "solve", false),
        ("a classmethod over a property a dataclass reads", "from dataclasses import dataclass\n\n@dataclass\nclass solve:\n    x: int\n\n    @classmethod\n    @property\n    def x(cls):\n        return []\n", "solve", false),
        ("a field name mangled in a dataclass", "from dataclasses import dataclass\n\n@dataclass\nclass solve:\n    __y: int\n    _solve__y = []\n", "solve", false),
        ("a dataclass over a hand-written __init__", "from dataclasses import dataclass\n\nclass A:\n    def __init__():\n        return None\n\n@dataclass(init=False)\nclass solve(A):\n    x: int = 0\n", "solve", false),
        // Found by a fourth review: the job keeps every annotation's value, the checker dropped each.
        ("annotations that together exhaust the job's memory", "X = {" + (0..<30000).map { "\($0): 0" }.joined(separator: ", ") + "}\n"
            + (0..<500).map { "a\($0): X | X\n" }.joined() + "\ndef solve(x):\n    return x\n", "solve", false),
        ("a deep tree that compiles", "def solve(x):\n    return " + Array(repeating: "x", count: 150).joined(separator: " | ") + "\n", "solve", true),
        ("a forward reference typing compiles near its limit", "import typing\nx: typing.List[\"" + String(repeating: "-", count: 2946) + "1\"]\n\ndef solve():\n    return 1\n", "solve", false),
        ("a tree too deep for the job's compiler", "def solve(x):\n    return " + Array(repeating: "x", count: 1200).joined(separator: " | ") + "\n", "solve", false),
    ]

    @Test("each answer's smoke run gets the cold path's verdict, and only an import that can only bind names skips the fork")
    func verdictsMatchTheColdPath() async throws {
        let fixture = try SandboxFixture(timeout: .seconds(10), maxConcurrent: 1)
        try #require(fixture.runner.warmHostStats != nil, "no warm hosts on this machine")
        var mismatches: [String] = []
        for answer in Self.answers {
            var cold = SandboxJob(code: answer.code, entryPoint: answer.entry, smoke: true)
            cold.warmHost = false
            let expected = WarmHostTests.Verdict(try await fixture.runner.run(cold))
            let before = fixture.runner.warmHostStats?.checkedWithoutFork ?? 0
            let warm = WarmHostTests.Verdict(try await fixture.runner.run(SandboxJob(code: answer.code, entryPoint: answer.entry, smoke: true)))
            let withoutFork = (fixture.runner.warmHostStats?.checkedWithoutFork ?? 0) > before
            if warm != expected { mismatches.append("\(answer.name): warm \(warm), cold \(expected)") }
            if withoutFork != answer.withoutFork { mismatches.append("\(answer.name): without a fork \(withoutFork), expected \(answer.withoutFork)") }
            if answer.withoutFork && !expected.passed { mismatches.append("\(answer.name): the cold path fails it: \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(await fixture.leftoverProcesses().isEmpty)
    }

    @Test("a smoke run with worked examples in the request runs them in a fork; a request that states none needs no fork")
    func examplesAreRun() async throws {
        let fixture = try SandboxFixture(maxConcurrent: 1)
        try #require(fixture.runner.warmHostStats != nil, "no warm hosts on this machine")
        let wrong = "def add(a, b):\n    return a * b\n"
        for text in ["add(2, 3) == 5", "Add two numbers.\n>>> add(2, 3)\n5\n", "assert add(2, 3) == 5", "Input: 2, 3\nOutput: 5", "add(2, 3) -> 5"] {
            let result = try await fixture.runner.run(SandboxJob(code: wrong, entryPoint: "add", smoke: true, requestText: text))
            #expect(!result.passed && result.kind == .examples, "\(text): \(result)")
        }
        #expect(fixture.runner.warmHostStats?.checkedWithoutFork == 0)
        // Parentheses, but no example: the import alone decides.
        let plain = try await fixture.runner.run(SandboxJob(
            code: addCode, entryPoint: "add", smoke: true, requestText: "Write a function add(a, b) that returns the sum of two numbers.\r\nÉcris-la."
        ))
        #expect(plain.passed && plain.kind == .smoke, "\(plain)")
        #expect(fixture.runner.warmHostStats?.checkedWithoutFork == 1)
    }
}
