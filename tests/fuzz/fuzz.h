/*
 * fuzz.h: what the fuzz targets share (util.c): a way back from csm_die,
 * quiet error messages, and scratch files.
 *
 * A target sets csm_exit to fuzz_exit once, calls setjmp(fuzz_jmp) at the
 * top of LLVMFuzzerTestOneInput and keeps everything it allocates in static
 * storage, so that after a fatal error (csm_die, csm_die_at, csm_cfg_die)
 * it lands back there and frees it all before returning.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

extern jmp_buf fuzz_jmp;
extern char **fuzz_argv;

/* Each target defines these, as libFuzzer wants them. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Sets csm_exit to fuzz_exit and, under libFuzzer, asks it to send the
 * target's stderr to /dev/null (-close_fd_mask=2, put first so that the
 * command line can still override it): csm_die's messages would drown the
 * fuzzer's.  libFuzzer's own output and the sanitizers' reports still show.
 * The regression driver (driver.c) does the same for itself.
 */
void fuzz_setup(int *argc, char ***argv);
/* Longjmps to fuzz_jmp; what csm_exit points at. */
void fuzz_exit(int status);
/*
 * The path of the scratch file name in this process's scratch directory
 * (made on first use, removed at exit).  The string is static.
 */
const char *fuzz_path(const char *name);
/* Replaces the contents of path with p[0..n); aborts on failure. */
void fuzz_write(const char *path, const void *p, size_t n);
/* Reads all of path; the caller frees the result (NUL-terminated). */
char *fuzz_read(const char *path, size_t *n);

/*
 * Checks of what the report writers wrote; each aborts (a crash to the
 * fuzzer) when its output is not as it must be.  fuzz_check_utf8: valid
 * UTF-8 throughout.  fuzz_check_json: one JSON value followed by a
 * newline, or with lines set, JSON Lines (a value a line, each line ended);
 * a number that is not RFC 8259's (inf, nan, 1e+,308) fails.
 * fuzz_check_svg: no inf or nan inside any <svg>...</svg>.
 */
void fuzz_check_utf8(const char *s, size_t n);
void fuzz_check_json(const char *s, size_t n, int lines);
void fuzz_check_svg(const char *s, size_t n);

#endif /* FUZZ_H */
