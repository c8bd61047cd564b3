package runtime

// tommie/v8go ships a prebuilt V8 that was linked against glibc 2.38, which
// redirects strtol, sscanf and friends to their C23 variants (__isoc23_*).
// Debian 12 has glibc 2.36, which lacks those symbols, so the link fails.
// The C23 variants differ from the classic ones only in accepting "0b"
// binary prefixes, which V8 never feeds them, so forwarding is safe. With
// glibc >= 2.38 the strong symbols in libc win over nothing: these are weak.

/*
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((weak)) long __isoc23_strtol(const char *s, char **end, int base) { return strtol(s, end, base); }
__attribute__((weak)) long long __isoc23_strtoll(const char *s, char **end, int base) { return strtoll(s, end, base); }
__attribute__((weak)) unsigned long __isoc23_strtoul(const char *s, char **end, int base) { return strtoul(s, end, base); }
__attribute__((weak)) unsigned long long __isoc23_strtoull(const char *s, char **end, int base) { return strtoull(s, end, base); }
__attribute__((weak)) int __isoc23_sscanf(const char *s, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	int n = vsscanf(s, fmt, ap);
	va_end(ap);
	return n;
}
__attribute__((weak)) int __isoc23_fscanf(FILE *f, const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	int n = vfscanf(f, fmt, ap);
	va_end(ap);
	return n;
}

// worky_isoc23_selftest exercises each forwarder, for glibccompat_test.go.
static int worky_isoc23_selftest(void) {
	char *end;
	int a = 0, b = 0;
	if (__isoc23_strtol("-42x", &end, 10) != -42 || *end != 'x') return 1;
	if (__isoc23_strtoll("0x7fffffffff", NULL, 16) != 0x7fffffffffLL) return 2;
	if (__isoc23_strtoul("777", NULL, 8) != 511UL) return 3;
	if (__isoc23_strtoull("18446744073709551615", NULL, 10) != 18446744073709551615ULL) return 4;
	if (__isoc23_sscanf("12 34", "%d %d", &a, &b) != 2 || a != 12 || b != 34) return 5;
	FILE *f = tmpfile();
	if (f == NULL) return 0; // no temporary files here: nothing to check against
	fputs("56", f);
	rewind(f);
	a = 0;
	int n = __isoc23_fscanf(f, "%d", &a);
	fclose(f);
	if (n != 1 || a != 56) return 6;
	return 0;
}
*/
import "C"

// isoc23SelfTest returns 0 when every forwarder behaves like the function
// it stands for, or the number of the first that does not.
func isoc23SelfTest() int { return int(C.worky_isoc23_selftest()) }
