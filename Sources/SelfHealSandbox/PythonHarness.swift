#if canImport(Glibc)
import Glibc
#endif
import SelfHealCore

/// The program that runs Python tests so that a pass is proven: it imports the answer as the
/// module `solution` (a `__main__` guard in the answer does not run), runs the tests in the
/// answer's namespace, calls `check(entry_point)`, and only when all of that returned writes
/// the run's nonce to stdout. The host made the nonce and wrote it to a file the harness reads
/// and deletes before the answer is imported, so an answer that exits early (`sys.exit(0)`,
/// `os._exit(0)`, `raise SystemExit`, killing itself, closing its descriptors) ends without
/// the record and fails, whatever its exit status.
///
/// What it does not prove: code written to attack the harness can find the nonce in the
/// process's memory (Python lets any code walk the frames and objects of its process), and an
/// answer can make `check`'s assertions hold dishonestly (an object whose `__eq__` is always
/// true, patching what the tests use). The README's sandbox section says so.
enum PythonHarness {
    static let answerFile = "solution.py"
    static let testsFile = "tests.py"
    static let nonceFile = ".selfheal-nonce"
    /// The request's text, for the smoke run to find worked examples in (`PythonExamples`).
    static let requestFile = "request.txt"
    /// Written (with the nonce) before a smoke run starts on the request's examples: a run that
    /// fails or hangs after it failed on an example.
    static let examplesPrefix = "selfheal-examples "
    static let mainFile = "main.py"
    static let recordPrefix = "selfheal-tests-complete "

    /// The harness: the same text for every run of a kind (the entry point comes as the
    /// program's one argument, `arguments(entryPoint:)`), so a warm host compiles it once.
    /// `smoke`: no tests. The answer is compiled, read for crude defects (`PythonCrudeCheck`)
    /// before any of it runs, then imported; the record is written when the import returned.
    /// A program that waits for input (`EOFError`), ends itself cleanly (`SystemExit` 0) or
    /// needs a package the sandbox lacks cannot be judged by importing it, so that passes too,
    /// with a note on stderr. Then the worked examples of the request's text run against the
    /// answer (`PythonExamples`); the record says how many ran (` examples=N`).
    static func program(smoke: Bool = false) -> String {
        smoke ? smokeProgram : testsProgram
    }

    /// The harness programs by number: a warm host is sent each one's text with its first job
    /// of that kind and keeps it; later jobs name it by number (22 KB less per job).
    enum Program: Int, Sendable, CaseIterable {
        case tests = 1
        case smoke = 2

        var text: String { PythonHarness.program(smoke: self == .smoke) }
    }

    private static let testsProgram = makeProgram(smoke: false)
    private static let smokeProgram = makeProgram(smoke: true)

    /// The harness's command-line arguments: the entry point (checked to be an identifier), or
    /// an empty one for none.
    static func arguments(entryPoint: String?) -> [String] { [entryPoint ?? ""] }

    private static func makeProgram(smoke: Bool) -> String {
        return (smoke ? PythonCrudeCheck.source + PythonExamples.source : "") + """
            # selfheal's test harness (see PythonHarness.swift).
            def _selfheal_harness(entry, smoke):
                import os, sys
                write, exit_now = os.write, os._exit
                # Taken before the answer runs: an answer that rebinds `__main__._selfheal_examples`
                # must not choose how its own examples are judged.
                run_examples = _selfheal_examples if smoke else None
                here = os.path.dirname(os.path.abspath(__file__))
                nonce_path = os.path.join(here, "\(nonceFile)")
                with open(nonce_path, "rb") as f:
                    nonce = f.read().strip()
                os.unlink(nonce_path)

                def flush():
                    for stream in (sys.stdout, sys.stderr):
                        try:
                            stream.flush()
                        except BaseException:
                            pass

                def fail(reason):
                    flush()
                    write(2, ("[sandbox] " + reason + "\\n").encode())
                    exit_now(1)

                def report(error, when):
                    if isinstance(error, SystemExit):
                        if smoke:
                            fail("the program exited with status %r %s" % (error.code, when))
                        fail("the program exited (SystemExit(%r)) %s; the tests did not run to completion" % (error.code, when))
                    import traceback
                    traceback.print_exception(type(error), error, error.__traceback__)
                    flush()
                    exit_now(1)

                def inconclusive(error):
                    # Why importing the answer says nothing about it, or None.
                    if isinstance(error, SystemExit) and error.code in (0, None):
                        return "the program ended itself with status 0 while it was imported"
                    if isinstance(error, EOFError):
                        return "the program reads input when it is imported; it was not run further"
                    if isinstance(error, ModuleNotFoundError) and (error.name or "").split(".")[0] not in sys.stdlib_module_names:
                        return "the program needs the module '%s', which the sandbox does not have" % error.name
                    return None

                # A module made by hand: importlib.util would cost more than the rest of the harness.
                answer_path = os.path.join(here, "\(answerFile)")
                module = type(sys)("solution")
                module.__file__ = answer_path
                sys.modules["solution"] = module
                try:
                    with open(answer_path, encoding="utf-8") as f:
                        source = f.read()
                    if smoke:
                        # One parse: the crude check reads the tree the code is compiled from.
                        import ast
                        tree = compile(source, answer_path, "exec", ast.PyCF_ONLY_AST)
                        code = compile(tree, answer_path, "exec")
                    else:
                        code = compile(source, answer_path, "exec")
                except BaseException as error:
                    report(error, "while the answer was compiled")
                if smoke:
                    defect = _selfheal_crude(tree)
                    if defect is not None:
                        fail(defect)
                try:
                    exec(code, module.__dict__)
                except BaseException as error:
                    note = inconclusive(error) if smoke else None
                    if note is None:
                        report(error, "while the answer was imported")
                    write(2, ("[sandbox] " + note + "\\n").encode())
                namespace = module.__dict__
                examples = 0
                if smoke:
                    if entry is not None and not callable(namespace.get(entry)):
                        fail("the answer defines no function '%s'" % entry)
                    request_path = os.path.join(here, "\(requestFile)")
                    if os.path.exists(request_path):
                        with open(request_path, encoding="utf-8", errors="replace") as f:
                            text = f.read()
                        flush()
                        write(1, b"\\n\(examplesPrefix)" + nonce + b"\\n")
                        try:
                            examples, failure = run_examples(text, namespace, entry)
                        except BaseException as error:
                            report(error, "while the request's examples ran")
                        if failure is not None:
                            fail(failure)
                else:
                    try:
                        with open(os.path.join(here, "\(testsFile)"), encoding="utf-8") as f:
                            source = f.read()
                        exec(compile(source, "\(testsFile)", "exec"), namespace)
                        if entry is not None:
                            if not callable(namespace.get("check")):
                                fail("the tests define no check(candidate) to call with '%s'" % entry)
                            if entry not in namespace:
                                fail("the answer defines no '%s' for the tests to check" % entry)
                            namespace["check"](namespace[entry])
                    except BaseException as error:
                        report(error, "during the tests")
                flush()
                write(1, b"\\n\(recordPrefix)" + nonce + (b" examples=%d" % examples) + b"\\n")
                exit_now(0)


            _selfheal_harness(__import__("sys").argv[1] or None, \(smoke ? "True" : "False"))

            """
    }

    /// A fresh nonce: 128 random bits from the kernel's generator, as hex.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeBytes(of: &bytes) { Hex.lowercase($0) }
    }

    /// Whether the run's stdout holds this run's completion record.
    static func completed(stdout: [UInt8], nonce: String) -> Bool {
        // A job the host's checker answered printed nothing: no record to look for.
        guard !stdout.isEmpty else { return false }
        return firstRange(of: Array((recordPrefix + nonce).utf8), in: stdout) != nil
    }

    /// Whether a smoke run ran the request's examples: its record counts at least one, or it
    /// ended without a record after it started on them.
    static func ranExamples(stdout: [UInt8], nonce: String) -> Bool {
        guard !stdout.isEmpty else { return false }
        let record = Array((recordPrefix + nonce + " examples=").utf8)
        if let found = firstRange(of: record, in: stdout) {
            let digits = stdout[found.upperBound...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            return digits.contains { $0 != UInt8(ascii: "0") }
        }
        return !completed(stdout: stdout, nonce: nonce) && firstRange(of: Array((examplesPrefix + nonce).utf8), in: stdout) != nil
    }

    /// Where `needle` first occurs in `haystack`. The standard library's generic
    /// `firstRange(of:)` and `contains(_:)` on byte arrays cost ~1 % of a request's CPU.
    static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { bytes -> Range<Int>? in
            needle.withUnsafeBufferPointer { pattern -> Range<Int>? in
                let last = bytes.count - pattern.count
                var start = 0
                while start <= last {
                    guard let found = bytes[start...last].firstIndex(of: first) else { return nil }
                    if memcmp(bytes.baseAddress! + found, pattern.baseAddress!, pattern.count) == 0 {
                        return found..<(found + pattern.count)
                    }
                    start = found + 1
                }
                return nil
            }
        }
    }
}
