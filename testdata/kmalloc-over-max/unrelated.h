/* Not included by over.c: its macros are not visible there. */
#define FOO_HUGE_BYTES SZ_16M
