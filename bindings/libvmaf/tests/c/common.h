/*
 * Helpers of the C clients that test libvmaf.so.3: checks and a small Y4M reader.
 */
#ifndef RVMAF_LIBVMAF_TEST_COMMON_H
#define RVMAF_LIBVMAF_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvmaf/libvmaf.h>

static int failures = 0;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            failures++;                                                        \
        }                                                                      \
    } while (0)

#define CHECK_RC(expr, want)                                                   \
    do {                                                                       \
        int rc_ = (expr);                                                      \
        if (rc_ != (want)) {                                                   \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d\n", __FILE__,  \
                    __LINE__, #expr, rc_, (want));                             \
            failures++;                                                        \
        }                                                                      \
    } while (0)

/* Stops the program on a failed step the rest depends on. */
#define REQUIRE_RC(expr)                                                       \
    do {                                                                       \
        int rc_ = (expr);                                                      \
        if (rc_ != 0) {                                                        \
            fprintf(stderr, "%s:%d: %s returned %d\n", __FILE__, __LINE__,     \
                    #expr, rc_);                                               \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

/* A Y4M file: planar frames, chroma planes of ceil(w/2) (4:2:x) as stored. */
typedef struct Y4m {
    FILE *f;
    unsigned w, h, bpc;
    enum VmafPixelFormat fmt; /* VMAF_PIX_FMT_YUV400P for Cmono */
    unsigned cw, ch;          /* stored chroma plane size (0 for mono) */
    size_t bps;               /* bytes per sample */
    unsigned char *buf;       /* one frame */
    size_t frame_bytes;
} Y4m;

static inline int y4m_open(Y4m *y, const char *path)
{
    memset(y, 0, sizeof(*y));
    y->f = fopen(path, "rb");
    if (!y->f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    char line[512];
    if (!fgets(line, sizeof(line), y->f) || strncmp(line, "YUV4MPEG2 ", 10)) {
        fprintf(stderr, "%s: not a Y4M file\n", path);
        return -1;
    }
    char chroma[32] = "420";
    for (char *t = strtok(line + 10, " \n"); t; t = strtok(NULL, " \n")) {
        if (t[0] == 'W') y->w = (unsigned)atoi(t + 1);
        if (t[0] == 'H') y->h = (unsigned)atoi(t + 1);
        if (t[0] == 'C') snprintf(chroma, sizeof(chroma), "%s", t + 1);
    }
    y->bpc = strstr(chroma, "p10") ? 10 : strstr(chroma, "p12") ? 12 : 8;
    y->bps = y->bpc > 8 ? 2 : 1;
    if (!strncmp(chroma, "mono", 4)) {
        y->fmt = VMAF_PIX_FMT_YUV400P;
    } else if (!strncmp(chroma, "444", 3)) {
        y->fmt = VMAF_PIX_FMT_YUV444P;
        y->cw = y->w;
        y->ch = y->h;
    } else if (!strncmp(chroma, "422", 3)) {
        y->fmt = VMAF_PIX_FMT_YUV422P;
        y->cw = (y->w + 1) / 2;
        y->ch = y->h;
    } else {
        y->fmt = VMAF_PIX_FMT_YUV420P;
        y->cw = (y->w + 1) / 2;
        y->ch = (y->h + 1) / 2;
    }
    y->frame_bytes = ((size_t)y->w * y->h + 2 * (size_t)y->cw * y->ch) * y->bps;
    y->buf = malloc(y->frame_bytes);
    return y->buf && y->w && y->h ? 0 : -1;
}

/* Reads the next frame into y->buf: 1 on success, 0 at the end. */
static inline int y4m_read(Y4m *y)
{
    char line[128];
    if (!fgets(line, sizeof(line), y->f)) return 0;
    if (strncmp(line, "FRAME", 5)) return 0;
    return fread(y->buf, 1, y->frame_bytes, y->f) == y->frame_bytes;
}

/* Plane p of the frame in y->buf and its size. */
static inline const unsigned char *y4m_plane(const Y4m *y, int p, unsigned *pw,
                                      unsigned *ph)
{
    size_t luma = (size_t)y->w * y->h * y->bps;
    size_t chroma = (size_t)y->cw * y->ch * y->bps;
    *pw = p ? y->cw : y->w;
    *ph = p ? y->ch : y->h;
    return y->buf + (p == 0 ? 0 : luma + (size_t)(p - 1) * chroma);
}

static inline void y4m_close(Y4m *y)
{
    if (y->f) fclose(y->f);
    free(y->buf);
}

#endif
