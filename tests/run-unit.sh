#!/bin/sh
# run-unit.sh BUILD UNIT...: the unit tests of common/, then the CSV
# conformance cases; each prints its own "N passed, N failed" line.
set -u
build=${1:?usage: run-unit.sh BUILD UNIT...}
shift
failed=0
for t in "$@"; do
	"$build/tests/$t" || failed=$((failed + 1))
done
"$build/tests/csvconform" ../shared/testdata/csv || failed=$((failed + 1))
if [ $failed -ne 0 ]; then
	echo "unit: $failed test programs failed"
	exit 1
fi
