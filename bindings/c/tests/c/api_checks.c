/* Checks of rvmaf's C API contract: argument validation, states, ownership, error messages,
 * and values known independently of rvmaf (PSNR/MSE of constant pictures, from the formula).
 * Exits 0 when every check passes; prints each failed check. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvmaf.h"

static int failures = 0;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* The call returns `want`; on a mismatch prints the status and the library's message. */
#define EXPECT(want, call)                                                        \
    do {                                                                          \
        RvmafStatus got_ = (call);                                                \
        if (got_ != (want)) {                                                     \
            char m_[512];                                                         \
            rvmaf_last_error_message(m_, sizeof m_);                              \
            fprintf(stderr, "%s:%d: %s returned %d (%s), wanted %d: %s\n", __FILE__, \
                    __LINE__, #call, (int)got_, rvmaf_status_str((int32_t)got_),  \
                    (int)(want), m_);                                             \
            failures++;                                                           \
        }                                                                         \
    } while (0)

static const char *last_error(void) {
    static char buf[1024];
    rvmaf_last_error_message(buf, sizeof buf);
    return buf;
}

/* A picture with padded planes (stride = row + pad bytes, padding full of 0xEE) filled with
 * constant luma and chroma values. */
typedef struct Pic {
    RvmafPicture pic;
    void *mem[3];
} Pic;

static void plane_size(unsigned w, unsigned h, RvmafPixelFormat f, int p, size_t *pw,
                       size_t *ph) {
    *pw = w;
    *ph = h;
    if (p == 0) return;
    if (f == RVMAF_PIXEL_FORMAT_YUV400) { *pw = *ph = 0; return; }
    if (f != RVMAF_PIXEL_FORMAT_YUV444) *pw = (w + 1) / 2;
    if (f == RVMAF_PIXEL_FORMAT_YUV420) *ph = (h + 1) / 2;
}

static Pic make_pic(unsigned w, unsigned h, RvmafPixelFormat f, unsigned depth, unsigned y,
                    unsigned c) {
    Pic p;
    memset(&p, 0, sizeof p);
    p.pic.width = w;
    p.pic.height = h;
    p.pic.format = f;
    p.pic.bit_depth = depth;
    size_t bps = depth > 8 ? 2 : 1;
    int planes = f == RVMAF_PIXEL_FORMAT_YUV400 ? 1 : 3;
    for (int i = 0; i < planes; i++) {
        size_t pw, ph;
        plane_size(w, h, f, i, &pw, &ph);
        if (pw == 0 || ph == 0) continue;
        size_t stride = pw * bps + 2 * 7;
        size_t bytes = (ph - 1) * stride + pw * bps; /* exactly what may be read */
        unsigned char *m = malloc(bytes);
        memset(m, 0xEE, bytes);
        for (size_t r = 0; r < ph; r++)
            for (size_t x = 0; x < pw; x++) {
                unsigned v = i == 0 ? y : c;
                if (bps == 1) m[r * stride + x] = (unsigned char)v;
                else ((uint16_t *)(m + r * stride))[x] = (uint16_t)v;
            }
        p.mem[i] = m;
        p.pic.data[i] = m;
        p.pic.stride[i] = stride;
    }
    return p;
}

static void free_pic(Pic *p) {
    for (int i = 0; i < 3; i++) free(p->mem[i]);
    memset(p, 0, sizeof *p);
}

static RvmafConfig *config(const char *model, const char *feature) {
    RvmafConfig *cfg = NULL;
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_new(&cfg));
    if (model) EXPECT(RVMAF_STATUS_OK, rvmaf_config_add_model(cfg, model));
    if (feature) EXPECT(RVMAF_STATUS_OK, rvmaf_config_add_feature(cfg, feature));
    return cfg;
}

static RvmafContext *context(const char *model, const char *feature, size_t n) {
    RvmafConfig *cfg = config(model, feature);
    RvmafContext *ctx = NULL;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_new(cfg, n, &ctx));
    rvmaf_config_free(&cfg);
    return ctx;
}

static void check_globals(void) {
    const char *v = rvmaf_version();
    CHECK(v != NULL && v[0] >= '0' && v[0] <= '9');
    CHECK(strcmp(rvmaf_status_str(RVMAF_STATUS_OK), "ok") == 0);
    CHECK(strcmp(rvmaf_status_str(9999), "unknown status") == 0);
    CHECK(strcmp(rvmaf_status_str(-1), "unknown status") == 0);

    size_t n = rvmaf_builtin_model_count();
    CHECK(n >= 10);
    int has_default = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        EXPECT(RVMAF_STATUS_OK, rvmaf_builtin_model_name(i, &name));
        if (name && strcmp(name, "vmaf_v0.6.1") == 0) has_default = 1;
    }
    CHECK(has_default);
    const char *name = NULL;
    EXPECT(RVMAF_STATUS_NOT_FOUND, rvmaf_builtin_model_name(n, &name));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_builtin_model_name(0, NULL));
}

static void check_last_error(void) {
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_new(NULL));
    const char *want = "argument `out` is NULL";
    CHECK(rvmaf_last_error_message(NULL, 0) == strlen(want));
    CHECK(strcmp(last_error(), want) == 0);
    char small[5];
    memset(small, 'x', sizeof small);
    CHECK(rvmaf_last_error_message(small, sizeof small) == strlen(want));
    CHECK(memcmp(small, "argu", 4) == 0 && small[4] == '\0');
    char one = 'x';
    rvmaf_last_error_message(&one, 1);
    CHECK(one == '\0');
    /* a success does not clear the message */
    RvmafConfig *cfg = NULL;
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_new(&cfg));
    CHECK(strcmp(last_error(), want) == 0);
    rvmaf_config_free(&cfg);
}

static void check_config(void) {
    RvmafConfig *cfg = NULL;
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_new(&cfg));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_add_model(NULL, "vmaf_v0.6.1"));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_add_model(cfg, NULL));
    EXPECT(RVMAF_STATUS_UNKNOWN_MODEL, rvmaf_config_add_model(cfg, "version=no_such_model"));
    CHECK(strstr(last_error(), "no_such_model") != NULL);
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_add_model(cfg, "bogus"));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_add_model(cfg, "name=x"));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_add_model(cfg, "\xff\xfe"));
    EXPECT(RVMAF_STATUS_IO, rvmaf_config_add_model(cfg, "path=/nonexistent/model.json"));
    EXPECT(RVMAF_STATUS_UNKNOWN_FEATURE, rvmaf_config_add_feature(cfg, "no_such_feature"));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_add_feature(cfg, "=x"));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_add_feature(cfg, NULL));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_set_threads(cfg, RVMAF_MAX_THREADS + 1));
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_set_threads(cfg, 0));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_set_subsample(cfg, 0));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_config_set_key_order(cfg, 2));
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_set_key_order(cfg, RVMAF_KEY_ORDER_THREADED));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_set_threads(NULL, 1));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_set_subsample(NULL, 1));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_set_key_order(NULL, 0));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_config_set_no_prediction(NULL, true));

    /* nothing to compute (the failed adds above left the config empty) */
    RvmafContext *ctx = (RvmafContext *)&ctx; /* must be overwritten with NULL */
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_new(cfg, 1, &ctx));
    CHECK(ctx == NULL);
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_add_feature(cfg, "psnr=enable_bogus=true"));
    EXPECT(RVMAF_STATUS_FEATURE_OPTION, rvmaf_context_new(cfg, 1, &ctx));
    rvmaf_config_free(&cfg);

    cfg = config("version=vmaf_v0.6.1", NULL);
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_new(NULL, 1, &ctx));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_new(cfg, 1, NULL));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_new(cfg, 0, &ctx));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_new(cfg, RVMAF_MAX_INPUTS + 1, &ctx));
    /* two models named "vmaf" */
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_add_model(cfg, "vmaf_v0.6.1neg"));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_new(cfg, 1, &ctx));
    rvmaf_config_free(&cfg);

    /* freeing is NULL-safe and idempotent */
    CHECK(cfg == NULL);
    rvmaf_config_free(&cfg);
    rvmaf_config_free(NULL);
    rvmaf_context_free(NULL);
    ctx = NULL;
    rvmaf_context_free(&ctx);
}

static void check_pictures(void) {
    RvmafContext *ctx = context(NULL, "psnr", 1);
    Pic r = make_pic(64, 48, RVMAF_PIXEL_FORMAT_YUV420, 8, 100, 50);
    Pic d = make_pic(64, 48, RVMAF_PIXEL_FORMAT_YUV420, 8, 110, 60);
    RvmafPicture bad;

    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_push(NULL, &r.pic, &d.pic, 1));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_push(ctx, NULL, &d.pic, 1));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_push(ctx, &r.pic, NULL, 1));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_push(ctx, &r.pic, &d.pic, 2));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_push(ctx, &r.pic, &d.pic, 0));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_push_one(ctx, 1, &r.pic, &d.pic));

    bad = d.pic; bad.data[0] = NULL;
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.data[2] = NULL;
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.stride[0] = 63;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    CHECK(strstr(last_error(), "stride 63") != NULL);
    bad = d.pic; bad.stride[1] = 31;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.stride[0] = SIZE_MAX / 2;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.bit_depth = 7;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.bit_depth = 17;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.format = 421;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.width = 0;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.height = RVMAF_MAX_DIMENSION + 1;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    /* distorted differs from the reference */
    bad = d.pic; bad.width = 62; /* strides stay large enough */
    EXPECT(RVMAF_STATUS_MISMATCH, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.format = RVMAF_PIXEL_FORMAT_YUV400;
    EXPECT(RVMAF_STATUS_MISMATCH, rvmaf_context_push(ctx, &r.pic, &bad, 1));

    Pic d10 = make_pic(64, 48, RVMAF_PIXEL_FORMAT_YUV420, 10, 440, 240);
    EXPECT(RVMAF_STATUS_MISMATCH, rvmaf_context_push(ctx, &r.pic, &d10.pic, 1));

    /* nothing was pushed: finish is refused and the context stays usable */
    size_t frames = 99;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_frame_count(ctx, 0, &frames));
    CHECK(frames == 0);
    EXPECT(RVMAF_STATUS_INVALID_STATE, rvmaf_context_finish(ctx));
    double v;
    EXPECT(RVMAF_STATUS_INVALID_STATE, rvmaf_context_score(ctx, 0, "psnr_y", 0, &v));

    /* valid frames; the second one has another size */
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
    Pic r2 = make_pic(32, 48, RVMAF_PIXEL_FORMAT_YUV420, 8, 100, 50);
    EXPECT(RVMAF_STATUS_MISMATCH, rvmaf_context_push(ctx, &r2.pic, &r2.pic, 1));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_push_one(ctx, 0, &r.pic, &r.pic));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_frame_count(ctx, 0, &frames));
    CHECK(frames == 2);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx)); /* idempotent */
    EXPECT(RVMAF_STATUS_INVALID_STATE, rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
    CHECK(strstr(last_error(), "after rvmaf_context_finish") != NULL);

    /* frame 0: constant difference 10 on every plane: MSE 100, PSNR 10 log10(255^2 / 100) */
    double want = 10.0 * log10(255.0 * 255.0 / 100.0);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "psnr_y", 0, &v));
    CHECK(fabs(v - want) < 1e-12);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "psnr_cb", 0, &v));
    CHECK(fabs(v - want) < 1e-12);
    /* frame 1: identical pictures: libvmaf's 8-bit cap, 6 * 8 + 12 = 60 dB */
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "psnr_cr", 1, &v));
    CHECK(v == 60.0);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_pool(ctx, 0, "psnr_y", RVMAF_POOL_MAX, &v));
    CHECK(v == 60.0);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_pool(ctx, 0, "psnr_y", RVMAF_POOL_MEAN, &v));
    CHECK(fabs(v - (want + 60.0) / 2) < 1e-12);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_pool_percentile(ctx, 0, "psnr_y", 0.0, &v));
    CHECK(fabs(v - want) < 1e-12);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_pool_percentile(ctx, 0, "psnr_y", 50.0, &v));
    CHECK(fabs(v - (want + 60.0) / 2) < 1e-12);

    /* queries out of range */
    EXPECT(RVMAF_STATUS_NOT_FOUND, rvmaf_context_score(ctx, 0, "psnr_y", 2, &v));
    EXPECT(RVMAF_STATUS_NOT_FOUND, rvmaf_context_score(ctx, 0, "vmaf", 0, &v));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_score(ctx, 1, "psnr_y", 0, &v));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_score(ctx, 0, NULL, 0, &v));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_score(ctx, 0, "psnr_y", 0, NULL));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_score(NULL, 0, "psnr_y", 0, &v));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_pool(ctx, 0, "psnr_y", 0, &v));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_pool(ctx, 0, "psnr_y", 5, &v));
    EXPECT(RVMAF_STATUS_NOT_FOUND, rvmaf_context_pool(ctx, 0, "nope", RVMAF_POOL_MIN, &v));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_pool_percentile(ctx, 0, "psnr_y", 100.5, &v));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT, rvmaf_context_pool_percentile(ctx, 0, "psnr_y", NAN, &v));

    size_t names = 0;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score_name_count(ctx, 0, &names));
    CHECK(names == 3);
    const char *name = NULL;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score_name(ctx, 0, 0, &name));
    CHECK(name && strcmp(name, "psnr_y") == 0);
    EXPECT(RVMAF_STATUS_NOT_FOUND, rvmaf_context_score_name(ctx, 0, 3, &name));
    EXPECT(RVMAF_STATUS_NULL_POINTER, rvmaf_context_score_name(ctx, 0, 0, NULL));

    /* outputs */
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT,
           rvmaf_context_write_output(ctx, 0, "/tmp/x.json", 0, RVMAF_PRECISION_DEFAULT));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT,
           rvmaf_context_write_output(ctx, 0, "/tmp/x.json", RVMAF_OUTPUT_FORMAT_JSON, 18));
    EXPECT(RVMAF_STATUS_INVALID_ARGUMENT,
           rvmaf_context_write_output(ctx, 0, "/tmp/x.json", RVMAF_OUTPUT_FORMAT_JSON, -2));
    EXPECT(RVMAF_STATUS_NULL_POINTER,
           rvmaf_context_write_output(ctx, 0, NULL, RVMAF_OUTPUT_FORMAT_JSON, 6));
    EXPECT(RVMAF_STATUS_IO, rvmaf_context_write_output(ctx, 0, "/nonexistent/dir/out.xml",
                                                       RVMAF_OUTPUT_FORMAT_XML, 6));
    CHECK(strstr(last_error(), "/nonexistent/dir/out.xml") != NULL);

    free_pic(&r);
    free_pic(&d);
    free_pic(&r2);
    free_pic(&d10);
    rvmaf_context_free(&ctx);
    CHECK(ctx == NULL);
    rvmaf_context_free(&ctx); /* second free of the same variable: a no-op */
}

/* 10-bit, 4:2:2 and 4:0:0, odd sizes (chroma = ceil), MSE from the formula, range checks. */
static void check_high_depth_and_formats(void) {
    RvmafContext *ctx = context(NULL, "psnr=enable_mse=true", 1);
    Pic r = make_pic(33, 17, RVMAF_PIXEL_FORMAT_YUV422, 10, 400, 500);
    Pic d = make_pic(33, 17, RVMAF_PIXEL_FORMAT_YUV422, 10, 440, 497);
    RvmafPicture bad;
    bad = d.pic; bad.stride[0] += 1; /* odd stride for 16-bit samples */
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    bad = d.pic; bad.data[1] = (const unsigned char *)bad.data[1] + 1; /* misaligned */
    bad.stride[1] -= 2;
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &bad, 1));
    ((uint16_t *)d.mem[2])[3] = 1024; /* above the 10-bit range */
    EXPECT(RVMAF_STATUS_INVALID_PICTURE, rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
    CHECK(strstr(last_error(), "1023") != NULL);
    ((uint16_t *)d.mem[2])[3] = 497;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx));
    double v;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "mse_y", 0, &v));
    CHECK(v == 1600.0);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "mse_cr", 0, &v));
    CHECK(v == 9.0);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "psnr_y", 0, &v));
    CHECK(fabs(v - 10.0 * log10(1023.0 * 1023.0 / 1600.0)) < 1e-12);
    free_pic(&r);
    free_pic(&d);
    rvmaf_context_free(&ctx);

    /* 4:0:0: chroma pointers are ignored (NULL here); 16-bit accepts the full range */
    ctx = context(NULL, "psnr=enable_mse=true", 1);
    r = make_pic(7, 5, RVMAF_PIXEL_FORMAT_YUV400, 16, 65535, 0);
    d = make_pic(7, 5, RVMAF_PIXEL_FORMAT_YUV400, 16, 65533, 0);
    CHECK(r.pic.data[1] == NULL);
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "mse_y", 0, &v));
    CHECK(v == 4.0);
    free_pic(&r);
    free_pic(&d);
    rvmaf_context_free(&ctx);

    /* several distorted inputs of one reference, 4:4:4 8-bit */
    ctx = context(NULL, "psnr=enable_mse=true", 3);
    r = make_pic(9, 9, RVMAF_PIXEL_FORMAT_YUV444, 8, 100, 100);
    Pic ds[3];
    RvmafPicture dp[3];
    for (int k = 0; k < 3; k++) {
        ds[k] = make_pic(9, 9, RVMAF_PIXEL_FORMAT_YUV444, 8, 100 + (unsigned)k, 100);
        dp[k] = ds[k].pic;
    }
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_push(ctx, &r.pic, dp, 3));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_push_one(ctx, 2, &r.pic, &dp[2]));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx));
    for (size_t k = 0; k < 3; k++) {
        size_t frames;
        EXPECT(RVMAF_STATUS_OK, rvmaf_context_frame_count(ctx, k, &frames));
        CHECK(frames == (k == 2 ? 2u : 1u));
        EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, k, "mse_y", 0, &v));
        CHECK(v == (double)(k * k));
    }
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 2, "mse_y", 1, &v));
    CHECK(v == 4.0);
    free_pic(&r);
    for (int k = 0; k < 3; k++) free_pic(&ds[k]);
    rvmaf_context_free(&ctx);
}

/* An extractor that refuses the input leaves the context failed. */
static void check_failed_context(void) {
    RvmafContext *ctx = context(NULL, "float_ms_ssim", 1);
    Pic r = make_pic(16, 16, RVMAF_PIXEL_FORMAT_YUV420, 8, 100, 50);
    EXPECT(RVMAF_STATUS_EXTRACTION, rvmaf_context_push(ctx, &r.pic, &r.pic, 1));
    CHECK(strstr(last_error(), "too small") != NULL);
    EXPECT(RVMAF_STATUS_INVALID_STATE, rvmaf_context_push(ctx, &r.pic, &r.pic, 1));
    CHECK(strstr(last_error(), "failed earlier") != NULL);
    EXPECT(RVMAF_STATUS_INVALID_STATE, rvmaf_context_finish(ctx));
    size_t n;
    EXPECT(RVMAF_STATUS_INVALID_STATE, rvmaf_context_frame_count(ctx, 0, &n));
    free_pic(&r);
    rvmaf_context_free(&ctx);
}

/* Subsampling: skipped frames have no score (psnr is temporal, so libvmaf computes it on every
 * frame; ciede is not). */
static void check_subsample(void) {
    RvmafConfig *cfg = config(NULL, "ciede");
    EXPECT(RVMAF_STATUS_OK, rvmaf_config_set_subsample(cfg, 2));
    RvmafContext *ctx = NULL;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_new(cfg, 1, &ctx));
    rvmaf_config_free(&cfg);
    Pic r = make_pic(16, 16, RVMAF_PIXEL_FORMAT_YUV420, 8, 100, 50);
    for (int i = 0; i < 3; i++) EXPECT(RVMAF_STATUS_OK, rvmaf_context_push(ctx, &r.pic, &r.pic, 1));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx));
    double v;
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "ciede2000", 2, &v));
    EXPECT(RVMAF_STATUS_NOT_FOUND, rvmaf_context_score(ctx, 0, "ciede2000", 1, &v));
    EXPECT(RVMAF_STATUS_OK, rvmaf_context_pool(ctx, 0, "ciede2000", RVMAF_POOL_MEAN, &v));
    free_pic(&r);
    rvmaf_context_free(&ctx);
}

/* Scores are found by printed and by libvmaf's internal names; the key order setting decides
 * whether the temporal psnr comes first (libvmaf with threads) or after the model's features. */
static void check_names_and_order(void) {
    for (int threaded = 0; threaded < 2; threaded++) {
        RvmafConfig *cfg = config("version=vmaf_v0.6.1", "psnr");
        EXPECT(RVMAF_STATUS_OK, rvmaf_config_set_key_order(
                                    cfg, threaded ? RVMAF_KEY_ORDER_THREADED
                                                  : RVMAF_KEY_ORDER_UNTHREADED));
        RvmafContext *ctx = NULL;
        EXPECT(RVMAF_STATUS_OK, rvmaf_context_new(cfg, 1, &ctx));
        rvmaf_config_free(&cfg);
        Pic r = make_pic(64, 64, RVMAF_PIXEL_FORMAT_YUV420, 8, 100, 50);
        Pic d = make_pic(64, 64, RVMAF_PIXEL_FORMAT_YUV420, 8, 104, 50);
        for (int i = 0; i < 2; i++)
            EXPECT(RVMAF_STATUS_OK, rvmaf_context_push(ctx, &r.pic, &d.pic, 1));
        EXPECT(RVMAF_STATUS_OK, rvmaf_context_finish(ctx));
        double a = -1, b = -2;
        EXPECT(RVMAF_STATUS_OK, rvmaf_context_score(ctx, 0, "integer_adm2", 1, &a));
        EXPECT(RVMAF_STATUS_OK,
               rvmaf_context_score(ctx, 0, "VMAF_integer_feature_adm2_score", 1, &b));
        CHECK(a == b);
        const char *first = NULL;
        EXPECT(RVMAF_STATUS_OK, rvmaf_context_score_name(ctx, 0, 0, &first));
        CHECK(first && strcmp(first, threaded ? "psnr_y" : "integer_adm2") == 0);
        free_pic(&r);
        free_pic(&d);
        rvmaf_context_free(&ctx);
    }
}

int main(void) {
    check_globals();
    check_last_error();
    check_config();
    check_pictures();
    check_high_depth_and_formats();
    check_failed_context();
    check_subsample();
    check_names_and_order();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("api_checks: all checks passed\n");
    return 0;
}
