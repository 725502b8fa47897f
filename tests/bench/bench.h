/* Shared helpers for the benchmark programs: a monotonic clock, percentiles, and the
 * "FIGURE|name|value|target|verdict" lines run.sh collects into its summary table. */
#ifndef LANDRUN_BENCH_H
#define LANDRUN_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v in place and returns its q-quantile (nearest rank; 0.5 is the median). */
static inline double quantile(double *v, size_t n, double q)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i];
}

/* One line of the summary table. target is "<= 1.10" or ">= 0.90" (printed followed by the
 * unit) or "" for information only; the verdict is computed here so every program grades
 * the same way. */
static inline void figure(const char *name, double value, const char *unit, const char *target)
{
	const char *verdict = "-";
	double t;
	if (sscanf(target, "<= %lf", &t) == 1)
		verdict = value <= t ? "PASS" : "MISS";
	else if (sscanf(target, ">= %lf", &t) == 1)
		verdict = value >= t ? "PASS" : "MISS";
	printf("FIGURE|%s|%.*f %s|%s%s%s|%s\n", name, value >= 100 ? 0 : value >= 10 ? 1 : 3, value, unit,
	       target, *target ? " " : "", *target ? unit : "", verdict);
	fflush(stdout);
}

#endif
