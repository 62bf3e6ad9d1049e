/* Libraries calling functions a newer musl added: statx (1.2.5) with qsort_r (1.2.3) in
 * needs-musl-statx.so, qsort_r alone in needs-musl-qsort-r.so (-DONLY_QSORT_R). Linked against
 * bookworm's musl 1.2.3, which has no statx: a shared library may leave it undefined, and
 * musl 1.2.3's loader then refuses it ("statx: symbol not found"). */
#include <stddef.h>

void qsort_r(void *, size_t, size_t, int (*)(const void *, const void *, void *), void *);

static int ascending(const void *a, const void *b, void *context)
{
    (void)context;
    return *(const int *)a - *(const int *)b;
}

void late_sort(int *values, size_t count)
{
    qsort_r(values, count, sizeof *values, ascending, NULL);
}

#ifndef ONLY_QSORT_R
struct statx;
int statx(int, const char *, int, unsigned, struct statx *);

int late_statx(const char *path)
{
    char buffer[256];
    return statx(-100, path, 0, 0x7ff, (struct statx *)buffer);
}
#endif
