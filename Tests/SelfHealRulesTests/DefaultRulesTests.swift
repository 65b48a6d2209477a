import SelfHealCore
import Testing
@testable import SelfHealRules

/// The shipped rules reward what a careful reviewer rewards: an answer written for a
/// thorough prompt scores high, one written for a vague prompt scores low.
@Suite struct DefaultRulesTests {
    let engine: RulesEngine

    init() throws {
        engine = try RulesEngine(directory: shippedRules, logger: quietLogger)
    }

    static let vague = """
    def is_prime(n):
        if n < 2:
            return False
        for d in range(2, int(n ** 0.5) + 1):
            if n % d == 0:
                return False
        return True
    """

    static let thorough = """
    def is_prime(n: int) -> bool:
        \"\"\"Return True when n is prime.

        >>> is_prime(7)
        True
        \"\"\"
        if not isinstance(n, int):
            raise TypeError("n must be an int")
        if n < 2:
            return False
        for d in range(2, int(n ** 0.5) + 1):
            if n % d == 0:
                return False
        return True


    if __name__ == "__main__":
        print(is_prime(7))
    """

    @Test func thoroughAnswersScoreHighAndVagueOnesLow() {
        let request = "Write a function called `is_prime` with a docstring, type hints, input validation and examples."
        let high = engine.scoreBlocking(pythonContext(request, Self.thorough))
        let low = engine.scoreBlocking(pythonContext("Write a function called is_prime.", Self.vague))
        #expect(high.ruleScore == 1, "\(high.rules)")
        #expect((low.ruleScore ?? 1) < 0.6, "\(low.rules)")
        #expect(low.result("has_docstring")?.score == 0)
        #expect(low.result("has_type_hints")?.score == 0)
        #expect(low.result("handles_invalid_input")?.score == 0)
        #expect(low.result("examples_when_asked") == nil) // not asked for: does not apply
        #expect(low.failedRequired.isEmpty)
    }

    @Test(arguments: [
        ("Write is_prime with a docstring and examples.", true),
        ("Write is_prime, with usage examples and unit tests.", true),
        ("Write is_prime and demonstrate how to call it.", true),
        ("Write is_prime. Example: input 7, output True", false),
        ("Write is_prime. For example, is_prime(7) -> True", false),
        ("Write is_prime.\n>>> is_prime(7)\nTrue\nExamples: is_prime(4) == False", false),
        ("Write a function to test whether n is prime.", false),
        // a stem inside another word is no ask; one in capitals is
        ("Write is_prime with contests and attestation in mind.", false),
        ("Write is_prime with a Sample run.", true),
        ("Write is_prime.", false),
    ])
    func examplesAreAskedForOnlyWhenTheRequestAsks(request: String, asks: Bool) {
        let score = engine.scoreBlocking(pythonContext(request, Self.vague))
        #expect((score.result("examples_when_asked") != nil) == asks, "\(request): \(score.result("examples_when_asked")?.reason ?? "does not apply")")
    }

    /// Half for the return annotation, half spread over the parameters (not `self`), split at
    /// commas outside brackets; the answer's score is the mean over its functions.
    @Test(arguments: [
        ("def f(a: Dict[str, int], b=g(1, 2), *args, c: int = 0, **kw) -> int:\n    return a\n", 0.7),
        ("def f(a: Dict[str, int], b=g(1, 2), *args, c: int = 0, **kw) -> int:\n    return a\n\nclass C:\n    def m(self, x: int):\n        return x\n", 0.6),
        ("def f(a: Tuple[int, int] = (1, 2), b: Callable[[int], int] = {1: 2}.get) -> None:\n    pass\n", 1.0),
        ("def f(self):\n    return 1\n", 0.0),
    ])
    func typeHintsAreCountedPerParameter(code: String, expected: Double) throws {
        let score = try #require(engine.scoreBlocking(pythonContext("Write f.", code)).result("has_type_hints")?.score)
        #expect(abs(score - expected) < 1e-9, "\(code): \(score)")
    }

    @Test(arguments: [
        ("Write a function called `is_prime` that checks primes.", "is_prime"),
        ("Write a Python function named fizz_buzz.", "fizz_buzz"),
        ("Implement the function merge_sorted(a, b) for two lists.", "merge_sorted"),
        ("Write a function called 'reverse_words' please", "reverse_words"),
        ("Create `count_vowels(s)` returning the number of vowels.", "count_vowels"),
        // Each of the rule's patterns, capitals where it allows them.
        ("Write `def parse_line` for the log format.", "parse_line"),
        ("Write the Function `slugify` for titles.", "slugify"),
        ("Write a Function Called tokenize for the lexer.", "tokenize"),
        ("Write a function Named normalize for paths.", "normalize"),
        ("Add a class Named \"Matrix\" with a determinant.", "Matrix"),
        ("Start from def area(w, h) and finish it.", "area"),
        ("We need the helper Called chunk_list here.", "chunk_list"),
        ("Keep the helper named flatten_dict as it is.", "flatten_dict"),
    ])
    func requestedFunctionNameIsFound(request: String, name: String) {
        let right = engine.scoreBlocking(pythonContext(request, "def \(name)(x):\n    return x\n"))
        #expect(right.result("defines_requested_function")?.score == 1, "\(right.result("defines_requested_function")?.reason ?? "")")
        let wrong = engine.scoreBlocking(pythonContext(request, "def something_else(x):\n    return x\n"))
        #expect(wrong.result("defines_requested_function")?.score == 0)
        #expect(wrong.result("defines_requested_function")?.reason.contains(name) == true)
    }

    @Test func noRequestedNameMeansTheRuleDoesNotApply() {
        let score = engine.scoreBlocking(pythonContext("Write a function that is called with a list and sorts it.", "def f(xs):\n    return sorted(xs)\n"))
        #expect(score.result("defines_requested_function") == nil)
    }

    @Test(arguments: [
        ("x = eval(input())", false),
        ("exec(code)", false),
        ("import os\nos.system('ls ' + path)", false),
        ("import subprocess\nsubprocess.run(cmd, shell=True)", false),
        ("import pickle\ndata = pickle.loads(request.body)", false),
        ("model.eval()\nvalue = ast.literal_eval(text)", true),
        ("import subprocess\nsubprocess.run(['ls', path], check=True)", true),
        ("def f():\n    \"\"\"Never use eval() here.\"\"\"\n    return 1  # not exec(x)", true),
    ])
    func dangerousCallsFailTheVerdict(code: String, safe: Bool) {
        let score = engine.scoreBlocking(pythonContext("Write a helper.", code))
        #expect(score.result("no_dangerous_calls")?.score == (safe ? 1 : 0), "\(score.result("no_dangerous_calls")?.reason ?? "")")
        #expect(score.failedRequired.contains("no_dangerous_calls") == !safe)
    }

    @Test(arguments: [
        "def f(x):\n    # TODO: handle errors\n    return x",
        "def f(x):\n    pass  # implement",
        "def f(x):\n    ...",
        "def f(x):\n    raise NotImplementedError",
    ])
    func placeholdersAreCaught(code: String) {
        #expect(engine.scoreBlocking(pythonContext("Write f.", code)).result("no_placeholders")?.score == 0)
    }

    @Test func aDoctestContinuationLineIsNotAPlaceholder() {
        let code = "def f(xs):\n    \"\"\"Sum.\n\n    >>> f([1,\n    ...    2])\n    3\n    ...\n    \"\"\"\n    return sum(xs)\n"
        let score = engine.scoreBlocking(pythonContext("Write f.", code))
        #expect(score.result("no_placeholders")?.score == 1, "\(score.result("no_placeholders")?.reason ?? "")")
        let stub = engine.scoreBlocking(pythonContext("Write f.", "def f(xs):\n    \"\"\"Sum.\"\"\"\n    ...\n"))
        #expect(stub.result("no_placeholders")?.score == 0)
    }

    @Test func failingSuppliedTestsFailTheVerdict() {
        let exec = ExecResult(ran: true, passed: false, timedOut: false, exitCode: 1, durationMs: 40, stderrTail: "Traceback...\nAssertionError: 3 != 4\n")
        let score = engine.scoreBlocking(pythonContext("Write f.", "def f(x):\n    return x", exec: exec))
        #expect(score.result("tests_pass")?.reason == "supplied tests fail (exit 1): AssertionError: 3 != 4")
        #expect(score.failedRequired.contains("tests_pass"))
    }

    @Test func otherTaskTypesHaveTheirOwnRules() {
        for sample in SampleOutputs.samples {
            let score = engine.scoreBlocking(sample.context)
            #expect(!score.rules.isEmpty, "\(sample.label)")
            let good = sample.label.hasSuffix("good")
            #expect(good ? score.ruleScore == 1 : (score.ruleScore ?? 1) < 0.7, "\(sample.label): \(score.rules)")
        }
    }
}
