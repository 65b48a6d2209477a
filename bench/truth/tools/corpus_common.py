"""Helpers every corpus extractor shares: running a candidate against its tests, the forms in
which users write a worked example, and a task text without its examples."""
import ast
import builtins
import subprocess
import sys

STDLIB = set(getattr(sys, "stdlib_module_names", ()))


def passes(code, tests):
    program = code + "\n\n" + tests + "\n"
    try:
        run = subprocess.run([sys.executable, "-I", "-c", program], capture_output=True, timeout=10)
    except subprocess.TimeoutExpired:
        return False
    return run.returncode == 0


def example(assert_line, form):
    """One worked example in a form users write, from `assert f(x) == y` (or `assert f(x)`)."""
    body = assert_line[len("assert "):]
    negated = body.startswith("not ")
    if negated:
        body = body[len("not "):]
    call, _, expected = body.partition(" == ")
    expected = expected or ("False" if negated else "True")
    if form == 0:
        return f">>> {call}\n{expected}"
    if form == 1:
        return f"{call} == {expected}"
    if form == 2:
        return f"{call} -> {expected}"
    arguments = call[call.index("(") + 1:-1]
    return f"Example: input {arguments}, output {expected}"


def without_examples(docstring):
    """The docstring without its worked examples: no `Examples:` section, no `>>>` lines and
    their outputs; for measuring the verdict on a task text that states no example."""
    kept, skipping = [], False
    for line in docstring.splitlines():
        stripped = line.strip()
        if stripped.rstrip(":").lower() in ("example", "examples"):
            skipping = True
            continue
        if stripped.startswith(">>>"):
            skipping = True
            continue
        if skipping and stripped and (line.startswith(" ") or not stripped.endswith(":")):
            continue
        skipping = False
        kept.append(line)
    return "\n".join(kept).strip()


def task_text(signature, docstring, tests, index, direct_call_of=None):
    """What a user could have asked: the signature and the docstring; a third of the tasks also
    carry a worked example in one of four forms, taken from the first self-contained check
    (the "Example: input ..." form needs a direct call of the function)."""
    text = f"Write a Python function `{signature}`.\n\n{docstring}".rstrip() + "\n"
    if index % 3 != 0:
        return text
    form = (index // 3) % 4
    usable = [line for line in tests.splitlines() if line.startswith("assert ") and
              (direct_call_of is None or standalone(line, direct_call_of))]
    if direct_call_of is not None and form == 3:
        direct = [line for line in usable if line.startswith(f"assert {direct_call_of}(") or
                  line.startswith(f"assert not {direct_call_of}(")]
        if not direct:
            form, direct = 0, usable
        usable = direct
    if usable:
        text += "\n" + example(usable[0], form) + "\n"
    return text


def standalone(assert_line, entry):
    """Whether an assert names nothing but the function and builtins (no setup it depends on)."""
    tree = ast.parse(assert_line)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    return names <= set(dir(builtins)) | {entry} and " == " in assert_line
