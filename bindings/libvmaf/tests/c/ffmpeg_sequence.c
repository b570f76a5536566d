/*
 * A libvmaf client making FFmpeg's vf_libvmaf call sequence:
 *   vmaf_init; per model vmaf_model_load (falling back to vmaf_model_collection_load, as
 *   libvmaf's vmaf tool does), vmaf_model_feature_overload, vmaf_use_features_from_model;
 *   vmaf_use_feature for extra features; per frame vmaf_picture_alloc + copy of w[i] x h[i]
 *   samples + vmaf_read_pictures; flush with NULL, NULL; vmaf_score_pooled;
 *   vmaf_write_output; vmaf_model_destroy; vmaf_close.
 *
 * usage: ffmpeg_sequence REF.y4m DIS.y4m OUT.json THREADS
 * Prints the scores read through the API ("<kind>\t<name>\t<index>\t<value>", %.17g) for
 * tests/c/check_goldens.py, and exits non-zero when a call fails or the API disagrees with
 * itself.
 */
#include <math.h>

#include "common.h"

/* Feature names of libvmaf's collector (internal names) read back per frame. */
static const char *const features[] = {
    "VMAF_integer_feature_adm2_score",
    "integer_adm_scale0",
    "integer_adm_scale3",
    "VMAF_integer_feature_vif_scale0_score",
    "VMAF_integer_feature_vif_scale3_score",
    "VMAF_integer_feature_motion2_score",
    "VMAF_integer_feature_motion_sad_score",
    "psnr_y",
    "psnr_cb",
    "float_ssim",
    "float_ms_ssim",
    "ciede2000",
    "psnr_hvs",
    "Cambi_feature_cambi_score",
};

struct ModelSpec {
    const char *version;
    const char *name; /* NULL: "vmaf" */
};

static const struct ModelSpec models_spec[] = {
    {"vmaf_v0.6.1", NULL},
    {"vmaf_v0.6.1neg", "vmaf_v0.6.1neg"},
};
#define N_MODELS (sizeof(models_spec) / sizeof(models_spec[0]))

/* FFmpeg's copy_picture_data(): vmaf_picture_alloc, then w[i] samples of h[i] rows. */
static int copy_picture_data(const Y4m *y, VmafPicture *dst)
{
    int err = vmaf_picture_alloc(dst, y->fmt, y->bpc, y->w, y->h);
    if (err) return err;
    for (int i = 0; i < 3; i++) {
        unsigned pw, ph;
        const unsigned char *src = y4m_plane(y, i, &pw, &ph);
        unsigned char *d = dst->data[i];
        for (unsigned j = 0; j < dst->h[i]; j++) {
            memcpy(d, src, y->bps * dst->w[i]);
            src += pw * y->bps;
            d += dst->stride[i];
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s REF DIS OUT.json THREADS\n", argv[0]);
        return 2;
    }
    Y4m r, d;
    if (y4m_open(&r, argv[1]) || y4m_open(&d, argv[2])) return 1;

    VmafConfiguration cfg = {
        .log_level = VMAF_LOG_LEVEL_WARNING,
        .n_subsample = 1,
        .n_threads = (unsigned)atoi(argv[4]),
    };
    VmafContext *vmaf = NULL;
    REQUIRE_RC(vmaf_init(&vmaf, cfg));

    /* parse_models() */
    VmafModel *model[N_MODELS] = {0};
    VmafModelCollection *collection[N_MODELS] = {0};
    for (unsigned i = 0; i < N_MODELS; i++) {
        VmafModelConfig model_cfg = {.name = models_spec[i].name, .flags = 0};
        int err = vmaf_model_load(&model[i], &model_cfg, models_spec[i].version);
        if (err) {
            err = vmaf_model_collection_load(&model[i], &collection[i], &model_cfg,
                                             models_spec[i].version);
        }
        REQUIRE_RC(err);
        /* "motion.motion_force_zero=false": the default, so the scores are unchanged */
        VmafFeatureDictionary *opts = NULL;
        REQUIRE_RC(vmaf_feature_dictionary_set(&opts, "motion_force_zero", "false"));
        if (collection[i])
            REQUIRE_RC(vmaf_model_collection_feature_overload(model[i], &collection[i],
                                                              "motion", opts));
        else
            REQUIRE_RC(vmaf_model_feature_overload(model[i], "motion", opts));
        REQUIRE_RC(vmaf_use_features_from_model(vmaf, model[i]));
        if (collection[i])
            REQUIRE_RC(vmaf_use_features_from_model_collection(vmaf, collection[i]));
    }

    /* parse_features(): feature='name=psnr|name=float_ssim|...' */
    const char *extra[] = {"psnr", "float_ssim", "float_ms_ssim", "ciede", "psnr_hvs", "cambi"};
    for (unsigned i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
        VmafFeatureDictionary *opts = NULL;
        if (!strcmp(extra[i], "psnr"))
            REQUIRE_RC(vmaf_feature_dictionary_set(&opts, "enable_chroma", "true"));
        REQUIRE_RC(vmaf_use_feature(vmaf, extra[i], opts)); /* takes opts */
    }

    /* do_vmaf() per frame */
    unsigned frame_cnt = 0;
    while (y4m_read(&r) && y4m_read(&d)) {
        VmafPicture pic_ref, pic_dist;
        REQUIRE_RC(copy_picture_data(&r, &pic_ref));
        REQUIRE_RC(copy_picture_data(&d, &pic_dist));
        REQUIRE_RC(vmaf_read_pictures(vmaf, &pic_ref, &pic_dist, frame_cnt++));
        /* ownership went to the library: the structs are cleared */
        CHECK(pic_ref.ref == NULL && pic_dist.data[0] == NULL);
    }
    CHECK(frame_cnt > 0);

    /* uninit() */
    REQUIRE_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0));
    for (unsigned i = 0; i < N_MODELS; i++) {
        double vmaf_score = 0;
        REQUIRE_RC(vmaf_score_pooled(vmaf, model[i], VMAF_POOL_METHOD_MEAN, &vmaf_score, 0,
                                     frame_cnt - 1));
        const char *name = models_spec[i].name ? models_spec[i].name : "vmaf";
        printf("pooled_mean\t%s\t-\t%.17g\n", name, vmaf_score);
        /* the per-frame scores are now stored: vmaf_score_at_index returns them */
        double sum = 0;
        for (unsigned j = 0; j < frame_cnt; j++) {
            double s = NAN, again = NAN;
            REQUIRE_RC(vmaf_score_at_index(vmaf, model[i], &s, j));
            REQUIRE_RC(vmaf_feature_score_at_index(vmaf, name, &again, j));
            CHECK(s == again);
            printf("model\t%s\t%u\t%.17g\n", name, j, s);
            sum += s;
        }
        CHECK(fabs(sum / frame_cnt - vmaf_score) < 1e-9);
        const int methods[] = {VMAF_POOL_METHOD_MIN, VMAF_POOL_METHOD_MAX,
                               VMAF_POOL_METHOD_HARMONIC_MEAN};
        const char *names[] = {"min", "max", "harmonic_mean"};
        for (int m = 0; m < 3; m++) {
            double p = NAN;
            REQUIRE_RC(vmaf_feature_score_pooled(vmaf, name, methods[m], &p, 0, frame_cnt - 1));
            printf("pooled_%s\t%s\t-\t%.17g\n", names[m], name, p);
        }
    }
    for (unsigned f = 0; f < sizeof(features) / sizeof(features[0]); f++) {
        for (unsigned j = 0; j < frame_cnt; j++) {
            double s = NAN;
            int err = vmaf_feature_score_at_index(vmaf, features[f], &s, j);
            if (err) {
                fprintf(stderr, "no %s at %u\n", features[f], j);
                failures++;
                continue;
            }
            printf("feature\t%s\t%u\t%.17g\n", features[f], j, s);
        }
    }
    REQUIRE_RC(vmaf_write_output(vmaf, argv[3], VMAF_OUTPUT_FORMAT_JSON));

    for (unsigned i = 0; i < N_MODELS; i++) {
        vmaf_model_destroy(model[i]);
        vmaf_model_collection_destroy(collection[i]);
    }
    REQUIRE_RC(vmaf_close(vmaf));
    y4m_close(&r);
    y4m_close(&d);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
