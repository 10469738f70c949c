/* gdb_target: the program the gdb stub's tests debug (tests/jitvm/test_gdb_session.py): a
 * global, a local, a call to step over, a function to stop in and finish, an exit status.
 * With an argument it spins until a debugger clears `spinning` (the ^C test), exit status 5.
 * build-flags: -g -O0
 */
#include <stdio.h>

int counter = 41;
volatile int spinning = 1;

static int add(int a, int b)
{
    return a + b;
}

static int finish_up(int v)
{
    counter += v;
    return counter;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        while (spinning)
            ;
        return 5;
    }
    int local = 7;
    local = add(local, 1);
    int r = finish_up(local);
    printf("counter %d r %d\n", counter, r);
    return r & 0x7f;
}
