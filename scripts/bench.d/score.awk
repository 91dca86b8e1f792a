# The default csm-score config in awk, for scripts/bench (a blank
# champion_left leaves relationship missing; under 50 of 100 present:
# unscored).  awk splits on
# every comma, so rows whose quoted names hold commas are misread: it does
# the same arithmetic on the same bytes, not the same parsing.
function pts(x, x0, s0, x1, s1, x2, s2) {
	if (x <= x0) return s0
	if (x <= x1) return s0 + (s1 - s0) * (x - x0) / (x1 - x0)
	if (x <= x2) return s1 + (s2 - s1) * (x - x1) / (x2 - x1)
	return s2
}
function ok(s) { return s != "" && s != "NA" && s != "N/A" && s != "-" }
BEGIN { FS = OFS = "," }
NR == 1 { print $0, "health_score", "health_band"; next }
{
	w = 0; sum = 0
	if (ok($7) && ok($6) && $6 + 0 != 0) { w += 30; sum += 30 * pts($7 / $6, 0, 0, 0.5, 50, 0.8, 100) }
	if (ok($8) && ok($9) && $9 + 0 != 0) { w += 25; sum += 25 * pts(($8 - $9) / ($9 < 0 ? -$9 : $9), -0.5, 0, 0, 70, 0.2, 100) }
	if (ok($10)) { w += 20; sum += 20 * pts($10, 0, 100, 5, 50, 15, 0) }
	if (ok($11)) { w += 15; sum += 15 * ($11 >= 9 ? 100 : $11 >= 7 ? 60 : 0) }
	if ($14 == "yes" || $14 == "no") { w += 10; sum += 10 * ($14 == "yes" ? 0 : 100) }
	if (w < 50) { print $0, "", "unscored"; next }
	s = int(sum / w + 0.5)
	print $0, s, (s >= 75 ? "green" : s >= 50 ? "yellow" : "red")
}
