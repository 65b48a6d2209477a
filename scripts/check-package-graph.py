#!/usr/bin/env python3
"""Package.swift tells the truth: every target declares exactly the modules its files import.

The compiler (InternalImportsByDefault, MemberImportVisibility) keeps each file's imports honest,
but it still compiles an import of a module that is only reachable through another dependency,
and never complains about a declared dependency nothing imports. This check closes both gaps:
it reads the manifest (`swift package dump-package`) and every target's imports, and fails naming
each undeclared import and each unused dependency.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Modules of the toolchain, not of any package.
TOOLCHAIN = {"Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Synchronization", "Testing", "XCTest", "_Concurrency"}
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:class|struct|enum|func|var|let|protocol|typealias)\s+)?(\w+)")


def imports(text):
    """The modules a Swift file imports: its header, up to the first declaration (so Python
    inside a string literal further down is not read as an import)."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("//") or stripped.startswith("#"):
            continue
        match = IMPORT.match(line)
        if not match:
            break
        found.append(match.group(1))
    return found


def declared(dependency):
    for kind in ("byName", "target", "product"):
        if kind in dependency:
            return dependency[kind][0]
    raise ValueError(f"unknown dependency form {dependency}")


def main():
    manifest = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    problems = []
    for target in manifest["targets"]:
        if target["type"] == "system":
            continue
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", target["name"])
        imported = set()
        for directory, _, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith(".swift"):
                    with open(os.path.join(directory, name), encoding="utf-8") as source:
                        imported.update(imports(source.read()))
        imported -= TOOLCHAIN
        dependencies = {declared(d) for d in target["dependencies"]}
        if target["name"] == "CLuaSandbox":  # C: its includes, not imports, name what it uses
            continue
        for module in sorted(imported - dependencies):
            problems.append(f"{target['name']} imports {module} but does not declare it")
        for module in sorted(dependencies - imported):
            problems.append(f"{target['name']} declares {module} but no file of it imports it")
    if problems:
        print("selfheal: Package.swift does not match the imports:", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        return 1
    print(f"selfheal: Package.swift matches the imports of its {len(manifest['targets'])} targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
