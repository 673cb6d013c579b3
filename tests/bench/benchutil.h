/* Timing, medians, CPU pinning and memory use for the C benchmarks. */
#ifndef CABO_BENCHUTIL_H
#define CABO_BENCHUTIL_H

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static inline double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts v. */
static inline double bench_median(double *v, unsigned n)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
	return v[n / 2];
}

/* Runs the calling thread on one CPU (modulo the CPUs online). */
static inline void bench_pin(unsigned cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu % (unsigned)sysconf(_SC_NPROCESSORS_ONLN), &set);
	(void)pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static inline size_t bench_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (size_t)sysconf(_SC_PAGESIZE);
}

#endif
