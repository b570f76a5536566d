/*
 * Error paths and contracts of libvmaf.so.3: struct layouts, NULL arguments, invalid enum
 * values, ownership on failure, double flush, reading after the flush, mismatched or changed
 * picture parameters, picture layout and pool, odd sizes. Run under AddressSanitizer in CI,
 * which also catches double frees and leaks of the ownership rules.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <libvmaf/version.h>

#include "common.h"

/* libvmaf 3.2's layouts (x86-64 SysV), see libvmaf-map.md 13.2 */
#if defined(__x86_64__) || defined(__aarch64__)
_Static_assert(sizeof(VmafConfiguration) == 32, "VmafConfiguration");
_Static_assert(offsetof(VmafConfiguration, log_level) == 0, "log_level");
_Static_assert(offsetof(VmafConfiguration, n_threads) == 4, "n_threads");
_Static_assert(offsetof(VmafConfiguration, n_subsample) == 8, "n_subsample");
_Static_assert(offsetof(VmafConfiguration, cpumask) == 16, "cpumask");
_Static_assert(offsetof(VmafConfiguration, gpumask) == 24, "gpumask");
_Static_assert(sizeof(VmafPicture) == 96, "VmafPicture");
_Static_assert(offsetof(VmafPicture, pix_fmt) == 0, "pix_fmt");
_Static_assert(offsetof(VmafPicture, bpc) == 4, "bpc");
_Static_assert(offsetof(VmafPicture, w) == 8, "w");
_Static_assert(offsetof(VmafPicture, h) == 20, "h");
_Static_assert(offsetof(VmafPicture, stride) == 32, "stride");
_Static_assert(offsetof(VmafPicture, data) == 56, "data");
_Static_assert(offsetof(VmafPicture, ref) == 80, "ref");
_Static_assert(offsetof(VmafPicture, priv) == 88, "priv");
_Static_assert(sizeof(VmafModelConfig) == 16, "VmafModelConfig");
_Static_assert(offsetof(VmafModelConfig, flags) == 8, "flags");
_Static_assert(sizeof(VmafModelCollectionScore) == 40, "VmafModelCollectionScore");
_Static_assert(offsetof(VmafModelCollectionScore, bootstrap.bagging_score) == 8, "bagging");
_Static_assert(offsetof(VmafModelCollectionScore, bootstrap.stddev) == 16, "stddev");
_Static_assert(offsetof(VmafModelCollectionScore, bootstrap.ci.p95.lo) == 24, "lo");
_Static_assert(offsetof(VmafModelCollectionScore, bootstrap.ci.p95.hi) == 32, "hi");
_Static_assert(sizeof(VmafPictureConfiguration) == 20, "VmafPictureConfiguration");
_Static_assert(offsetof(VmafPictureConfiguration, pic_params.h) == 4, "pic_params.h");
_Static_assert(offsetof(VmafPictureConfiguration, pic_params.bpc) == 8, "pic_params.bpc");
_Static_assert(offsetof(VmafPictureConfiguration, pic_params.pix_fmt) == 12, "pix_fmt");
_Static_assert(offsetof(VmafPictureConfiguration, pic_cnt) == 16, "pic_cnt");
#endif
_Static_assert(sizeof(enum VmafPixelFormat) == 4, "enum size");
_Static_assert(VMAF_PIX_FMT_YUV400P == 4 && VMAF_POOL_METHOD_NB == 5 &&
                   VMAF_OUTPUT_FORMAT_SUB == 4 && VMAF_LOG_LEVEL_DEBUG == 4 &&
                   VMAF_MODEL_FLAG_DISABLE_TRANSFORM == 4 &&
                   VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP == 1,
               "enum values");
_Static_assert(VMAF_API_VERSION_MAJOR == 3 && VMAF_API_VERSION_MINOR == 2 &&
                   VMAF_API_VERSION_PATCH == 0,
               "version.h");

#define EINV (-EINVAL)

static VmafContext *new_ctx(unsigned threads)
{
    VmafConfiguration cfg = {.log_level = VMAF_LOG_LEVEL_NONE, .n_threads = threads};
    VmafContext *v = NULL;
    REQUIRE_RC(vmaf_init(&v, cfg));
    return v;
}

/* Fills every plane with a deterministic pattern (8-bit). */
static void pattern(VmafPicture *p, unsigned seed)
{
    for (int i = 0; i < 3; i++) {
        unsigned char *row = p->data[i];
        for (unsigned y = 0; y < p->h[i]; y++, row += p->stride[i])
            for (unsigned x = 0; x < p->w[i]; x++)
                row[x] = (unsigned char)((x * 7 + y * 13 + seed * 31 + (x * y) % 17) & 0xff);
    }
}

static void null_arguments(void)
{
    VmafConfiguration cfg = {0};
    VmafContext *v = new_ctx(0);
    VmafModel *m = NULL;
    VmafModelCollection *mc = NULL;
    VmafModelConfig mcfg = {0};
    VmafModelCollectionScore mcs;
    VmafPicture pic;
    VmafFeatureDictionary *d = NULL;
    double s;

    CHECK(!strcmp(vmaf_version(), "3.2.0"));
    CHECK_RC(vmaf_init(NULL, cfg), EINV);
    CHECK_RC(vmaf_close(NULL), EINV);
    CHECK_RC(vmaf_model_load(NULL, &mcfg, "vmaf_v0.6.1"), EINV);
    CHECK_RC(vmaf_model_load(&m, NULL, "vmaf_v0.6.1"), EINV);
    CHECK_RC(vmaf_model_load(&m, &mcfg, NULL), EINV);
    CHECK_RC(vmaf_model_load(&m, &mcfg, "no_such_model"), EINV);
    CHECK_RC(vmaf_model_load(&m, &mcfg, "vmaf_b_v0.6.3"), EINV); /* a collection */
    CHECK_RC(vmaf_model_load_from_path(&m, &mcfg, "/nonexistent/model.json"), EINV);
    CHECK_RC(vmaf_model_load_from_path(&m, &mcfg, "/nonexistent/model.pkl"), EINV);
    CHECK_RC(vmaf_model_collection_load(&m, &mc, &mcfg, "vmaf_v0.6.1"), EINV); /* single */
    CHECK_RC(vmaf_model_collection_load(NULL, &mc, &mcfg, "vmaf_b_v0.6.3"), EINV);
    CHECK_RC(vmaf_model_collection_load(&m, NULL, &mcfg, "vmaf_b_v0.6.3"), EINV);
    CHECK_RC(vmaf_model_collection_load_from_path(&m, &mc, &mcfg, "/nonexistent.json"), EINV);
    CHECK(m == NULL && mc == NULL);
    vmaf_model_destroy(NULL);
    vmaf_model_collection_destroy(NULL);

    REQUIRE_RC(vmaf_model_load(&m, &mcfg, "vmaf_v0.6.1"));
    VmafModel *primary = NULL;
    REQUIRE_RC(vmaf_model_collection_load(&primary, &mc, &mcfg, "vmaf_b_v0.6.3"));

    /* dictionaries: NULL arguments leave the caller's dictionary alone */
    CHECK_RC(vmaf_feature_dictionary_set(NULL, "k", "v"), EINV);
    CHECK_RC(vmaf_feature_dictionary_set(&d, NULL, "v"), EINV);
    CHECK_RC(vmaf_feature_dictionary_set(&d, "k", NULL), EINV);
    CHECK(d == NULL);
    CHECK_RC(vmaf_feature_dictionary_free(NULL), EINV);
    CHECK_RC(vmaf_feature_dictionary_free(&d), 0);
    REQUIRE_RC(vmaf_feature_dictionary_set(&d, "enable_chroma", "false"));
    CHECK_RC(vmaf_model_feature_overload(NULL, "psnr", d), EINV);
    CHECK_RC(vmaf_model_feature_overload(m, NULL, d), EINV);
    CHECK_RC(vmaf_model_feature_overload(m, "psnr", NULL), EINV);
    CHECK_RC(vmaf_model_collection_feature_overload(m, NULL, "adm", d), EINV);
    CHECK_RC(vmaf_model_collection_feature_overload(m, &(VmafModelCollection *){NULL}, "adm", d),
             EINV);
    CHECK_RC(vmaf_use_feature(v, "no_such_extractor", d), EINV); /* d stays ours */
    CHECK_RC(vmaf_use_feature(NULL, "psnr", d), EINV);
    CHECK_RC(vmaf_use_feature(v, NULL, d), EINV);
    CHECK_RC(vmaf_feature_dictionary_free(&d), 0);
    CHECK(d == NULL);
    /* a bad option value: the dictionary is consumed all the same (libvmaf's rule) */
    REQUIRE_RC(vmaf_feature_dictionary_set(&d, "enable_chroma", "maybe"));
    CHECK_RC(vmaf_use_feature(v, "psnr", d), EINV);
    d = NULL;

    CHECK_RC(vmaf_use_features_from_model(NULL, m), EINV);
    CHECK_RC(vmaf_use_features_from_model(v, NULL), EINV);
    CHECK_RC(vmaf_use_features_from_model_collection(NULL, mc), EINV);
    CHECK_RC(vmaf_use_features_from_model_collection(v, NULL), EINV);
    CHECK_RC(vmaf_import_feature_score(NULL, "x", 1.0, 0), EINV);
    CHECK_RC(vmaf_import_feature_score(v, NULL, 1.0, 0), EINV);
    CHECK_RC(vmaf_read_pictures(NULL, NULL, NULL, 0), EINV);
    CHECK_RC(vmaf_score_at_index(NULL, m, &s, 0), EINV);
    CHECK_RC(vmaf_score_at_index(v, NULL, &s, 0), EINV);
    CHECK_RC(vmaf_score_at_index(v, m, NULL, 0), EINV);
    CHECK_RC(vmaf_score_at_index(v, m, &s, 0), EINV); /* no features yet */
    CHECK_RC(vmaf_score_at_index_model_collection(NULL, mc, &mcs, 0), EINV);
    CHECK_RC(vmaf_score_at_index_model_collection(v, NULL, &mcs, 0), EINV);
    CHECK_RC(vmaf_score_at_index_model_collection(v, mc, NULL, 0), EINV);
    CHECK_RC(vmaf_feature_score_at_index(NULL, "x", &s, 0), EINV);
    CHECK_RC(vmaf_feature_score_at_index(v, NULL, &s, 0), EINV);
    CHECK_RC(vmaf_feature_score_at_index(v, "x", NULL, 0), EINV);
    CHECK_RC(vmaf_feature_score_at_index(v, "x", &s, 0), EINV);
    CHECK_RC(vmaf_score_pooled(NULL, m, VMAF_POOL_METHOD_MEAN, &s, 0, 0), EINV);
    CHECK_RC(vmaf_score_pooled(v, NULL, VMAF_POOL_METHOD_MEAN, &s, 0, 0), EINV);
    CHECK_RC(vmaf_score_pooled(v, m, VMAF_POOL_METHOD_MEAN, NULL, 0, 0), EINV);
    CHECK_RC(vmaf_score_pooled_model_collection(NULL, mc, VMAF_POOL_METHOD_MEAN, &mcs, 0, 0), EINV);
    CHECK_RC(vmaf_score_pooled_model_collection(v, mc, VMAF_POOL_METHOD_MEAN, NULL, 0, 0), EINV);
    CHECK_RC(vmaf_feature_score_pooled(NULL, "x", VMAF_POOL_METHOD_MEAN, &s, 0, 0), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, NULL, VMAF_POOL_METHOD_MEAN, &s, 0, 0), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_MEAN, NULL, 0, 0), EINV);
    CHECK_RC(vmaf_preallocate_pictures(NULL, (VmafPictureConfiguration){0}), EINV);
    CHECK_RC(vmaf_fetch_preallocated_picture(NULL, &pic), EINV);
    CHECK_RC(vmaf_fetch_preallocated_picture(v, NULL), EINV);
    CHECK_RC(vmaf_fetch_preallocated_picture(v, &pic), EINV); /* no pool */
    CHECK_RC(vmaf_write_output(NULL, "/tmp/x.json", VMAF_OUTPUT_FORMAT_JSON), EINV);
    CHECK_RC(vmaf_write_output(v, NULL, VMAF_OUTPUT_FORMAT_JSON), EINV);
    CHECK_RC(vmaf_write_output(v, "/nonexistent/dir/out.json", VMAF_OUTPUT_FORMAT_JSON), EINV);
    CHECK_RC(vmaf_picture_alloc(NULL, VMAF_PIX_FMT_YUV420P, 8, 16, 16), EINV);
    CHECK_RC(vmaf_picture_unref(NULL), EINV);

    vmaf_model_destroy(m);
    vmaf_model_destroy(primary);
    vmaf_model_collection_destroy(mc);
    CHECK_RC(vmaf_close(v), 0);
}

static void invalid_values(void)
{
    VmafContext *v = new_ctx(0);
    VmafPicture pic;
    double s;
    /* enum values C can pass but libvmaf does not define */
    CHECK_RC(vmaf_picture_alloc(&pic, (enum VmafPixelFormat)0, 8, 16, 16), EINV);
    CHECK_RC(vmaf_picture_alloc(&pic, (enum VmafPixelFormat)5, 8, 16, 16), EINV);
    CHECK_RC(vmaf_picture_alloc(&pic, (enum VmafPixelFormat)-1, 8, 16, 16), EINV);
    CHECK_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 7, 16, 16), EINV);
    CHECK_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 17, 16, 16), EINV);
    CHECK_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 8, 0, 16), EINV);
    CHECK_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 8, 0xffffffffu, 0xffffffffu),
             -ENOMEM);
    CHECK_RC(vmaf_import_feature_score(v, "x", 1.5, 0), 0);
    CHECK_RC(vmaf_import_feature_score(v, "x", 2.5, 2), 0);
    CHECK_RC(vmaf_import_feature_score(v, "x", 1.5, 0), EINV); /* cannot be overwritten */
    CHECK_RC(vmaf_feature_score_at_index(v, "x", &s, 2), 0);
    CHECK(s == 2.5);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_MEAN, &s, 0, 2), EINV); /* 1 missing */
    CHECK_RC(vmaf_import_feature_score(v, "x", 0.5, 1), 0);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_MEAN, &s, 0, 2), 0);
    CHECK(s == 1.5);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_MIN, &s, 0, 2), 0);
    CHECK(s == 0.5);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_MAX, &s, 0, 2), 0);
    CHECK(s == 2.5);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_HARMONIC_MEAN, &s, 0, 2), 0);
    CHECK(fabs(s - (3.0 / (1 / 2.5 + 1 / 1.5 + 1 / 3.5) - 1.0)) < 1e-15);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_UNKNOWN, &s, 0, 2), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_NB, &s, 0, 2), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", (enum VmafPoolingMethod)99, &s, 0, 2), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "x", VMAF_POOL_METHOD_MEAN, &s, 2, 0), EINV);
    CHECK_RC(vmaf_write_output(v, "/tmp/rvmaf_libvmaf_none.out", VMAF_OUTPUT_FORMAT_NONE), EINV);
    CHECK_RC(vmaf_write_output(v, "/tmp/rvmaf_libvmaf_bad.out", (enum VmafOutputFormat)42), EINV);
    CHECK_RC(vmaf_preallocate_pictures(v, (VmafPictureConfiguration){{16, 16, 8, VMAF_PIX_FMT_YUV420P}, 0}),
             EINV);
    CHECK_RC(vmaf_preallocate_pictures(v, (VmafPictureConfiguration){{16, 16, 8, 9}, 2}), EINV);
    CHECK_RC(vmaf_close(v), 0);
    remove("/tmp/rvmaf_libvmaf_none.out");
    remove("/tmp/rvmaf_libvmaf_bad.out");
}

static void picture_layout(void)
{
    VmafPicture p;
    REQUIRE_RC(vmaf_picture_alloc(&p, VMAF_PIX_FMT_YUV420P, 8, 481, 271));
    CHECK(p.pix_fmt == VMAF_PIX_FMT_YUV420P && p.bpc == 8);
    CHECK(p.w[0] == 481 && p.h[0] == 271 && p.w[1] == 240 && p.h[1] == 135 && p.w[2] == 240);
    CHECK(p.stride[0] == 512 && p.stride[1] == 256 && p.stride[2] == 256);
    CHECK(((uintptr_t)p.data[0] & 31) == 0 && ((uintptr_t)p.data[1] & 31) == 0);
    CHECK((char *)p.data[1] == (char *)p.data[0] + 512 * 271);
    CHECK((char *)p.data[2] == (char *)p.data[1] + 256 * 135);
    CHECK(((unsigned char *)p.data[2])[256 * 134 + 239] == 0); /* zeroed */
    CHECK(p.ref != NULL && p.priv != NULL);
    CHECK_RC(vmaf_picture_unref(&p), 0);
    CHECK(p.ref == NULL && p.data[0] == NULL);
    CHECK_RC(vmaf_picture_unref(&p), EINV); /* no reference left */

    REQUIRE_RC(vmaf_picture_alloc(&p, VMAF_PIX_FMT_YUV422P, 10, 100, 20));
    CHECK(p.w[1] == 50 && p.h[1] == 20 && p.stride[0] == 256 && p.stride[1] == 128);
    CHECK_RC(vmaf_picture_unref(&p), 0);
    REQUIRE_RC(vmaf_picture_alloc(&p, VMAF_PIX_FMT_YUV444P, 16, 33, 2));
    CHECK(p.w[1] == 33 && p.h[2] == 2 && p.stride[1] == 128);
    CHECK_RC(vmaf_picture_unref(&p), 0);
    REQUIRE_RC(vmaf_picture_alloc(&p, VMAF_PIX_FMT_YUV400P, 8, 64, 64));
    CHECK(p.w[1] == 0 && p.h[1] == 0 && p.data[1] == NULL && p.data[2] == NULL);
    CHECK_RC(vmaf_picture_unref(&p), 0);
}

static void picture_pool(void)
{
    VmafContext *v = new_ctx(0);
    VmafPictureConfiguration cfg = {
        .pic_params = {.w = 64, .h = 48, .bpc = 8, .pix_fmt = VMAF_PIX_FMT_YUV420P},
        .pic_cnt = 2,
    };
    REQUIRE_RC(vmaf_use_feature(v, "psnr", NULL));
    REQUIRE_RC(vmaf_preallocate_pictures(v, cfg));
    VmafPicture a, b, c;
    REQUIRE_RC(vmaf_fetch_preallocated_picture(v, &a));
    REQUIRE_RC(vmaf_fetch_preallocated_picture(v, &b));
    CHECK(a.w[0] == 64 && a.h[1] == 24 && a.data[0] != b.data[0]);
    void *first = a.data[0];
    CHECK_RC(vmaf_picture_unref(&a), 0); /* back to the pool */
    REQUIRE_RC(vmaf_fetch_preallocated_picture(v, &c));
    CHECK(c.data[0] == first);
    pattern(&b, 1);
    pattern(&c, 1);
    for (unsigned i = 0; i < 3; i++) {
        REQUIRE_RC(vmaf_read_pictures(v, &b, &c, i)); /* both return to the pool */
        REQUIRE_RC(vmaf_fetch_preallocated_picture(v, &b));
        REQUIRE_RC(vmaf_fetch_preallocated_picture(v, &c));
        pattern(&b, 1);
        pattern(&c, 2);
    }
    CHECK_RC(vmaf_picture_unref(&b), 0);
    /* c is still out when the context closes: it is freed when released */
    REQUIRE_RC(vmaf_read_pictures(v, NULL, NULL, 0));
    double s;
    CHECK_RC(vmaf_feature_score_at_index(v, "psnr_y", &s, 0), 0);
    CHECK(s == 60.0); /* identical pictures: libvmaf's 8-bit psnr_max */
    CHECK_RC(vmaf_feature_score_at_index(v, "psnr_y", &s, 1), 0);
    CHECK(s < 60.0);
    CHECK_RC(vmaf_close(v), 0);
    CHECK_RC(vmaf_picture_unref(&c), 0);
}

static void read_rules(void)
{
    VmafContext *v = new_ctx(0);
    VmafPicture r, d, r2, d2;
    double s;
    REQUIRE_RC(vmaf_use_feature(v, "psnr", NULL));
    CHECK_RC(vmaf_read_pictures(v, NULL, NULL, 0), EINV); /* flush before any picture */

    REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
    REQUIRE_RC(vmaf_picture_alloc(&d, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
    CHECK_RC(vmaf_read_pictures(v, &r, NULL, 0), EINV); /* exactly one NULL */
    CHECK_RC(vmaf_read_pictures(v, NULL, &d, 0), EINV);
    /* mismatched reference and distorted: refused, the caller keeps both */
    REQUIRE_RC(vmaf_picture_alloc(&d2, VMAF_PIX_FMT_YUV420P, 8, 64, 50));
    CHECK_RC(vmaf_read_pictures(v, &r, &d2, 0), EINV);
    CHECK_RC(vmaf_picture_unref(&d2), 0);
    REQUIRE_RC(vmaf_picture_alloc(&d2, VMAF_PIX_FMT_YUV444P, 8, 64, 48));
    CHECK_RC(vmaf_read_pictures(v, &r, &d2, 0), EINV);
    CHECK_RC(vmaf_picture_unref(&d2), 0);
    REQUIRE_RC(vmaf_picture_alloc(&d2, VMAF_PIX_FMT_YUV420P, 10, 64, 48));
    CHECK_RC(vmaf_read_pictures(v, &r, &d2, 0), EINV);
    CHECK_RC(vmaf_picture_unref(&d2), 0);
    /* a struct whose fields no longer describe its memory */
    d.w[0] = 32;
    CHECK_RC(vmaf_read_pictures(v, &r, &d, 0), EINV);
    d.w[0] = 64;
    VmafPicture fake = r;
    fake.ref = NULL;
    CHECK_RC(vmaf_read_pictures(v, &fake, &d, 0), EINV);

    pattern(&r, 3);
    pattern(&d, 4);
    CHECK_RC(vmaf_read_pictures(v, &r, &d, 0), 0);
    CHECK(r.ref == NULL && d.ref == NULL);
    /* the first pair fixed the parameters: another size is refused */
    REQUIRE_RC(vmaf_picture_alloc(&r2, VMAF_PIX_FMT_YUV420P, 8, 32, 48));
    REQUIRE_RC(vmaf_picture_alloc(&d2, VMAF_PIX_FMT_YUV420P, 8, 32, 48));
    CHECK_RC(vmaf_read_pictures(v, &r2, &d2, 1), EINV);
    CHECK_RC(vmaf_picture_unref(&r2), 0);
    CHECK_RC(vmaf_picture_unref(&d2), 0);
    /* extractors are registered before the first picture; a duplicate is fine */
    CHECK_RC(vmaf_use_feature(v, "psnr", NULL), 0);
    CHECK_RC(vmaf_use_feature(v, "float_ssim", NULL), EINV);
    /* the same picture as reference and distorted */
    REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
    pattern(&r, 5);
    CHECK_RC(vmaf_read_pictures(v, &r, &r, 1), 0);
    CHECK_RC(vmaf_feature_score_at_index(v, "psnr_y", &s, 1), 0);
    CHECK(s == 60.0);
    /* two copies of one picture struct: released once */
    REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
    pattern(&r, 6);
    r2 = r;
    CHECK_RC(vmaf_read_pictures(v, &r, &r2, 2), 0);
    CHECK(r.ref == NULL && r2.ref == NULL);

    CHECK_RC(vmaf_read_pictures(v, NULL, NULL, 0), 0);
    CHECK_RC(vmaf_read_pictures(v, NULL, NULL, 0), EINV); /* double flush */
    REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
    REQUIRE_RC(vmaf_picture_alloc(&d, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
    CHECK_RC(vmaf_read_pictures(v, &r, &d, 3), EINV); /* after the flush */
    CHECK_RC(vmaf_picture_unref(&r), 0);
    CHECK_RC(vmaf_picture_unref(&d), 0);
    CHECK_RC(vmaf_feature_score_at_index(v, "psnr_y", &s, 0), 0);
    CHECK(s > 0 && s < 60.0);
    CHECK_RC(vmaf_feature_score_at_index(v, "psnr_y", &s, 3), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "psnr_y", VMAF_POOL_METHOD_MEAN, &s, 0, 3), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "psnr_y", VMAF_POOL_METHOD_MAX, &s, 0, 2), 0);
    CHECK(s == 60.0);
    CHECK_RC(vmaf_write_output(v, "/tmp/rvmaf_libvmaf_err.xml", VMAF_OUTPUT_FORMAT_XML), 0);
    CHECK_RC(vmaf_close(v), 0);
    remove("/tmp/rvmaf_libvmaf_err.xml");
}

/* Odd sizes: libvmaf's picture holds w>>1 chroma columns; the last chroma column of rvmaf's
 * rounded-up plane repeats column w/2-1. */
static void odd_sizes(void)
{
    VmafContext *v = new_ctx(2);
    REQUIRE_RC(vmaf_use_feature(v, "psnr", NULL));
    VmafPicture r, d;
    REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 481, 271));
    REQUIRE_RC(vmaf_picture_alloc(&d, VMAF_PIX_FMT_YUV420P, 8, 481, 271));
    pattern(&r, 7);
    pattern(&d, 7);
    REQUIRE_RC(vmaf_read_pictures(v, &r, &d, 0));
    REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 481, 271));
    REQUIRE_RC(vmaf_picture_alloc(&d, VMAF_PIX_FMT_YUV420P, 8, 481, 271));
    pattern(&r, 7);
    pattern(&d, 7);
    /* differ only in the last stored chroma column of U */
    for (unsigned y = 0; y < d.h[1]; y++) ((unsigned char *)d.data[1])[y * d.stride[1] + 239] ^= 0x10;
    REQUIRE_RC(vmaf_read_pictures(v, &r, &d, 1));
    REQUIRE_RC(vmaf_read_pictures(v, NULL, NULL, 0));
    double y0, u0, y1, u1, v1;
    REQUIRE_RC(vmaf_feature_score_at_index(v, "psnr_y", &y0, 0));
    REQUIRE_RC(vmaf_feature_score_at_index(v, "psnr_cb", &u0, 0));
    REQUIRE_RC(vmaf_feature_score_at_index(v, "psnr_y", &y1, 1));
    REQUIRE_RC(vmaf_feature_score_at_index(v, "psnr_cb", &u1, 1));
    REQUIRE_RC(vmaf_feature_score_at_index(v, "psnr_cr", &v1, 1));
    CHECK(y0 == 60.0 && u0 == 60.0 && y1 == 60.0 && v1 == 60.0);
    /* 2 of 241 columns (the stored one and its copy) differ by 16 over 136 rows:
     * MSE = 2 * 136 * 256 / (241 * 136) */
    const double mse = 2.0 * 136 * 256 / (241.0 * 136);
    CHECK(fabs(u1 - 10 * log10(255.0 * 255.0 / mse)) < 1e-9);
    CHECK_RC(vmaf_close(v), 0);
}

/* n_subsample = 2: non-temporal extractors skip odd indices; pooling and outputs keep the
 * even ones. */
static void subsample(void)
{
    VmafConfiguration cfg = {.log_level = VMAF_LOG_LEVEL_NONE, .n_subsample = 2};
    VmafContext *v = NULL;
    REQUIRE_RC(vmaf_init(&v, cfg));
    REQUIRE_RC(vmaf_use_feature(v, "float_ssim", NULL));
    for (unsigned i = 0; i < 4; i++) {
        VmafPicture r, d;
        REQUIRE_RC(vmaf_picture_alloc(&r, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
        REQUIRE_RC(vmaf_picture_alloc(&d, VMAF_PIX_FMT_YUV420P, 8, 64, 48));
        pattern(&r, 1);
        pattern(&d, 2 + i);
        REQUIRE_RC(vmaf_read_pictures(v, &r, &d, i));
    }
    REQUIRE_RC(vmaf_read_pictures(v, NULL, NULL, 0));
    double s0 = NAN, s2 = NAN, s, mean;
    CHECK_RC(vmaf_feature_score_at_index(v, "float_ssim", &s0, 0), 0);
    CHECK_RC(vmaf_feature_score_at_index(v, "float_ssim", &s, 1), EINV);
    CHECK_RC(vmaf_feature_score_at_index(v, "float_ssim", &s2, 2), 0);
    CHECK_RC(vmaf_feature_score_at_index(v, "float_ssim", &s, 3), EINV);
    CHECK_RC(vmaf_feature_score_pooled(v, "float_ssim", VMAF_POOL_METHOD_MEAN, &mean, 0, 3), 0);
    CHECK(mean == (s0 + s2) / 2 && s0 != s2);
    CHECK_RC(vmaf_close(v), 0);
}

int main(void)
{
    null_arguments();
    invalid_values();
    picture_layout();
    picture_pool();
    read_rules();
    odd_sizes();
    subsample();
    if (failures) {
        fprintf(stderr, "error_paths: %d check(s) failed\n", failures);
        return 1;
    }
    printf("error_paths: all checks passed\n");
    return 0;
}
