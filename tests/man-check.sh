#!/bin/sh
# man-check.sh BUILD: the manual pages against the programs.
#   - mandoc -Tlint is clean (when mandoc is installed);
#   - rendered, no quote is nested in another (mdoc's Ql and Pq on one
#     line gave "‘$1,234.50, ‘(12)’’");
#   - every long option a program's --help lists is in its page, and every
#     program has a page;
#   - every page names the licence, as --version does.
set -u
build=${1:?usage: man-check.sh BUILD}
top=$(cd "$(dirname "$0")/.." && pwd)
fail=0
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -Wwarning "$top"/man/*.[15] || fail=1
	for p in "$top"/man/*.[15]; do
		if mandoc -Tutf8 "$p" | col -b | grep -n '‘[^’]*‘\|’’' >/dev/null; then
			echo "man-check: $(basename "$p"): a quote inside a quote:"
			mandoc -Tutf8 "$p" | col -b | grep -n '‘[^’]*‘\|’’' | head -n 3
			fail=1
		fi
	done
else
	echo "man-check: mandoc not installed, lint and rendering skipped"
fi
for p in "$top"/man/*.[15]; do
	grep -q 'BSD 2-Clause' "$p" || {
		echo "man-check: $(basename "$p"): no licence (BSD 2-Clause)"
		fail=1
	}
done
for b in "$build"/csm-*; do
	name=$(basename "$b")
	page=$top/man/$name.1
	if [ ! -f "$page" ]; then
		echo "man-check: $name has no man/$name.1"
		fail=1
		continue
	fi
	# the options --help lists: its lines that begin with one
	for opt in $("$b" --help | sed -n 's/^ \{2,6\}\(-[a-zA-Z0-9], \)\{0,1\}--\([a-z][a-z0-9-]*\).*/\2/p' | sort -u); do
		grep -Eq -- "^\.(It|Op|Oo|Fl|Xo).*[ ,]-$opt( |$)" "$page" || {
			echo "man-check: $name: --$opt is in --help, not in $name(1)"
			fail=1
		}
	done
done
[ $fail -eq 0 ] && echo "man pages: lint clean, quotes whole, every --help option documented, licence named"
exit $fail
