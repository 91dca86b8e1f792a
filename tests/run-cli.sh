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
# valgrind, and any valgrind error fails the case.  Cases run CSM_JOBS at a
# time (default: one per processor).
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
PATH=$build:\$PATH exec valgrind -q --suppressions=$top/tests/valgrind.supp --error-exitcode=125 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible $name "\$@"
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

if [ $# -gt 0 ]; then
	cases=$*
else
	cases=$(cd "$top/tests/cli" && ls -d */*/ | sed 's,/$,,')
fi

# Runs case $1 (numbered $2): its messages to $tmp/log/$2, and one word,
# pass, fail or skip, to $tmp/res/$2.
run_one() {
	c=$1
	log=$tmp/log/$2
	res=$tmp/res/$2
	dir=$top/tests/cli/$c
	: > "$log"
	if [ ! -f "$dir/cmd" ]; then
		: > "$res"
		return
	fi
	if [ -f "$dir/needs" ] && ! (cd "$dir" && sh ./needs) >/dev/null 2>&1; then
		# the reason: the first comment line that is not a #! line
		why=$(sed -n '/^#!/d; s/^# *//p' "$dir/needs" | head -n 1)
		echo "skip $c: ${why:-a requirement of the test is missing}" >> "$log"
		echo skip > "$res"
		return
	fi
	in=/dev/null
	[ -f "$dir/in" ] && in=$dir/in
	(cd "$dir" && sh ./cmd) < "$in" > "$tmp/out.$2" 2> "$tmp/err.$2"
	status=$?
	want=0
	[ -f "$dir/status" ] && want=$(cat "$dir/status")
	ok=1
	[ -f "$dir/out" ] && wantout=$dir/out || wantout=/dev/null
	[ -f "$dir/err" ] && wanterr=$dir/err || wanterr=/dev/null
	if [ "$status" != "$want" ]; then
		echo "FAIL $c: exit status $status, want $want" >> "$log"
		ok=0
	fi
	if ! cmp -s "$tmp/out.$2" "$wantout"; then
		{ echo "FAIL $c: stdout differs (want, got):"
		  diff "$wantout" "$tmp/out.$2" | head -n 20; } >> "$log"
		ok=0
	fi
	if ! cmp -s "$tmp/err.$2" "$wanterr"; then
		{ echo "FAIL $c: stderr differs (want, got):"
		  diff "$wanterr" "$tmp/err.$2" | head -n 20; } >> "$log"
		ok=0
	fi
	rm -f "$tmp/out.$2" "$tmp/err.$2"
	if [ $ok = 1 ]; then echo pass; else echo fail; fi > "$res"
}

# The cases run CSM_JOBS at a time (default: one per processor); each
# writes only inside its own folder, so they do not meet.
jobs=${CSM_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
case $jobs in ''|*[!0-9]*|0) jobs=1 ;; esac
mkdir -p "$tmp/log" "$tmp/res"
w=0
while [ $w -lt "$jobs" ]; do
	(
		n=0
		for c in $cases; do
			n=$((n + 1))
			[ $(( (n - 1) % jobs )) -eq $w ] && run_one "$c" $n
		done
	) &
	w=$((w + 1))
done
wait

pass=0
fail=0
skip=0
n=0
for c in $cases; do
	n=$((n + 1))
	cat "$tmp/log/$n"
	case $(cat "$tmp/res/$n" 2>/dev/null) in
	pass) pass=$((pass + 1)) ;;
	fail) fail=$((fail + 1)) ;;
	skip) skip=$((skip + 1)) ;;
	esac
done
if [ $skip -gt 0 ]; then
	echo "cli: $pass passed, $fail failed, $skip skipped"
else
	echo "cli: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
