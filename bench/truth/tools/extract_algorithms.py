#!/usr/bin/env python3
"""Builds corpus tasks from the `algorithms` package (keon/algorithms, MIT licence).

Usage: extract_algorithms.py SDIST_DIR OUT.jsonl

SDIST_DIR is the unpacked sdist (`pip download --no-deps --no-binary :all: algorithms==1.0.1`).
A task is one function whose defining file imports only the standard library (the file is the
reference solution, so helpers come along), with every `assertEqual`/`assertTrue`/`assertFalse`
of the package's own tests that calls it with literal arguments, turned into plain asserts.
Functions with fewer than two such asserts, or whose reference fails them, are skipped.
"""
import ast
import json
import pathlib
import sys

from corpus_common import STDLIB, passes, task_text, without_examples


def literal_only(node, name):
    """Whether `node` mentions no name but `name` (and True/False/None)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id != name:
            return False
        if isinstance(sub, (ast.Lambda, ast.Await, ast.Yield, ast.NamedExpr)):
            return False
    return True


def asserts_by_function(tests_dir):
    found = {}
    for path in sorted(pathlib.Path(tests_dir).glob("test_*.py")):
        tree = ast.parse(path.read_text())
        imported = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("algorithms"):
                for alias in node.names:
                    imported[alias.asname or alias.name] = (node.module, alias.name)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = node.func.attr
            if method not in ("assertEqual", "assertTrue", "assertFalse") or not node.args:
                continue
            call = node.args[0]
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in imported):
                continue
            name = call.func.id
            if not literal_only(call, name):
                continue
            if method == "assertEqual":
                if len(node.args) < 2 or not literal_only(node.args[1], name):
                    continue
                text = f"assert {ast.unparse(call)} == {ast.unparse(node.args[1])}"
            elif method == "assertTrue":
                text = f"assert {ast.unparse(call)}"
            else:
                text = f"assert not {ast.unparse(call)}"
            key = imported[name]
            found.setdefault(key, [])
            if text not in found[key]:
                found[key].append(text)
    return found


def defining_file(package_dir, module, name):
    base = pathlib.Path(package_dir).joinpath(*module.split("."))
    candidates = sorted(base.glob("*.py")) if base.is_dir() else [base.with_suffix(".py")]
    for path in candidates:
        if path.exists() and f"def {name}(" in path.read_text():
            return path
    return None


def self_contained(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level or not node.module or node.module.split(".")[0] not in STDLIB:
                return False
        elif isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] not in STDLIB for alias in node.names):
                return False
    return True


def doctests_of(docstring):
    """A program that runs a docstring's doctests in the reference's namespace and exits 1 on a failure."""
    return ("import doctest as _doctest, sys as _sys\n"
            f"_test = _doctest.DocTestParser().get_doctest({docstring!r}, globals(), 'task', None, 0)\n"
            "_runner = _doctest.DocTestRunner(verbose=False)\n_runner.run(_test, out=lambda text: None)\n"
            "_sys.exit(1 if _runner.failures else 0)\n")


def main(sdist, out):
    root = pathlib.Path(sdist)
    tasks = []
    for (module, name), asserts in sorted(asserts_by_function(root / "tests").items()):
        if len(asserts) < 2:
            continue
        path = defining_file(root, module, name)
        if path is None:
            continue
        source = path.read_text()
        tree = ast.parse(source)
        if not self_contained(tree) or len(source.splitlines()) > 200:
            continue
        function = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name), None)
        if function is None:
            continue
        tests = "\n".join(asserts[:12]) + "\n"
        if not passes(source, tests):
            continue
        docstring = ast.get_docstring(function) or ast.get_docstring(tree) or ""
        if ">>>" in docstring and not passes(source, doctests_of(docstring)):
            docstring = without_examples(docstring)  # the package's own example is wrong: keep no false example
        signature = f"{name}({ast.unparse(function.args)})"
        relative = path.relative_to(root).as_posix()
        tasks.append({
            "id": f"algorithms.{module.split('.', 1)[-1]}.{name}".replace("algorithms.algorithms", "algorithms"),
            "source": "algorithms 1.0.1 (PyPI sdist of github.com/keon/algorithms)",
            "licence": "MIT",
            "location": f"{relative} (function {name}); tests from tests/",
            "entry_point": name,
            "task": task_text(signature, docstring, tests, len(tasks)),
            "task_without_examples": f"Write a Python function `{signature}`.\n\n{without_examples(docstring)}".rstrip() + "\n",
            "solution": source,
            "tests": tests,
        })
    with open(out, "w") as f:
        for task in tasks:
            f.write(json.dumps(task) + "\n")
    print(f"{len(tasks)} tasks written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
