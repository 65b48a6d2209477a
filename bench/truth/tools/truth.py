#!/usr/bin/env python3
"""The calibration corpus's mutants and label check.

  truth.py mutate CORPUS_DIR      regenerate CORPUS_DIR/mutants.jsonl from tasks.jsonl
  truth.py verify CORPUS_DIR [--sample N]
                                  run every candidate (or N of them, spread evenly) with its
                                  task's tests; exit 1 naming each candidate whose label is wrong
  truth.py self-test              verify must reject a corpus holding a mislabelled candidate

A task's reference solution must pass its tests; a mutant must fail them (an error, a failed
assert, a timeout). `mutate` keeps only mutants that fail, so a label is a measured fact.
Mutant kinds follow what models really get wrong: subtle ones (operator, off_by_one, return,
edge, swap, none) and crude ones (stub, syntax, loop, import_raise).
"""
import ast
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys
import tempfile

TIMEOUT = 5
WORKERS = (os.cpu_count() or 1) * 2  # a loop mutant waits out TIMEOUT; others are short
SUBTLE = ["operator", "off_by_one", "return", "edge", "swap", "none"]
CRUDE = ["stub", "syntax", "loop", "import_raise"]


def run_tests(code, tests):
    """'pass', 'fail' or 'timeout' for code followed by its tests, run the way the corpus was labelled."""
    with tempfile.TemporaryDirectory() as directory:
        path = pathlib.Path(directory, "candidate.py")
        path.write_text(code + "\n\n\n" + tests + "\n")
        try:
            run = subprocess.run([sys.executable, "-I", str(path)], capture_output=True, timeout=TIMEOUT, cwd=directory)
        except subprocess.TimeoutExpired:
            return "timeout"
    return "pass" if run.returncode == 0 else "fail"


def target(tree, name):
    return next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)


OPERATOR_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Add, ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv,
                  ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
                  ast.And: ast.Or, ast.Or: ast.And}


def mutate_function(function, kind, index):
    """Applies the `index`-th site of `kind` inside `function`; False when there is no such site."""
    sites = []
    for node in ast.walk(function):
        if kind == "operator":
            if isinstance(node, (ast.BinOp, ast.BoolOp)) and type(node.op) in OPERATOR_SWAPS:
                sites.append(lambda n=node: setattr(n, "op", OPERATOR_SWAPS[type(n.op)]()))
            elif isinstance(node, ast.Compare) and type(node.ops[0]) in OPERATOR_SWAPS:
                sites.append(lambda n=node: n.ops.__setitem__(0, OPERATOR_SWAPS[type(n.ops[0])]()))
        elif kind == "off_by_one":
            if isinstance(node, ast.Constant) and type(node.value) is int and node.value in (0, 1, 2):
                sites.append(lambda n=node: setattr(n, "value", n.value + 1))
        elif kind == "return":
            if isinstance(node, ast.Return) and node.value is not None:
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, bool):
                    sites.append(lambda n=node: setattr(n.value, "value", not n.value.value))
                elif isinstance(node.value, ast.Constant) and type(node.value.value) is int:
                    sites.append(lambda n=node: setattr(n.value, "value", n.value.value + 1))
        elif kind == "edge":
            for field in ("body", "orelse"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    for position, statement in enumerate(block):
                        if isinstance(statement, ast.If) and any(isinstance(s, ast.Return) for s in statement.body) and not statement.orelse:
                            sites.append(lambda b=block, p=position: b.__setitem__(p, ast.Pass()))
        elif kind == "swap":
            if isinstance(node, ast.Call) and len(node.args) >= 2 and ast.dump(node.args[0]) != ast.dump(node.args[1]):
                sites.append(lambda n=node: n.args.__setitem__(slice(0, 2), [n.args[1], n.args[0]]))
            elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Sub, ast.FloorDiv, ast.Mod, ast.Div)):
                sites.append(lambda n=node: (setattr(n, "left", n.right), setattr(n, "right", n.left)) and None)
    if index >= len(sites):
        return False
    sites[index]()
    return True


def mutants_for(task):
    """Candidate mutants of every kind for one task, not yet verified."""
    source, name = task["solution"], task["entry_point"]
    out = []
    for kind in ["operator", "off_by_one", "return", "edge", "swap"]:
        for index in range(4):
            tree = ast.parse(source)
            if not mutate_function(target(tree, name), kind, index):
                break
            out.append((kind, ast.unparse(ast.fix_missing_locations(tree))))
    tree = ast.parse(source)
    for node in ast.walk(target(tree, name)):
        if isinstance(node, ast.Return):
            node.value = None
    out.append(("none", ast.unparse(tree)))
    for stub in ["pass", "...", "raise NotImplementedError"]:
        tree = ast.parse(source)
        function = target(tree, name)
        function.body = ([function.body[0]] if ast.get_docstring(function) else []) + ast.parse(stub).body
        out.append(("stub", ast.unparse(tree)))
    lines = source.splitlines()
    def_line = next(i for i, line in enumerate(lines) if line.lstrip().startswith(f"def {name}("))
    broken = lines[:]
    broken[def_line] = broken[def_line].rstrip().rstrip(":")
    out.append(("syntax", "\n".join(broken) + "\n"))
    tree = ast.parse(source)
    function = target(tree, name)
    function.body.insert(1 if ast.get_docstring(function) else 0, ast.parse("while True:\n    pass").body[0])
    out.append(("loop", ast.unparse(tree)))
    out.append(("import_raise", "raise RuntimeError('configuration missing')\n" + source))
    return out


def load(directory):
    directory = pathlib.Path(directory)
    tasks = [json.loads(line) for line in (directory / "tasks.jsonl").read_text().splitlines() if line.strip()]
    mutants_path = directory / "mutants.jsonl"
    mutants = [json.loads(line) for line in mutants_path.read_text().splitlines() if line.strip()] if mutants_path.exists() else []
    return tasks, mutants


def verified_mutants(task):
    """The task's mutants that fail its tests (at most two per kind), and how many were dropped."""
    if run_tests(task["solution"], task["tests"]) != "pass":
        sys.exit(f"corpus bug: the reference solution of {task['id']} fails its tests")
    kept, dropped, seen, counts = [], 0, set(), {}
    for kind, code in mutants_for(task):
        if code in seen or code.strip() == task["solution"].strip():
            continue
        seen.add(code)
        if counts.get(kind, 0) >= 2:
            continue
        if run_tests(code, task["tests"]) == "pass":
            dropped += 1  # an equivalent mutant: its tests cannot tell it from the reference
            continue
        counts[kind] = counts.get(kind, 0) + 1
        kept.append({"id": f"{task['id']}#{kind}{counts[kind]}", "task": task["id"], "kind": kind, "code": code})
    return kept, dropped


def mutate(directory):
    tasks, _ = load(directory)
    kept, dropped = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for task_kept, task_dropped in pool.map(verified_mutants, tasks):
            kept += task_kept
            dropped += task_dropped
    with open(pathlib.Path(directory) / "mutants.jsonl", "w") as f:
        for mutant in kept:
            f.write(json.dumps(mutant) + "\n")
    print(f"{len(kept)} mutants kept over {len(tasks)} tasks; {dropped} dropped because they pass their tests", file=sys.stderr)


def candidates(tasks, mutants):
    by_id = {task["id"]: task for task in tasks}
    for task in tasks:
        yield task["id"], "correct", task["solution"], task["tests"]
    for mutant in mutants:
        yield mutant["id"], mutant["kind"], mutant["code"], by_id[mutant["task"]]["tests"]


def verify(directory, sample=None):
    tasks, mutants = load(directory)
    every = list(candidates(tasks, mutants))
    chosen = every if not sample or sample >= len(every) else [every[i * len(every) // sample] for i in range(sample)]
    wrong = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(lambda candidate: run_tests(candidate[2], candidate[3]), chosen))
    for (identifier, label, _, _), outcome in zip(chosen, outcomes):
        if (label == "correct") != (outcome == "pass"):
            wrong.append(f"{identifier}: labelled {label}, but its tests {'pass' if outcome == 'pass' else 'fail (' + outcome + ')'}")
    for line in wrong:
        print("MISLABELLED " + line)
    print(f"{len(chosen) - len(wrong)} of {len(chosen)} candidates carry the right label")
    return not wrong


def self_test():
    tasks, _ = load(pathlib.Path(__file__).resolve().parent.parent)
    task = tasks[0]
    with tempfile.TemporaryDirectory() as directory:
        pathlib.Path(directory, "tasks.jsonl").write_text(json.dumps(task) + "\n")
        # A "mutant" that is the reference itself: its tests pass, so the label is wrong.
        fake = {"id": task["id"] + "#fake", "task": task["id"], "kind": "operator", "code": task["solution"]}
        pathlib.Path(directory, "mutants.jsonl").write_text(json.dumps(fake) + "\n")
        if verify(directory):
            sys.exit("self-test failed: a mislabelled mutant was accepted")
        broken = dict(task, solution=task["solution"] + "\nraise SystemExit(3)\n")
        pathlib.Path(directory, "tasks.jsonl").write_text(json.dumps(broken) + "\n")
        pathlib.Path(directory, "mutants.jsonl").write_text("")
        if verify(directory):
            sys.exit("self-test failed: a failing 'correct' solution was accepted")
    print("self-test: mislabelled candidates are rejected")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "mutate":
        mutate(sys.argv[2])
    elif command == "verify":
        sample = int(sys.argv[sys.argv.index("--sample") + 1]) if "--sample" in sys.argv else None
        sys.exit(0 if verify(sys.argv[2], sample) else 1)
    elif command == "self-test":
        self_test()
    else:
        sys.exit(__doc__)
