#!/usr/bin/env bash
# Runs every Jazzer fuzz target in fuzzing mode (JAZZER_FUZZ=1) for its maxDuration (3 minutes each).
# Findings are written next to the seed corpus as crash-* files; fix them and commit them as regression inputs.
# A normal `mvn verify` only replays the committed corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install -pl core,haproxy -am
run() { echo "== fuzzing $2 ($1)"; JAZZER_FUZZ=1 mvn -B -q -o test -pl "$1" -Dtest="$2" -Dsurefire.failIfNoSpecifiedTests=false; }
run core ExpressionFuzzTest
run core TemplateFuzzTest
run core RunbookMarkdownParserFuzzTest
run core RuleFilesFuzzTest
run core PromTextParserFuzzTest
run core RuleTestsFuzzTest
run haproxy HaproxyCsvMapperFuzzTest
run haproxy HttpResponseFuzzTest
echo "fuzzing finished: no findings"
