/* README example: VMAF of two raw 8-bit 4:2:0 files.  Usage: example REF.yuv DIS.yuv W H */
#include <stdio.h>
#include <stdlib.h>

#include <rvmaf.h>

static void check(RvmafStatus st) {
    if (st != RVMAF_STATUS_OK) {
        char msg[256];
        rvmaf_last_error_message(msg, sizeof msg);
        fprintf(stderr, "rvmaf: %s\n", msg);
        exit(1);
    }
}

static void describe(RvmafPicture *p, const unsigned char *buf, unsigned w, unsigned h) {
    size_t cw = (w + 1) / 2, ch = (h + 1) / 2; /* chroma sizes round up */
    p->data[0] = buf;
    p->data[1] = buf + (size_t)w * h;
    p->data[2] = buf + (size_t)w * h + cw * ch;
    p->stride[0] = w; /* bytes from one row to the next */
    p->stride[1] = p->stride[2] = cw;
    p->width = w;
    p->height = h;
    p->format = RVMAF_PIXEL_FORMAT_YUV420;
    p->bit_depth = 8;
}

int main(int argc, char **argv) {
    if (argc != 5) return 2;
    unsigned w = (unsigned)atoi(argv[3]), h = (unsigned)atoi(argv[4]);
    size_t size = (size_t)w * h + 2 * (size_t)((w + 1) / 2) * ((h + 1) / 2);
    FILE *fr = fopen(argv[1], "rb"), *fd = fopen(argv[2], "rb");
    unsigned char *r = malloc(size), *d = malloc(size);
    if (!fr || !fd || !r || !d) return 1;

    RvmafConfig *cfg = NULL;
    RvmafContext *ctx = NULL;
    check(rvmaf_config_new(&cfg));
    check(rvmaf_config_add_model(cfg, "version=vmaf_v0.6.1"));
    check(rvmaf_config_add_feature(cfg, "psnr"));
    check(rvmaf_context_new(cfg, 1, &ctx)); /* one distorted input */
    rvmaf_config_free(&cfg);

    RvmafPicture ref, dis;
    describe(&ref, r, w, h);
    describe(&dis, d, w, h);
    while (fread(r, 1, size, fr) == size && fread(d, 1, size, fd) == size)
        check(rvmaf_context_push(ctx, &ref, &dis, 1)); /* pixels are read during the call */
    check(rvmaf_context_finish(ctx));

    double vmaf, psnr0;
    check(rvmaf_context_pool(ctx, 0, "vmaf", RVMAF_POOL_MEAN, &vmaf));
    check(rvmaf_context_score(ctx, 0, "psnr_y", 0, &psnr0));
    printf("VMAF %.6f, frame 0 PSNR-Y %.6f\n", vmaf, psnr0);
    check(rvmaf_context_write_output(ctx, 0, "rvmaf.json", RVMAF_OUTPUT_FORMAT_JSON,
                                     RVMAF_PRECISION_DEFAULT)); /* libvmaf's JSON */

    rvmaf_context_free(&ctx);
    free(r);
    free(d);
    fclose(fr);
    fclose(fd);
    return 0;
}
