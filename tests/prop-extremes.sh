#!/bin/sh
# prop-extremes.sh [SEED [ROUNDS]]: the property test of SPEC 8.1, "numbers
# are finite and in range" (issue 9).  Each round makes, from a seeded
# generator, an input for csm-score (and csm-expand), csm-risk, csm-nrr
# and csm-qbr whose numeric columns hold extreme values (+/-1e308, 1e-308,
# 1e400, money past 10^15, negative amounts, nan, inf, -inf, Infinity)
# among ordinary ones, runs every tool in each of its formats, and checks
# that
#   - the exit status is 0 or 65 (a data error naming the cell), never a
#     crash or another status;
#   - no inf or nan (any case, as a word) is in what the tools compute:
#     csm-score's, csm-risk's and csm-expand's appended columns in CSV
#     and TSV, the whole of the other outputs, and JSON outside its
#     strings (input text that passes through may say "nan"; a number may
#     not);
#   - every health_score, risk_score and expansion_score is empty or
#     within 0-100.
# Half the rounds hold only finite values and amounts that are no error
# (0 to 10^15), fewer of them, so that more of their runs get past the
# first rows; the others hold anything.  The same seed gives the same inputs; it prints one
# line and exits 0, or prints each failure with its input and exits 1.
# The tools are run by name from PATH.
set -u
seed=${1:-20}
rounds=${2:-12}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/csm-extremes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
asof="--as-of 2026-11-23"
runs=0
ok=0
fails=0

# gen KIND ROUND: writes $tmp/KIND.csv for round ROUND.
gen() {
	awk -v kind="$1" -v round="$2" -v seed="$seed" '
	function rnd() {		# Park-Miller: exact in doubles
		x = (x * 48271) % 2147483647
		return x / 2147483647
	}
	function pick(n) { return int(rnd() * n) + 1 }
	function num() {		# a value for a numeric column
		if (rnd() >= share)
			return int(rnd() * 200) - (rnd() < 0.1 ? 100 : 0)
		return finite ? fin[pick(nfin)] : ext[pick(next_)]
	}
	function money() {
		if (rnd() >= share)
			return int(rnd() * 100000) "." int(rnd() * 90 + 10)
		return finite ? mfin[pick(nmfin)] : ext[pick(next_)]
	}
	BEGIN {
		x = (seed * 7919 + round * 104729) % 2147483647
		if (x <= 0)
			x += 2147483646
		for (i = 0; i < 5; i++)
			rnd()
		finite = round % 2 == 0
		share = finite ? 0.3 : 0.5	# of the values, extreme ones
		nfin = split("1e308|-1e308|1e-308|-1e-308|1e15|-1e15|" \
		    "999999999999999|0|-0|1e-5|7|100%|1e300|-1e300|3.5|", fin,
		    "|")
		nmfin = split("1000000000000000|0|1e-308|999999999999999.99|" \
		    "1e-5|0.004|NA|", mfin, "|")
		next_ = split("1e308|-1e308|1e-308|1e400|-1e400|nan|NaN|inf|" \
		    "-inf|Infinity|1000000000000000.01|9999999999999999.99|" \
		    "-5|(5000)|1e15|0|NA||7", ext, "|")
		if (kind == "score") {
			print "account_id,licensed_seats,active_users,logins_30d," \
			    "logins_prev_30d,tickets_30d,nps,champion_left"
			for (r = 1; r <= 12; r++)
				print "S" r "," num() "," num() "," num() "," \
				    num() "," num() "," num() "," \
				    (rnd() < 0.5 ? "yes" : "no")
		} else if (kind == "risk") {
			print "account_id,account_name,owner,arr,logins_30d," \
			    "logins_prev_30d,tickets_30d,nps,last_qbr_date," \
			    "renewal_date,champion_left," \
			    "renewal_email_unanswered,health_score"
			for (r = 1; r <= 12; r++)
				print "R" r ",Acct " r ",Owner " pick(3) "," \
				    money() "," num() "," num() "," num() "," \
				    num() ",2026-06-01,2027-01-15," \
				    (rnd() < 0.5 ? "yes" : "no") "," \
				    (rnd() < 0.5 ? "yes" : "no") "," num()
		} else if (kind == "nrr") {
			print "account_id,segment,period,arr"
			for (r = 1; r <= 8; r++)
				for (p = 0; p < 3; p++)
					print "N" r ",Seg" pick(2) "," \
					    (p == 0 ? "2025-01" : p == 1 ? \
					    "2025-07" : "2026-01") "," money()
		} else {
			print "account_id,account_name,period,arr," \
			    "licensed_seats,active_users,target_active_users," \
			    "logins_90d,tickets_90d,nps,hours_saved"
			for (r = 1; r <= 3; r++)
				for (q = 1; q <= 4; q++)
					print "Q" r ",Acct " r ",2026-Q" q "," \
					    money() "," num() "," num() "," \
					    num() "," num() "," num() "," \
					    num() "," num()
		}
	}' > "$tmp/$1.csv" && [ -s "$tmp/$1.csv" ] || {
		echo "extremes: cannot make the $1 input"
		exit 1
	}
}

# check NAME OUT STATUS SKIP FORMAT: the properties of one run.  SKIP is
# how many leading input columns pass through in CSV and TSV (0: check
# the whole output); FORMAT json checks outside strings.
check() {
	awk -v name="$1" -v st="$3" -v skip="$4" -v fmt="$5" '
	function bad(why) {
		printf "FAIL %s: %s\n", name, why
		failed = 1
	}
	BEGIN {
		if (st != 0 && st != 65)
			bad("exit status " st)
		fs = fmt == "tsv" ? "\t" : ","
	}
	{
		line = $0
		if (fmt == "json")
			gsub(/"([^"\\]|\\.)*"/, "\"\"", line)
		if ((fmt == "csv" || fmt == "tsv") && skip > 0 && FNR > 1) {
			for (i = 0; i < skip; i++)
				sub("^[^" fs "]*" fs, "", line)
			n = split(line, f, fs)
			score = f[1]
			if (score != "" && (score !~ /^-?[0-9]+(\.[0-9]+)?$/ ||
			    score + 0 < 0 || score + 0 > 100))
				bad("line " FNR ": a score of \"" score "\"")
		}
		if (tolower(line) ~ /(^|[^a-z])(inf|infinity|nan)([^a-z]|$)/)
			bad("line " FNR ": " substr($0, 1, 200))
	}
	END { exit failed }' "$2"
}

# run NAME INPUT SKIP FORMAT COMMAND...: runs and checks one command.
run() {
	name=$1
	in=$2
	skip=$3
	fmt=$4
	shift 4
	"$@" < "$in" > "$tmp/out" 2> "$tmp/err"
	st=$?
	runs=$((runs + 1))
	[ "$st" -eq 0 ] && ok=$((ok + 1))
	if ! check "$name" "$tmp/out" "$st" "$skip" "$fmt"; then
		fails=$((fails + 1))
		echo "  command: $*"
		echo "  stderr: $(head -c 300 "$tmp/err")"
		echo "  input:"
		sed 's/^/    /' "$in"
	fi
}

r=1
while [ "$r" -le "$rounds" ]; do
	for k in score risk nrr qbr; do
		gen "$k" "$r"
		tr ',' '\t' < "$tmp/$k.csv" > "$tmp/$k.tsv"
	done
	s=$tmp/score
	run "round $r csm-score csv" "$s.csv" 8 csv csm-score $asof
	run "round $r csm-score tsv" "$s.tsv" 8 tsv csm-score $asof
	s=$tmp/risk
	for f in csv tsv; do
		run "round $r csm-risk -f $f" "$s.csv" 13 "$f" \
		    csm-risk $asof -f "$f"
	done
	run "round $r csm-risk -f md" "$s.csv" 0 md csm-risk $asof -f md
	run "round $r csm-risk -f html" "$s.csv" 0 html \
	    csm-risk $asof -f html
	run "round $r csm-risk -f json" "$s.csv" 0 json \
	    csm-risk $asof -f json
	run "round $r csm-risk --sort" "$s.csv" 13 csv csm-risk $asof --sort
	s=$tmp/score
	run "round $r csm-expand csv" "$s.csv" 8 csv csm-expand $asof
	run "round $r csm-expand -f md" "$s.csv" 0 md csm-expand $asof -f md
	run "round $r csm-expand -f html" "$s.csv" 0 html \
	    csm-expand $asof -f html
	s=$tmp/nrr
	for f in csv tsv md json; do
		run "round $r csm-nrr -g segment -f $f" "$s.csv" 0 "$f" \
		    csm-nrr -g segment -f "$f"
		run "round $r csm-nrr --accounts -f $f" "$s.csv" 0 "$f" \
		    csm-nrr --accounts --from 2025-07 -f "$f"
	done
	run "round $r csm-nrr --series month" "$s.csv" 0 csv \
	    csm-nrr --series month --window 6
	s=$tmp/qbr
	for f in md csv tsv json; do
		run "round $r csm-qbr -f $f" "$s.csv" 0 "$f" csm-qbr $asof -f "$f"
	done
	r=$((r + 1))
done
if [ "$fails" -gt 0 ]; then
	echo "extremes: $fails of $runs runs failed (seed $seed, $rounds rounds)"
	exit 1
fi
# A test in which every run stops at a data error tests little.
if [ "$ok" -lt $((runs / 10)) ]; then
	echo "extremes: only $ok of $runs runs got past every row"
	exit 1
fi
echo "extremes: $runs runs, each exit 0 or 65, no inf or nan, scores 0-100"
