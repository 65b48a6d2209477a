#!/usr/bin/env python3
"""Builds corpus tasks from the doctests of a pure-Python package.

Usage: extract_doctests.py SDIST_DIR PACKAGE SOURCE LICENCE LIMIT OUT.jsonl

Appends up to LIMIT tasks to OUT.jsonl (spread evenly over the package's candidates, so every
module is represented). A task is one public top-level function with a docstring whose doctests
give at least two checks:
- the reference solution is the function with exactly what it needs from the package: the
  definitions it reaches (across the package's modules) and the standard-library imports they
  use, in the package's own wording; a function that needs a third-party module is skipped;
- the tests are its doctests turned into plain Python: `>>> expr` with a literal output becomes
  `assert expr == output`, an expected traceback becomes a try/except that requires the
  exception, statements without output stay as setup. An example whose output is not a Python
  literal (a repr, printed text, an ellipsis) or that needs another name from the package is
  left out; the remaining tests must pass on the reference.
"""
import ast
import builtins
import doctest
import json
import pathlib
import re
import sys

from corpus_common import STDLIB, passes, task_text, without_examples

BUILTINS = set(dir(builtins))
MAX_SOLUTION_LINES = 120
MAX_TESTS = 12
NONDETERMINISTIC = {"random", "time", "uuid", "os", "secrets", "datetime", "threading"}


class Package:
    """The top-level statements of every module of a package, by the names they bind."""

    def __init__(self, root, name):
        self.name = name
        self.modules = {}
        for path in sorted((root / name).glob("*.py")):
            module = path.stem
            source = path.read_text()
            self.modules[module] = (source.splitlines(), ast.parse(source))

    def binding(self, module, name):
        """The top-level statement of `module` that binds `name`, or None."""
        for statement in self.modules[module][1].body:
            if isinstance(statement, (ast.FunctionDef, ast.ClassDef)) and statement.name == name:
                return statement
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                for alias in statement.names:
                    if (alias.asname or alias.name.split(".")[0]) == name:
                        return statement
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    return statement
        return None

    def internal_module(self, node):
        """The package module an import statement names, or None for an outside module."""
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return node.module or ""
            if node.module and node.module.split(".")[0] == self.name:
                return node.module.split(".", 1)[1] if "." in node.module else ""
        return None

    def text(self, module, statement):
        lines = self.modules[module][0]
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
        return "\n".join(lines[first - 1:statement.end_lineno])


class Closure:
    """What a function needs to run on its own: definitions in dependency order, stdlib imports."""

    def __init__(self, package):
        self.package = package
        self.imports = []
        self.definitions = []
        self.seen = set()
        self.owner = {}
        self.failed = None

    def need(self, module, name):
        if self.failed or (module, name) in self.seen:
            return
        statement = self.package.binding(module, name)
        if statement is None:
            return  # a local, a builtin or a parameter: the run decides
        self.seen.add((module, name))
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            internal = self.package.internal_module(statement)
            alias = next(a for a in statement.names if (a.asname or a.name.split(".")[0]) == name)
            if internal is not None:
                if internal not in self.package.modules:
                    self.failed = f"import of package module {internal}"
                    return
                self.need(internal, alias.name)
                if alias.asname and alias.asname != alias.name:
                    self.definitions.append(f"{alias.asname} = {alias.name}")
                return
            top = (statement.module if isinstance(statement, ast.ImportFrom) else alias.name).split(".")[0]
            if top not in STDLIB:
                self.failed = f"needs {top}"
                return
            if top in NONDETERMINISTIC:
                self.failed = f"uses {top}"
                return
            if self.owner.setdefault(name, module) != module:
                self.failed = f"{name} is bound in two modules"
                return
            single = ast.ImportFrom(statement.module, [alias], 0) if isinstance(statement, ast.ImportFrom) else ast.Import([alias])
            line = ast.unparse(single)
            if line not in self.imports:
                self.imports.append(line)
            return
        if self.owner.setdefault(name, module) != module:
            self.failed = f"{name} is bound in two modules"
            return
        local = names_bound(statement) - {name} if isinstance(statement, ast.FunctionDef) else set()
        declared_global = {n for sub in ast.walk(statement) if isinstance(sub, ast.Global) for n in sub.names}
        for sub in ast.walk(statement):
            if isinstance(sub, ast.Name) and sub.id != name and (sub.id not in local or sub.id in declared_global):
                self.need(module, sub.id)
        text = self.package.text(module, statement)
        if text not in self.definitions:
            self.definitions.append(text)

    def source(self):
        imports = "\n".join(self.imports) + "\n\n\n" if self.imports else ""
        return imports + "\n\n\n".join(self.definitions) + "\n"


def names_loaded(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def names_bound(tree):
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {a.asname or a.name.split(".")[0] for a in node.names}
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
    return bound


def literal_check(source, tree, want):
    """`assert expr == output` when the example is one expression whose output is a literal."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr) or "print(" in source:
        return None
    try:
        value = ast.literal_eval(want)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if "Ellipsis" in repr(value) or (isinstance(value, float) and value != value):
        return None
    return f"assert {ast.unparse(tree.body[0].value)} == {ast.unparse(ast.parse(want, mode='eval').body)}"


def printed_check(source, want):
    """The example's printed output captured and compared exactly, when it prints."""
    if "print(" not in source or "..." in want or " at 0x" in want:
        return None
    body = "\n".join("    " + line for line in source.splitlines())
    return (f"with contextlib.redirect_stdout(io.StringIO()) as printed:\n{body}\n"
            f"assert printed.getvalue() == {want!r}")


def tests_from(docstring, entry, package):
    """Plain-Python tests from a docstring's doctests (see the module docstring)."""
    lines, checks, allowed = [], 0, BUILTINS | {entry}
    try:
        examples = doctest.DocTestParser().get_examples(docstring)
    except ValueError:
        return "", 0
    for example in examples:
        source = example.source.strip()
        if "doctest:" in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        if any(package.internal_module(n) is not None or (isinstance(n, ast.Import) and any(a.name.split(".")[0] == package.name for a in n.names)) for n in imports):
            continue  # importing the function under test: it is already defined
        if any((n.module if isinstance(n, ast.ImportFrom) else n.names[0].name).split(".")[0] in NONDETERMINISTIC | {package.name} or
               (n.module if isinstance(n, ast.ImportFrom) else n.names[0].name).split(".")[0] not in STDLIB for n in imports):
            continue
        if not names_loaded(tree) <= allowed | names_bound(tree):
            continue
        want = example.want.strip()
        if example.exc_msg is not None:
            error = want.splitlines()[-1].split(":")[0].split(".")[-1]
            if error not in BUILTINS or not isinstance(getattr(builtins, error), type):
                continue
            body = "\n".join("    " + line for line in source.splitlines())
            lines.append(f"try:\n{body}\nexcept {error}:\n    pass\nelse:\n    raise AssertionError({source!r} + ' did not raise {error}')")
            checks += 1
        elif want:
            check = literal_check(source, tree, want) or printed_check(source, example.want)
            if check is None:
                continue
            lines.append(check)
            checks += 1
        else:
            lines.append(source)
            allowed |= names_bound(tree)
        if checks >= MAX_TESTS:
            break
    while lines and not lines[-1].startswith(("assert ", "try:", "with contextlib.")):
        lines.pop()  # trailing setup checks nothing
    if any(line.startswith("with contextlib.") for line in lines):
        lines.insert(0, "import contextlib\nimport io")
    return "\n".join(lines) + "\n", checks


def candidates(root, package_name, source_label, licence):
    package = Package(root, package_name)
    found = []
    for module, (_, tree) in package.modules.items():
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef) or function.name.startswith("_"):
                continue
            docstring = ast.get_docstring(function)
            if not docstring or ">>>" not in docstring:
                continue
            tests, checks = tests_from(docstring, function.name, package)
            if checks < 2:
                continue
            closure = Closure(package)
            closure.need(module, function.name)
            if closure.failed:
                continue
            solution = closure.source()
            if len(solution.splitlines()) > MAX_SOLUTION_LINES or not passes(solution, tests):
                continue
            signature = f"{function.name}({ast.unparse(function.args)})"
            found.append({
                "id": f"{package_name}.{module}.{function.name}",
                "source": source_label,
                "licence": licence,
                "location": f"{package_name}/{module}.py (function {function.name}); tests from its doctests",
                "entry_point": function.name,
                "docstring": re.sub(r"\n{3,}", "\n\n", without_examples(docstring)),
                "signature": signature,
                "solution": solution,
                "tests": tests,
            })
    return found


def main(sdist, package_name, source_label, licence, limit, out):
    found = candidates(pathlib.Path(sdist), package_name, source_label, licence)
    chosen = found if len(found) <= limit else [found[i * len(found) // limit] for i in range(limit)]
    with open(out, "a") as f:
        for index, task in enumerate(chosen):
            docstring, signature = task.pop("docstring"), task.pop("signature")
            task["task"] = task_text(signature, docstring, task["tests"], index, direct_call_of=task["entry_point"])
            task["task_without_examples"] = f"Write a Python function `{signature}`.\n\n{docstring}".rstrip() + "\n"
            f.write(json.dumps(task) + "\n")
    print(f"{package_name}: {len(found)} candidate functions, {len(chosen)} tasks appended to {out}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6])
