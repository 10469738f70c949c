/* A shared library for dyn_tls: opened with dlopen at run time, with thread-local storage of its
 * own (the dynamic TLS model: __tls_get_addr) and a constructor. */
#include <stdio.h>

static __thread int calls;              /* one counter per thread */
static int loaded;

__attribute__((constructor)) static void init(void) { loaded = 1; }

int plugin_count(int by) {
    calls += by;
    return calls;
}

int plugin_loaded(void) { return loaded; }
