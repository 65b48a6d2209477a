#!/usr/bin/env bash
# The roles target holds the domain (manager, worker, evaluator, their errors, validation) and
# must stay free of any HTTP framework: statuses and routes belong to the edge (SelfHealServer).
# It reaches everything else through the ports SelfHealCore declares, so it imports no other
# selfheal target either. No real target imports the simulated provider. Fails, naming each
# offending file and line, when a file breaks any of these.
set -euo pipefail
cd "$(dirname "$0")/.."
import='^[[:space:]]*(@[A-Za-z_]+[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+(class |struct |enum |func |var |let |protocol |typealias )?'
status=0
if offending=$(grep -rnE "${import}(Hummingbird[A-Za-z]*|HTTPTypes[A-Za-z]*|NIOHTTP[A-Za-z0-9]*|AsyncHTTPClient)\b" Sources/SelfHealRoles); then
    echo "selfheal: Sources/SelfHealRoles must not import an HTTP framework; map domain errors at the edge instead:" >&2
    echo "$offending" >&2
    status=1
fi
if offending=$(grep -rnE "${import}SelfHeal[A-Za-z]*\b" Sources/SelfHealRoles | grep -vE "import[[:space:]]+SelfHealCore\b"); then
    echo "selfheal: Sources/SelfHealRoles may import no selfheal target but SelfHealCore; declare a port there instead:" >&2
    echo "$offending" >&2
    status=1
fi
# The simulated provider stands in for a model; nothing real may lean on it.
for real in Sources/SelfHealLLM Sources/SelfHealCore Sources/SelfHealRoles Sources/SelfHealServer Sources/SelfHealOptimizer \
        Sources/SelfHealRules Sources/SelfHealSandbox Sources/SelfHealStore Sources/SelfHealPostgres; do
    if offending=$(grep -rnE "${import}SelfHealSimulated\b" "$real"); then
        echo "selfheal: $real must not import the simulated provider (SelfHealSimulated); only the wiring (SelfHealCommands) picks it:" >&2
        echo "$offending" >&2
        status=1
    fi
done
[ "$status" = 0 ] && echo "selfheal: layering ok (Sources/SelfHealRoles imports no HTTP framework and no selfheal target but SelfHealCore; nothing real imports SelfHealSimulated)"
exit "$status"
