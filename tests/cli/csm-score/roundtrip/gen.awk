# gen.awk: random CSV or TSV (-v d=, or d=tab, -v seed=N) for the round-trip
# property: writes the input, with random needless quoting, to in.txt and
# what csm-score must print to want.txt: the same fields, minimally quoted,
# and ",100,ok" appended.  A deterministic LCG, so every awk agrees.
function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
function field(   k, s, i) {
	k = rnd(12)
	if (k == 0) return ""
	if (k == 1) return " padded "
	if (k == 2) return "a" D "b"
	if (k == 3) return "say \"hi\""
	if (k == 4) return "two\nlines"
	if (k == 5) return "crlf\r\ninside"
	if (k == 6) return "\"\""
	if (k == 7) return "NA"
	s = ""
	for (i = rnd(8); i > 0; i--) s = s substr("abcxyz 019-_.$%", rnd(15) + 1, 1)
	return s
}
function needs(s) { return index(s, D) || index(s, "\"") || index(s, "\n") || index(s, "\r") }
function quote(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
BEGIN {
	D = d == "tab" ? "\t" : ","
	ncol = 5
	hdr = "c1" D "c2" D "c3" D "c4" D "c5"
	print hdr > "in.txt"
	print hdr D "health_score" D "health_band" > "want.txt"
	for (r = 0; r < 300; r++) {
		line = ""; want = ""
		for (c = 1; c <= ncol; c++) {
			f = field()
			sep = c > 1 ? D : ""
			line = line sep (needs(f) || rnd(3) == 0 ? quote(f) : f)
			want = want sep (needs(f) ? quote(f) : f)
		}
		print line > "in.txt"
		print want D "100" D "ok" > "want.txt"
	}
}
