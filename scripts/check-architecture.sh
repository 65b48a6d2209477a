#!/usr/bin/env bash
# ARCHITECTURE.md names real files: every repository path it mentions (Sources/..., Tests/...,
# scripts/..., rules/..., plugins/..., and the root documents) must exist. Code and docs point
# to documents in the repository only: a comment citing a design document kept elsewhere fails.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
paths=$(grep -oE '(Sources|Tests|scripts|rules|plugins|bench|samples|k8s|tests)/[A-Za-z0-9_./+-]*[A-Za-z0-9_/]|\b[A-Z]+\.md\b' ARCHITECTURE.md | sort -u)
missing=()
for path in $paths; do
    [ -e "$path" ] || missing+=("$path")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "selfheal: ARCHITECTURE.md names paths that do not exist:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    status=1
fi
if outside=$(grep -rnE 'DESIGN(\.md)? ?§|\.\./shared' Sources Tests rules plugins scripts README.md ARCHITECTURE.md Makefile 2>/dev/null \
        | grep -v '^scripts/check-architecture.sh:'); then
    echo "selfheal: these point to documents outside the repository; point to README.md or ARCHITECTURE.md instead:" >&2
    echo "$outside" >&2
    status=1
fi
count=$(printf '%s\n' $paths | wc -l)
[ "$status" = 0 ] && echo "selfheal: ARCHITECTURE.md ok ($count paths, each exists; no pointer outside the repository)"
exit "$status"
