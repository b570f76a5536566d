/*
 * A libvmaf client making GStreamer's vmaf element call sequence (gstvmafelement.c):
 *   vmaf_init (n_threads 0 when frame messages are on); with conf-interval
 *   vmaf_model_collection_load (falling back to ..._from_path) +
 *   vmaf_use_features_from_model_collection, else vmaf_model_load + vmaf_use_features_from_model;
 *   vmaf_use_feature psnr (enable_chroma=false), float_ssim, float_ms_ssim; per frame
 *   vmaf_picture_alloc as VMAF_PIX_FMT_YUV400P with only the luma plane filled,
 *   vmaf_read_pictures and (frame messages) vmaf_score_at_index of frame n-2 plus
 *   vmaf_feature_score_at_index; at EOS a NULL, NULL flush, vmaf_score_pooled_model_collection,
 *   vmaf_score_pooled, vmaf_feature_score_pooled, vmaf_write_output; then vmaf_close,
 *   vmaf_model_destroy, vmaf_model_collection_destroy.
 *
 * usage: gstreamer_sequence REF.y4m DIS.y4m OUT.json THREADS CONF_INT MODEL_NAME
 * THREADS 0 turns the per-frame messages on (GStreamer then forces n_threads to 0).
 * Prints the scores read through the API for tests/c/check_goldens.py.
 */
#include <math.h>

#include "common.h"

static const char *const features[] = {
    "VMAF_integer_feature_adm2_score",
    "VMAF_integer_feature_vif_scale0_score",
    "VMAF_integer_feature_vif_scale2_score",
    "VMAF_integer_feature_motion2_score",
    "VMAF_integer_feature_motion3_score",
    "psnr_y",
    "float_ssim",
    "float_ms_ssim",
};

static void fill_picture(VmafPicture *dst, const Y4m *y)
{
    unsigned pw, ph;
    const unsigned char *a = y4m_plane(y, 0, &pw, &ph);
    unsigned char *b = dst->data[0];
    for (unsigned i = 0; i < ph; i++) {
        memcpy(b, a, pw * y->bps);
        a += pw * y->bps;
        b += dst->stride[0];
    }
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: %s REF DIS OUT.json THREADS CONF_INT NAME\n", argv[0]);
        return 2;
    }
    Y4m r, d;
    if (y4m_open(&r, argv[1]) || y4m_open(&d, argv[2])) return 1;
    const unsigned threads = (unsigned)atoi(argv[4]);
    const int frame_messaging = threads == 0;
    const int conf_int = atoi(argv[5]);
    const char *name = argv[6];

    VmafConfiguration cfg = {
        .log_level = VMAF_LOG_LEVEL_NONE,
        .n_threads = frame_messaging ? 0 : threads,
        .n_subsample = 1,
    };
    VmafContext *vmaf = NULL;
    REQUIRE_RC(vmaf_init(&vmaf, cfg));

    VmafModelConfig model_cfg = {.name = name, .flags = VMAF_MODEL_FLAGS_DEFAULT};
    VmafModel *model = NULL;
    VmafModelCollection *mc = NULL;
    if (conf_int) {
        int err = vmaf_model_collection_load(&model, &mc, &model_cfg, "vmaf_b_v0.6.3");
        if (err)
            err = vmaf_model_collection_load_from_path(&model, &mc, &model_cfg, "vmaf_b_v0.6.3");
        REQUIRE_RC(err);
        REQUIRE_RC(vmaf_use_features_from_model_collection(vmaf, mc));
    } else {
        int err = vmaf_model_load(&model, &model_cfg, "vmaf_v0.6.1");
        if (err) err = vmaf_model_load_from_path(&model, &model_cfg, "vmaf_v0.6.1");
        REQUIRE_RC(err);
        REQUIRE_RC(vmaf_use_features_from_model(vmaf, model));
    }
    VmafFeatureDictionary *dict = NULL;
    REQUIRE_RC(vmaf_feature_dictionary_set(&dict, "enable_chroma", "false"));
    REQUIRE_RC(vmaf_use_feature(vmaf, "psnr", dict));
    REQUIRE_RC(vmaf_use_feature(vmaf, "float_ssim", NULL));
    REQUIRE_RC(vmaf_use_feature(vmaf, "float_ms_ssim", NULL));

    int processed_frames = 0, early_scores = 0;
    while (y4m_read(&r) && y4m_read(&d)) {
        VmafPicture pic_ref, pic_dist;
        const int frame_index = processed_frames;
        REQUIRE_RC(vmaf_picture_alloc(&pic_ref, VMAF_PIX_FMT_YUV400P, r.bpc, r.w, r.h));
        REQUIRE_RC(vmaf_picture_alloc(&pic_dist, VMAF_PIX_FMT_YUV400P, d.bpc, d.w, d.h));
        CHECK(pic_ref.data[1] == NULL && pic_ref.w[1] == 0);
        fill_picture(&pic_ref, &r);
        fill_picture(&pic_dist, &d);
        int err = vmaf_read_pictures(vmaf, &pic_ref, &pic_dist, frame_index);
        processed_frames++;
        if (err) {
            vmaf_picture_unref(&pic_ref);
            vmaf_picture_unref(&pic_dist);
            fprintf(stderr, "failed to read VMAF pictures into context\n");
            failures++;
        }
        /* gst_vmaf_post_frame_score(): before the flush, a score may be missing (motion2
         * is only known at the end); a score that is there must be the final one. */
        if (frame_messaging && processed_frames > 0) {
            const int scored_frame = processed_frames - 2;
            double s = NAN;
            if (!vmaf_score_at_index(vmaf, model, &s, (unsigned)scored_frame)) early_scores++;
            vmaf_feature_score_at_index(vmaf, "psnr_y", &s, (unsigned)scored_frame);
        }
    }
    CHECK(processed_frames > 0);
    const unsigned last = (unsigned)processed_frames - 1;

    /* EOS */
    REQUIRE_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0));
    CHECK_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0), -22); /* flushed already */
    VmafModelCollectionScore mcs = {0};
    if (conf_int) {
        REQUIRE_RC(vmaf_score_pooled_model_collection(vmaf, mc, VMAF_POOL_METHOD_MEAN, &mcs,
                                                      0, last));
        CHECK(mcs.type == VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP);
        CHECK(mcs.bootstrap.ci.p95.lo <= mcs.bootstrap.bagging_score &&
              mcs.bootstrap.bagging_score <= mcs.bootstrap.ci.p95.hi);
        printf("pooled_mean\t%s_bagging\t-\t%.17g\n", name, mcs.bootstrap.bagging_score);
        printf("pooled_mean\t%s_stddev\t-\t%.17g\n", name, mcs.bootstrap.stddev);
        printf("pooled_mean\t%s_ci_p95_lo\t-\t%.17g\n", name, mcs.bootstrap.ci.p95.lo);
        printf("pooled_mean\t%s_ci_p95_hi\t-\t%.17g\n", name, mcs.bootstrap.ci.p95.hi);
        /* the bootstrap scores of a frame are written once: a second time is refused */
        VmafModelCollectionScore again;
        CHECK_RC(vmaf_score_at_index_model_collection(vmaf, mc, &again, 0), -22);
    }
    double vmaf_score = NAN;
    REQUIRE_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MEAN, &vmaf_score, 0, last));
    printf("pooled_mean\t%s\t-\t%.17g\n", name, vmaf_score);
    const char *pooled_features[] = {"float_ms_ssim", "float_ssim", "psnr_y"};
    for (int i = 0; i < 3; i++) {
        double s = NAN;
        REQUIRE_RC(vmaf_feature_score_pooled(vmaf, pooled_features[i], VMAF_POOL_METHOD_MEAN,
                                             &s, 0, last));
        printf("pooled_mean\t%s\t-\t%.17g\n", pooled_features[i], s);
    }
    REQUIRE_RC(vmaf_write_output(vmaf, argv[3], VMAF_OUTPUT_FORMAT_JSON));

    for (unsigned j = 0; j <= last; j++) {
        double s = NAN;
        REQUIRE_RC(vmaf_score_at_index(vmaf, model, &s, j));
        printf("model\t%s\t%u\t%.17g\n", name, j, s);
        for (unsigned f = 0; f < sizeof(features) / sizeof(features[0]); f++) {
            REQUIRE_RC(vmaf_feature_score_at_index(vmaf, features[f], &s, j));
            printf("feature\t%s\t%u\t%.17g\n", features[f], j, s);
        }
        if (conf_int) {
            char key[256];
            snprintf(key, sizeof(key), "%s_bagging", name);
            REQUIRE_RC(vmaf_feature_score_at_index(vmaf, key, &s, j));
            printf("model\t%s\t%u\t%.17g\n", key, j, s);
        }
    }
    fprintf(stderr, "%d per-frame score(s) were available before the flush\n", early_scores);

    vmaf_close(vmaf);
    vmaf_model_destroy(model);
    vmaf_model_collection_destroy(mc);
    y4m_close(&r);
    y4m_close(&d);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
