#!/usr/bin/env bash
# The roles target holds the domain (manager, worker, evaluator, their errors, validation) and
# must stay free of any HTTP framework: statuses and routes belong to the edge (SelfHealServer).
# Fails, naming each offending file and line, when a file of Sources/SelfHealRoles imports one.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*import[[:space:]]+(class |struct |enum |func |var |let )?(Hummingbird[A-Za-z]*|HTTPTypes[A-Za-z]*|NIOHTTP[A-Za-z0-9]*|AsyncHTTPClient)\b'
if offending=$(grep -rnE "$pattern" Sources/SelfHealRoles); then
    echo "selfheal: Sources/SelfHealRoles must not import an HTTP framework; map domain errors at the edge instead:" >&2
    echo "$offending" >&2
    exit 1
fi
echo "selfheal: layering ok (Sources/SelfHealRoles imports no HTTP framework)"
