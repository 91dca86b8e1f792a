# gen.awk: a random table (-v d=, or ; or | or tab, -v seed=N) for the
# round-trip property: writes the input to in.txt and what csm-score must
# print to want.txt: the same values, written the canonical way, and
# "100" and "ok" appended.  A deterministic LCG, so every awk agrees.
#
# CSV (, ; |): random needless quoting in; minimal quoting out.
# TSV: the escapes \t \n \r \\ for a tab, LF, CR and backslash.  In, a
# backslash is sometimes left single where that reads back the same (Miller
# and PostgreSQL keep a backslash that starts no escape, and one that ends
# a field), and an empty field is sometimes \N (PostgreSQL's NULL); out,
# every backslash is \\ and an empty field is empty.
function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
function field(   k, s, i) {
	k = rnd(16)
	if (k == 0) return ""
	if (k == 1) return " padded "
	if (k == 2) return "a" D "b"
	if (k == 3) return "say \"hi\""
	if (k == 4) return "two\nlines"
	if (k == 5) return "crlf\r\ninside"
	if (k == 6) return "\"\""
	if (k == 7) return "NA"
	if (k == 8) return "tab\there"
	if (k == 9) return "C:\\Users\\nina\\temp"
	if (k == 10) return "ends in \\"
	if (k == 11) return "\\N"
	if (k == 12) return "all ,;|\t\\ \"x\""
	s = ""
	for (i = rnd(8); i > 0; i--) s = s substr("abcxyz 019-_.$%", rnd(15) + 1, 1)
	return s
}
function needs(s) { return index(s, D) || index(s, "\"") || index(s, "\n") || index(s, "\r") }
function quote(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
# The TSV spelling of v: canonical, or (loose) with single backslashes
# wherever they read back the same.
function tsv(v, loose,   out, i, c, nx) {
	if (v == "" && loose && rnd(2) == 0) return "\\N"
	out = ""
	for (i = 1; i <= length(v); i++) {
		c = substr(v, i, 1)
		nx = substr(v, i + 1, 1)
		if (c == "\t") out = out "\\t"
		else if (c == "\n") out = out "\\n"
		else if (c == "\r") out = out "\\r"
		else if (c != "\\") out = out c
		else if (loose && v != "\\N" && nx !~ /^[tnrbfv\\\t\n\r]$/) out = out "\\"
		else out = out "\\\\"
	}
	return out
}
BEGIN {
	D = d == "tab" ? "\t" : d
	ncol = 5
	hdr = "c1" D "c2" D "c3" D "c4" D "c5"
	print hdr > "in.txt"
	print hdr D "health_score" D "health_band" > "want.txt"
	for (r = 0; r < 300; r++) {
		line = ""; want = ""
		for (c = 1; c <= ncol; c++) {
			f = field()
			sep = c > 1 ? D : ""
			if (D == "\t") {
				line = line sep tsv(f, rnd(2))
				want = want sep tsv(f, 0)
			} else {
				line = line sep (needs(f) || rnd(3) == 0 ? quote(f) : f)
				want = want sep (needs(f) ? quote(f) : f)
			}
		}
		print line > "in.txt"
		print want D "100" D "ok" > "want.txt"
	}
}
