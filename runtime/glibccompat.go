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
*/
import "C"
