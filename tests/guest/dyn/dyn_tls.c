/* Threads and thread-local storage in a dynamic program: __thread in the executable (initial-exec
 * TLS), pthreads from libc.so.6, and a library opened with dlopen at run time whose own __thread
 * variable each thread sees separately (LD_LIBRARY_PATH names where it is).
 * build-flags: -pthread -ldl */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static __thread int mine = 10;
static int (*count)(int);

static void *worker(void *arg) {
    int id = (int)(long)arg;
    mine += id;
    int c = 0;
    for (int i = 0; i < 1000; i++)
        c = count(id);
    return (void *)(long)(mine * 100000 + c);
}

int main(void) {
    void *h = dlopen("libplugin.so", RTLD_NOW);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return 1;
    }
    count = (int (*)(int))dlsym(h, "plugin_count");
    int (*loaded)(void) = (int (*)(void))dlsym(h, "plugin_loaded");
    printf("plugin loaded, constructor ran: %d\n", loaded());
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], 0, worker, (void *)(i + 1));
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d: own tls %ld, plugin tls %ld\n", i + 1, (long)r / 100000,
               (long)r % 100000);
    }
    printf("main: own tls %d, plugin tls %d\n", mine, count(0));
    dlclose(h);
    return 0;
}
