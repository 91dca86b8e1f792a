# split.awk: each row of the Telco file goes to test.csv when a hash of
# its first field (the customerID) is 0, 1 or 2 mod 10, else to
# train.csv; the header goes to both.  The same in any awk.
BEGIN { for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i }
NR == 1 { print > "train.csv"; print > "test.csv"; next }
{
	id = substr($0, 1, index($0, ",") - 1)
	h = 0
	for (i = 1; i <= length(id); i++)
		h = (h * 31 + ord[substr(id, i, 1)]) % 1000003
	print > (h % 10 < 3 ? "test.csv" : "train.csv")
}
