/// Python, run by the harness inside the sandbox after the answer was imported: finds the worked
/// examples stated in the request's text and runs them against the answer. The text is
/// untrusted: it is only ever read here, in the sandbox, by line-based scanning with bounded
/// sizes (no pattern that backtracks), and only compiled, never evaluated, outside an example's
/// own call. Forms read:
/// - doctest: `>>> f(2)` with the expected output on the next lines (`>>>` lines without output
///   are setup, e.g. `>>> xs = [3, 1]`); an expected `Traceback` wants that exception;
/// - `assert f(2) == 4` on a line of its own;
/// - prose: `f(2) == 4`, `f(2) -> 4`, `f(2) ➞ 4`, `f(2) → 4`, `f(2) => 4`;
/// - `Example: input 2, output 4` or `Input: 2` / `Output: 4` on consecutive lines, called on
///   the entry point, else on the one public function the answer defines.
/// An example counts only when every name it uses is defined by the answer, a builtin or an
/// earlier setup line, and it calls a function the answer defines; others are left out, as is
/// an example that does not parse. The expected value is read with `ast.literal_eval`, else as
/// an expression that only builds data (calling nothing but the answer's own functions and
/// classes, no dunder names), else compared with the result's `repr`, `str` or printed text as
/// doctest does; an expected value none of these can read leaves the example out.
enum PythonExamples {
    static let source = #"""
        def _selfheal_example_candidates(text):
            """Yields (kind, first, second) for each worked example the text may state, before any
            is checked against an answer: ("doctest", source, output), ("assert", line, None),
            ("io", input, output), ("prose", call, expected). Reads only the text."""
            import ast

            MAX_TEXT, MAX_OUTPUT_LINES = 100000, 20
            SEPARATORS = (" ==> ", " => ", " -> ", " \u279e ", " \u2192 ", " == ")
            lines = text[:MAX_TEXT].splitlines()

            def unquoted(piece):
                piece = piece.strip()
                for prefix in ("- ", "* ", "e.g. ", "e.g.: ", "Example: ", "example: ", "Examples: ", "For example, ", "For example: "):
                    if piece.startswith(prefix):
                        piece = piece[len(prefix):].strip()
                while len(piece) >= 2 and piece[0] == piece[-1] == "`":
                    piece = piece[1:-1].strip()
                return piece.strip("`").strip()

            def call_at_end(left):
                """The call `name(...)` that ends `left`, or None."""
                left = left.rstrip().rstrip("`").rstrip()
                if not left.endswith(")"):
                    return None
                depth, position = 0, len(left) - 1
                while position >= 0:
                    char = left[position]
                    if char == ")":
                        depth += 1
                    elif char == "(":
                        depth -= 1
                        if depth == 0:
                            break
                    position -= 1
                if position <= 0:
                    return None
                start = position
                while start > 0 and (left[start - 1].isalnum() or left[start - 1] in "_."):
                    start -= 1
                if start == position or not (left[start].isalpha() or left[start] == "_"):
                    return None
                return left[start:]

            pending_input = None
            index = 0
            while index < len(lines):
                line = lines[index]
                stripped = line.strip()
                index += 1
                if stripped.startswith(">>> ") or stripped == ">>>":
                    source = [stripped[4:]]
                    while index < len(lines) and lines[index].strip().startswith("... "):
                        source.append(lines[index].strip()[4:])
                        index += 1
                    expected = []
                    while index < len(lines) and len(expected) < MAX_OUTPUT_LINES:
                        following = lines[index].strip()
                        if not following or following.startswith(">>>") or following.startswith("```"):
                            break
                        expected.append(following)
                        index += 1
                    # In prose the output is often followed by more text with no blank line
                    # between: the output is its shortest start that reads as a literal (a
                    # repr over several lines), else its first line.
                    output = expected[:1]
                    if output and output[0].startswith("Traceback (most recent call last)"):
                        # through the exception's own line: `ValueError: ...`
                        for size in range(2, len(expected) + 1):
                            head = expected[size - 1].split(":")[0]
                            if head.replace(".", "").replace("_", "").isalnum() and not head[0].isdigit():
                                output = expected[:size]
                                break
                    for size in range(1, len(expected) + 1) if len(output) == 1 else ():
                        try:
                            ast.literal_eval("\n".join(expected[:size]))
                        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                            continue
                        output = expected[:size]
                        break
                    index -= len(expected) - len(output)
                    yield ("doctest", "\n".join(source), "\n".join(output))
                    continue
                piece = unquoted(stripped)
                lowered = piece.lower()
                if piece.startswith("assert "):
                    yield ("assert", piece, None)
                    continue
                if lowered.startswith("input"):
                    rest = piece[5:].lstrip(" :=")
                    marker = rest.lower().find("output")
                    if marker > 0:
                        yield ("io", rest[:marker].strip().rstrip(",;").strip(), rest[marker + 6:].lstrip(" :=").strip())
                    else:
                        pending_input = rest
                    continue
                if lowered.startswith("output") and pending_input is not None:
                    yield ("io", pending_input, piece[6:].lstrip(" :=").strip())
                    pending_input = None
                    continue
                pending_input = None
                for separator in SEPARATORS:
                    where = piece.find(separator)
                    if where > 0:
                        call = call_at_end(piece[:where])
                        if call is not None:
                            yield ("prose", call, piece[where + len(separator):].strip().strip("`").strip())
                        break


        def _selfheal_examples(text, namespace, entry, candidates=_selfheal_example_candidates):
            """Returns (how many examples ran, the first failure or None). `candidates` is bound
            when this is defined, before the answer runs: an answer cannot swap the finder."""
            import ast, builtins, contextlib, io, math

            MAX_PIECE, MAX_EXAMPLES = 2000, 50
            defined = {name for name, value in namespace.items()
                       if callable(value) and getattr(value, "__module__", None) == "solution" and not name.startswith("_")}

            def names_known(tree, bound):
                for node in ast.walk(tree):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                        if node.id not in namespace and node.id not in bound and not hasattr(builtins, node.id):
                            return False
                return True

            def plain_value(tree):
                """An expected value builds data: it calls nothing but the answer's own functions
                and classes (`Point(1, 2)`) and touches no dunder name."""
                for node in ast.walk(tree):
                    if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in defined):
                        return False
                    if isinstance(node, ast.Name) and node.id.startswith("__") or isinstance(node, ast.Attribute) and node.attr.startswith("__"):
                        return False
                    if isinstance(node, (ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom)):
                        return False
                return True

            def calls_the_answer(tree):
                return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in defined
                           for node in ast.walk(tree))

            def expected_value(text, bound):
                """What the expected text says, as (usable, value): a literal; an expression over
                names the answer, the builtins or earlier setup define, evaluated; else
                (False, None), and the example is only checked against its text."""
                for candidate in (text, text.rstrip(".,;`").rstrip()):
                    try:
                        return True, ast.literal_eval(candidate)
                    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                        pass
                    try:
                        tree = ast.parse(candidate, mode="eval")
                    except (SyntaxError, ValueError, MemoryError, RecursionError):
                        continue
                    if not names_known(tree, bound) or not plain_value(tree):
                        return False, None
                    try:
                        return True, eval(compile(tree, "<expected>", "eval"), namespace)
                    except BaseException:
                        return False, None
                return False, None

            def same(got, expected):
                try:
                    if isinstance(got, bool) or isinstance(expected, bool):
                        return type(got) is bool and type(expected) is bool and got == expected
                    if isinstance(got, float) and isinstance(expected, (int, float)):
                        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)
                    return bool(got == expected)
                except BaseException:
                    return False

            def shown(value):
                try:
                    text = repr(value)
                except BaseException:
                    text = "<unprintable>"
                return text if len(text) <= 200 else text[:200] + "…"

            UNUSABLE = object()  # an expected value that says nothing checkable

            def check(call, expected_text, bound):
                """None when `call` gives what `expected_text` says, else what went wrong."""
                wanted_error = None
                lines_expected = expected_text.splitlines()
                if lines_expected and lines_expected[0].startswith("Traceback (most recent call last)"):
                    wanted_error = lines_expected[-1].split(":")[0].split(".")[-1].strip()
                printed = io.StringIO()
                try:
                    with contextlib.redirect_stdout(printed):
                        got = eval(compile(call, "<example>", "eval"), namespace)
                except BaseException as error:
                    if wanted_error is not None and type(error).__name__ == wanted_error:
                        return None
                    return "`%s` raised %s: %s" % (call, type(error).__name__, shown(str(error))[1:-1])
                if wanted_error is not None:
                    return "`%s` returned %s; expected it to raise %s" % (call, shown(got), wanted_error)
                usable, expected = expected_value(expected_text, bound)
                if usable and same(got, expected):
                    return None
                # as doctest reads it: the value's repr, or what the call printed
                textual = " ".join(expected_text.split())
                try:
                    shown_forms = [repr(got), str(got)] if got is not None else []
                    if any(" ".join(form.split()) == textual for form in shown_forms + [printed.getvalue()]):
                        return None
                except BaseException:
                    pass
                if not usable:
                    return UNUSABLE
                return "`%s` returned %s; expected %s" % (call, shown(got), expected_text if len(expected_text) <= 200 else expected_text[:200] + "…")

            ran, bound = 0, set()
            target = entry if entry in defined else (next(iter(defined)) if len(defined) == 1 else None)
            for kind, first, second in candidates(text):
                if ran >= MAX_EXAMPLES:
                    break
                if len(first) > MAX_PIECE or (second is not None and len(second) > MAX_PIECE):
                    continue
                if kind in ("io", "prose") and not second:
                    continue
                if kind == "io":
                    if target is None or not first:
                        continue
                    first = "%s(%s)" % (target, first)
                mode = "exec" if kind == "assert" or (kind == "doctest" and not second) else "eval"
                try:
                    tree = ast.parse(first, mode=mode)
                except (SyntaxError, ValueError, MemoryError, RecursionError):
                    continue
                if mode == "exec" and kind == "doctest":
                    # a setup line: run it when it only uses what is known, so later examples can
                    if names_known(tree, bound):
                        try:
                            exec(compile(tree, "<example>", "exec"), namespace)
                        except BaseException:
                            pass
                        for node in ast.walk(tree):
                            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                                bound.add(node.id)
                    continue
                if not names_known(tree, bound) or not calls_the_answer(tree):
                    continue
                ran += 1
                if kind == "assert":
                    try:
                        exec(compile(tree, "<example>", "exec"), namespace)
                    except AssertionError:
                        return ran, "example `%s` does not hold" % first
                    except BaseException as error:
                        return ran, "example `%s` raised %s: %s" % (first, type(error).__name__, shown(str(error))[1:-1])
                    continue
                problem = check(first, second or "None", bound)
                if problem is UNUSABLE:
                    ran -= 1
                elif problem is not None:
                    return ran, "example " + problem
            return ran, None

        """#

    /// Whether `text` may hold an example the scan above reads: every form needs a `)` (a call),
    /// `>>>`, `assert` or `input` (any case) in it; text past ASCII is passed on too, unread
    /// here. A text without any of these is not sent to the sandbox at all, which saves the
    /// scan (a few hundred microseconds in a freshly forked interpreter).
    static func mayHoldExamples(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        if bytes.contains(where: { $0 >= 0x80 }) { return true }
        if bytes.contains(UInt8(ascii: ")")) { return true }
        for index in bytes.indices where bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z") {
            bytes[index] += 32
        }
        return [">>>", "assert", "input"].contains { PythonHarness.firstRange(of: Array($0.utf8), in: bytes) != nil }
    }
}
