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
    static let mainFile = "main.py"
    static let recordPrefix = "selfheal-tests-complete "

    /// The harness for one run; `entryPoint` has been checked to be an identifier.
    static func program(entryPoint: String?) -> String {
        let entry = entryPoint.map { "\"\($0)\"" } ?? "None"
        return """
            # selfheal's test harness (see PythonHarness.swift).
            def _selfheal_harness(entry):
                import os, sys
                write, exit_now = os.write, os._exit
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
                        fail("the program exited (SystemExit(%r)) %s; the tests did not run to completion" % (error.code, when))
                    import traceback
                    traceback.print_exception(type(error), error, error.__traceback__)
                    flush()
                    exit_now(1)

                # A module made by hand: importlib.util would cost more than the rest of the harness.
                answer_path = os.path.join(here, "\(answerFile)")
                module = type(sys)("solution")
                module.__file__ = answer_path
                sys.modules["solution"] = module
                try:
                    with open(answer_path, encoding="utf-8") as f:
                        source = f.read()
                    exec(compile(source, answer_path, "exec"), module.__dict__)
                except BaseException as error:
                    report(error, "while the answer was imported")
                namespace = module.__dict__
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
                write(1, b"\\n\(recordPrefix)" + nonce + b"\\n")
                exit_now(0)


            _selfheal_harness(\(entry))

            """
    }

    /// A fresh nonce: 128 random bits as hex.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// Whether the run's stdout holds this run's completion record.
    static func completed(stdout: [UInt8], nonce: String) -> Bool {
        stdout.contains(Array((recordPrefix + nonce).utf8))
    }
}
