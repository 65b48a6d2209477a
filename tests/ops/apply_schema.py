#!/usr/bin/env python3
"""Creates selfheal's PostgreSQL schema from Sources/SelfHealPostgres/PostgresMigrations.swift.

    python3 tests/ops/apply_schema.py postgres://...

scripts/ops-test.sh prefers letting the selfheal binary migrate the database itself; it uses
this only when the binary cannot (not built, or a build whose CLI does not open PostgreSQL
yet). The statements are read from the Swift source, in order, so the dashboard's SQL is still
checked against the schema selfheal really creates, not against a copy kept here.
"""

from __future__ import annotations

import re
import subprocess
import sys

from opscheck import SOURCES

MIGRATIONS = SOURCES / "SelfHealPostgres" / "PostgresMigrations.swift"
# A Swift string literal: multi-line ("""...""") or single-line ("..."), optionally labelled.
_LITERAL = re.compile(r'(name:\s*)?(?:"""\n(.*?)\n\s*"""|"((?:[^"\\\n]|\\.)*)")', re.S)


def statements() -> list[str]:
    text = MIGRATIONS.read_text(encoding="utf-8")
    # Only code: comments may quote SQL or contain quotes.
    text = re.sub(r"^\s*//.*$", "", text, flags=re.M)
    bookkeeping = text[text.index("static let bookkeeping"):text.index("static let all")]
    migrations = text[text.index("static let all"):]
    out = []
    for section in (bookkeeping, migrations):
        for label, multi, single in _LITERAL.findall(section):
            if label:  # the migration's name, not SQL
                continue
            out.append(multi if multi else single)
    return [s for s in out if s.strip()]


def main() -> None:
    url = sys.argv[1]
    sql = statements()
    script = "BEGIN;\n" + "".join(f"{s};\n" for s in sql) + "COMMIT;\n"
    run = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url], input=script, capture_output=True, text=True)
    if run.returncode != 0:
        print(f"apply_schema: {run.stderr.strip()}", file=sys.stderr)
        sys.exit(1)
    print(f"apply_schema: {len(sql)} statements from {MIGRATIONS.name} applied")


if __name__ == "__main__":
    main()
