/* integer [ITER]: a CoreMark-style integer mix, ITER iterations (default 200) of: linked-list
   build / reverse / find / merge sort, a 24x24 integer matrix multiply-accumulate, a state
   machine classifying a generated string, and a CRC-16 folded over every result. Prints the
   final CRC (deterministic for a given ITER). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES 256
#define MN 24
struct node { struct node *next; int32_t val, idx; };

static uint16_t crc16(uint16_t crc, uint32_t v)
{
    for (int b = 0; b < 32; b++) {
        int x = (crc ^ v) & 1;
        v >>= 1;
        crc >>= 1;
        if (x) crc ^= 0xa001;
    }
    return crc;
}

static struct node *merge_sort(struct node *h)
{
    if (!h || !h->next) return h;
    struct node *slow = h, *fast = h->next;
    while (fast && fast->next) { slow = slow->next; fast = fast->next->next; }
    struct node *b = slow->next; slow->next = NULL;
    struct node *a = merge_sort(h); b = merge_sort(b);
    struct node head, *t = &head;
    while (a && b) {
        if (a->val <= b->val) { t->next = a; a = a->next; } else { t->next = b; b = b->next; }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static uint32_t list_bench(struct node *pool, uint32_t seed)
{
    struct node *h = NULL;
    for (int i = 0; i < NODES; i++) {
        seed = seed * 1103515245u + 12345u;
        pool[i].val = (int32_t)(seed >> 8) & 0xffff; pool[i].idx = i;
        pool[i].next = h; h = &pool[i];
    }
    struct node *r = NULL;                      /* reverse */
    while (h) { struct node *n = h->next; h->next = r; r = h; h = n; }
    h = merge_sort(r);
    uint32_t acc = 0;
    for (int k = 0; k < 16; k++) {              /* find */
        int want = (int)((seed >> k) & 0xffff);
        struct node *p = h;
        while (p && p->val < want) p = p->next;
        acc += p ? (uint32_t)p->idx : 0xffffu;
    }
    for (struct node *p = h; p; p = p->next) acc = acc * 31 + (uint32_t)p->val;
    return acc;
}

static uint32_t matrix_bench(int32_t a[MN][MN], int32_t b[MN][MN], int32_t c[MN][MN], int32_t v)
{
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) { a[i][j] = (i * 7 + j * 3 + v) & 0xff; b[i][j] = (i ^ j) + v; }
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            int32_t s = 0;
            for (int k = 0; k < MN; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
    uint32_t acc = 0;
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) acc += (uint32_t)(c[i][j] & 0xfff) ^ (uint32_t)(i * j);
    return acc;
}

enum { START, INT, FLOAT, EXP, SCI, INVALID, NSTATES };
static uint32_t state_bench(char *s, int n, uint32_t seed)
{
    static const char alphabet[] = "0123456789+-.eE, x";
    for (int i = 0; i < n; i++) { seed = seed * 1664525u + 1013904223u; s[i] = alphabet[(seed >> 16) % 18]; }
    uint32_t counts[NSTATES] = {0};
    int st = START;
    for (int i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == ',') { counts[st]++; st = START; continue; }
        switch (st) {
        case START: st = (ch >= '0' && ch <= '9') ? INT : (ch == '+' || ch == '-') ? INT : ch == '.' ? FLOAT : INVALID; break;
        case INT: st = (ch >= '0' && ch <= '9') ? INT : ch == '.' ? FLOAT : (ch == 'e' || ch == 'E') ? EXP : INVALID; break;
        case FLOAT: st = (ch >= '0' && ch <= '9') ? FLOAT : (ch == 'e' || ch == 'E') ? EXP : INVALID; break;
        case EXP: st = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? SCI : INVALID; break;
        case SCI: st = (ch >= '0' && ch <= '9') ? SCI : INVALID; break;
        default: break;
        }
    }
    uint32_t acc = 0;
    for (int i = 0; i < NSTATES; i++) acc = acc * 131 + counts[i];
    return acc;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 200;
    struct node *pool = malloc(NODES * sizeof *pool);
    static int32_t a[MN][MN], b[MN][MN], c[MN][MN];
    char *s = malloc(2048);
    uint16_t crc = 0;
    for (long it = 0; it < iters; it++) {
        crc = crc16(crc, list_bench(pool, (uint32_t)it));
        crc = crc16(crc, matrix_bench(a, b, c, (int32_t)it));
        crc = crc16(crc, state_bench(s, 2048, (uint32_t)it * 7));
    }
    printf("integer iters=%ld crc=%04x\n", iters, crc);
    return 0;
}
