#!/bin/sh
# run-cli.sh BUILD [CASE...]: the command-line tests.
#
# Each case is a folder tests/cli/<tool>/<case>/ holding
#   cmd      a sh command line, run inside the case folder
#   in       standard input (default: empty)
#   out      expected standard output, byte for byte (default: empty)
#   err      expected standard error (default: empty)
#   status   expected exit status (default: 0)
# The programs in BUILD come first on PATH and run by bare name, so their
# messages always start "csm-score: ".  With CSM_VALGRIND=1 each runs under
# valgrind, and any valgrind error fails the case.
set -u
build=$(cd "${1:?usage: run-cli.sh BUILD [CASE...]}" && pwd)
shift
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/csm-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

bindir=$build
if [ "${CSM_VALGRIND:-}" = 1 ]; then
	bindir=$tmp/bin
	mkdir -p "$bindir"
	for p in "$build"/csm-*; do
		name=$(basename "$p")
		cat > "$bindir/$name" <<EOS
#!/bin/sh
PATH=$build:\$PATH exec valgrind -q --error-exitcode=125 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible $name "\$@"
EOS
		chmod +x "$bindir/$name"
	done
fi

PATH=$bindir:$PATH
LC_ALL=C
TZ=UTC
export PATH LC_ALL TZ
unset CSM_CONFIG
# No user config from the machine running the tests: an empty home.
HOME=$tmp/home
XDG_CONFIG_HOME=$tmp/home/.config
export HOME XDG_CONFIG_HOME
mkdir -p "$HOME"

pass=0
fail=0
skip=0
if [ $# -gt 0 ]; then
	cases=$*
else
	cases=$(cd "$top/tests/cli" && ls -d */*/ | sed 's,/$,,')
fi
for c in $cases; do
	dir=$top/tests/cli/$c
	[ -f "$dir/cmd" ] || continue
	if [ -f "$dir/needs" ] && ! (cd "$dir" && sh ./needs) >/dev/null 2>&1; then
		# the reason: the first comment line that is not a #! line
		why=$(sed -n '/^#!/d; s/^# *//p' "$dir/needs" | head -n 1)
		echo "skip $c: ${why:-a requirement of the test is missing}"
		skip=$((skip + 1))
		continue
	fi
	in=/dev/null
	[ -f "$dir/in" ] && in=$dir/in
	(cd "$dir" && sh ./cmd) < "$in" > "$tmp/out" 2> "$tmp/err"
	status=$?
	want=0
	[ -f "$dir/status" ] && want=$(cat "$dir/status")
	ok=1
	[ -f "$dir/out" ] && wantout=$dir/out || wantout=/dev/null
	[ -f "$dir/err" ] && wanterr=$dir/err || wanterr=/dev/null
	if [ "$status" != "$want" ]; then
		echo "FAIL $c: exit status $status, want $want"
		ok=0
	fi
	if ! cmp -s "$tmp/out" "$wantout"; then
		echo "FAIL $c: stdout differs (want, got):"
		diff "$wantout" "$tmp/out" | head -n 20
		ok=0
	fi
	if ! cmp -s "$tmp/err" "$wanterr"; then
		echo "FAIL $c: stderr differs (want, got):"
		diff "$wanterr" "$tmp/err" | head -n 20
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
if [ $skip -gt 0 ]; then
	echo "cli: $pass passed, $fail failed, $skip skipped"
else
	echo "cli: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
