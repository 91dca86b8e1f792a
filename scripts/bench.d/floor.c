/*
 * floor.c: the floor for any libcsv-based tool: parse standard input with
 * libcsv in strict mode and no-op callbacks, counting fields.  scripts/bench
 * times it next to csm-score.
 */
#include <stdio.h>
#include <unistd.h>

#include <csv.h>

static void
onfield(void *s, size_t n, void *arg)
{
	(void)s;
	(void)n;
	++*(size_t *)arg;
}

static void
onrecord(int c, void *arg)
{
	(void)c;
	(void)arg;
}

int
main(void)
{
	static char buf[64 * 1024];
	struct csv_parser p;
	size_t nf = 0;
	ssize_t r;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return 1;
	while ((r = read(0, buf, sizeof(buf))) > 0)
		if (csv_parse(&p, buf, (size_t)r, onfield, onrecord, &nf) !=
		    (size_t)r)
			return 1;
	csv_fini(&p, onfield, onrecord, &nf);
	csv_free(&p);
	printf("%zu fields\n", nf);
	return 0;
}
