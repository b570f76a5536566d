/* A client of rvmaf's C API: scores a reference Y4M against one or more distorted Y4Ms and
 * prints every per-frame score and pooled value with full precision, one per line:
 *
 *   frames <input> <count>
 *   name <input> <name>              (in the library's order)
 *   score <input> <frame> <name> <value>
 *   pool <input> <name> <min> <max> <mean> <harmonic_mean>
 *
 * Usage: score_y4m [-m MODEL]... [-f FEATURE]... [-t THREADS] [-s SUBSAMPLE] [-k threaded]
 *                  [-o OUT.json] REF DIS [DIS...]
 * With -o, input i's libvmaf JSON (exact numbers) goes to OUT.json.i. Exit status 0 on
 * success; on failure the library's status and message are printed to stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvmaf.h"
#include "y4m.h"

static int fail(const char *what, RvmafStatus st) {
    char msg[512];
    rvmaf_last_error_message(msg, sizeof msg);
    fprintf(stderr, "%s: %s (%d): %s\n", what, rvmaf_status_str((int32_t)st), (int)st, msg);
    return 1;
}

#define TRY(call)                                          \
    do {                                                   \
        RvmafStatus st_ = (call);                          \
        if (st_ != RVMAF_STATUS_OK) return fail(#call, st_); \
    } while (0)

#define MAX_INPUTS 8

int main(int argc, char **argv) {
    RvmafConfig *cfg = NULL;
    RvmafContext *ctx = NULL;
    const char *out = NULL;
    int i = 1;

    TRY(rvmaf_config_new(&cfg));
    for (; i < argc && argv[i][0] == '-'; i += 2) {
        if (i + 1 >= argc) { fprintf(stderr, "%s needs a value\n", argv[i]); return 2; }
        const char *v = argv[i + 1];
        switch (argv[i][1]) {
        case 'm': TRY(rvmaf_config_add_model(cfg, v)); break;
        case 'f': TRY(rvmaf_config_add_feature(cfg, v)); break;
        case 't': TRY(rvmaf_config_set_threads(cfg, (uint32_t)atoi(v))); break;
        case 's': TRY(rvmaf_config_set_subsample(cfg, (uint32_t)atoi(v))); break;
        case 'k':
            TRY(rvmaf_config_set_key_order(cfg, strcmp(v, "threaded") == 0
                                                    ? RVMAF_KEY_ORDER_THREADED
                                                    : RVMAF_KEY_ORDER_UNTHREADED));
            break;
        case 'o': out = v; break;
        default: fprintf(stderr, "unknown option %s\n", argv[i]); return 2;
        }
    }
    int n = argc - i - 1;
    if (n < 1 || n > MAX_INPUTS) { fprintf(stderr, "usage: score_y4m [opts] REF DIS...\n"); return 2; }

    Y4m ref, dis[MAX_INPUTS];
    int active[MAX_INPUTS];
    if (y4m_open(&ref, argv[i])) return 1;
    for (int k = 0; k < n; k++) {
        if (y4m_open(&dis[k], argv[i + 1 + k])) return 1;
        active[k] = 1;
    }

    TRY(rvmaf_context_new(cfg, (size_t)n, &ctx));
    rvmaf_config_free(&cfg); /* the context does not need the config any more */

    for (;;) {
        int r = y4m_read(&ref);
        if (r < 0) return 1;
        if (r == 0) break;
        RvmafPicture pics[MAX_INPUTS];
        int all = 1, any = 0;
        for (int k = 0; k < n; k++) {
            if (active[k]) {
                int d = y4m_read(&dis[k]);
                if (d < 0) return 1;
                active[k] = d;
            }
            pics[k] = dis[k].pic;
            all &= active[k];
            any |= active[k];
        }
        if (!any) break;
        if (all) {
            TRY(rvmaf_context_push(ctx, &ref.pic, pics, (size_t)n));
        } else {
            for (int k = 0; k < n; k++)
                if (active[k]) TRY(rvmaf_context_push_one(ctx, (size_t)k, &ref.pic, &pics[k]));
        }
    }
    TRY(rvmaf_context_finish(ctx));

    for (int k = 0; k < n; k++) {
        size_t frames, names;
        TRY(rvmaf_context_frame_count(ctx, (size_t)k, &frames));
        TRY(rvmaf_context_score_name_count(ctx, (size_t)k, &names));
        printf("frames %d %zu\n", k, frames);
        for (size_t j = 0; j < names; j++) {
            const char *name;
            TRY(rvmaf_context_score_name(ctx, (size_t)k, j, &name));
            printf("name %d %s\n", k, name);
            for (size_t f = 0; f < frames; f++) {
                double v;
                RvmafStatus st = rvmaf_context_score(ctx, (size_t)k, name, f, &v);
                if (st == RVMAF_STATUS_NOT_FOUND) continue; /* e.g. a subsampled frame */
                if (st != RVMAF_STATUS_OK) return fail("rvmaf_context_score", st);
                printf("score %d %zu %s %.17g\n", k, f, name, v);
            }
            double p[4];
            const RvmafPoolMethod methods[4] = {RVMAF_POOL_MIN, RVMAF_POOL_MAX, RVMAF_POOL_MEAN,
                                                RVMAF_POOL_HARMONIC_MEAN};
            int ok = 1;
            for (int m = 0; m < 4; m++) {
                RvmafStatus st = rvmaf_context_pool(ctx, (size_t)k, name, methods[m], &p[m]);
                if (st == RVMAF_STATUS_NOT_FOUND) ok = 0;
                else if (st != RVMAF_STATUS_OK) return fail("rvmaf_context_pool", st);
            }
            if (ok) printf("pool %d %s %.17g %.17g %.17g %.17g\n", k, name, p[0], p[1], p[2], p[3]);
        }
        if (out) {
            char path[4096];
            snprintf(path, sizeof path, "%s.%d", out, k);
            TRY(rvmaf_context_write_output(ctx, (size_t)k, path, RVMAF_OUTPUT_FORMAT_JSON,
                                           RVMAF_PRECISION_MAX));
        }
    }

    rvmaf_context_free(&ctx);
    y4m_close(&ref);
    for (int k = 0; k < n; k++) y4m_close(&dis[k]);
    return 0;
}
