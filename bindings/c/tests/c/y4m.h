/* A minimal YUV4MPEG2 reader for the C API tests: 4:0:0/4:2:0/4:2:2/4:4:4, 8 to 16 bits.
 * Each frame is copied into padded planes (a stride wider than the row, odd for 8-bit content,
 * and 8-bit planes starting at an odd address), each allocated to exactly the bytes the
 * library may read, so that AddressSanitizer catches any read past a plane. */
#ifndef RVMAF_TEST_Y4M_H
#define RVMAF_TEST_Y4M_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rvmaf.h"

typedef struct Y4m {
    FILE *f;
    unsigned width, height, bit_depth;
    RvmafPixelFormat format;
    unsigned char *planes[3]; /* allocations (8-bit planes start at planes[i] + 1) */
    RvmafPicture pic;
} Y4m;

static size_t y4m_bps(const Y4m *y) { return y->bit_depth > 8 ? 2 : 1; }

static void y4m_plane_size(const Y4m *y, int p, size_t *w, size_t *h) {
    *w = y->width;
    *h = y->height;
    if (p == 0) return;
    if (y->format == RVMAF_PIXEL_FORMAT_YUV400) { *w = *h = 0; return; }
    if (y->format != RVMAF_PIXEL_FORMAT_YUV444) *w = (*w + 1) / 2;
    if (y->format == RVMAF_PIXEL_FORMAT_YUV420) *h = (*h + 1) / 2;
}

static int y4m_num_planes(const Y4m *y) {
    return y->format == RVMAF_PIXEL_FORMAT_YUV400 ? 1 : 3;
}

/* Opens `path` and parses its header; returns 0 on success. */
static int y4m_open(Y4m *y, const char *path) {
    char line[512];
    memset(y, 0, sizeof *y);
    y->f = fopen(path, "rb");
    if (!y->f) { perror(path); return -1; }
    if (!fgets(line, sizeof line, y->f) || strncmp(line, "YUV4MPEG2 ", 10) != 0) {
        fprintf(stderr, "%s: not a Y4M file\n", path);
        return -1;
    }
    y->format = RVMAF_PIXEL_FORMAT_YUV420;
    y->bit_depth = 8;
    for (char *tok = strtok(line + 10, " \n"); tok; tok = strtok(NULL, " \n")) {
        if (tok[0] == 'W') y->width = (unsigned)atoi(tok + 1);
        else if (tok[0] == 'H') y->height = (unsigned)atoi(tok + 1);
        else if (tok[0] == 'C') {
            const char *c = tok + 1;
            if (!strncmp(c, "mono", 4)) {
                y->format = RVMAF_PIXEL_FORMAT_YUV400;
                if (c[4]) y->bit_depth = (unsigned)atoi(c + 4);
            } else {
                if (!strncmp(c, "420", 3)) y->format = RVMAF_PIXEL_FORMAT_YUV420;
                else if (!strncmp(c, "422", 3)) y->format = RVMAF_PIXEL_FORMAT_YUV422;
                else if (!strncmp(c, "444", 3)) y->format = RVMAF_PIXEL_FORMAT_YUV444;
                else { fprintf(stderr, "%s: colorspace %s\n", path, c); return -1; }
                if (c[3] == 'p' && c[4] >= '0' && c[4] <= '9') y->bit_depth = (unsigned)atoi(c + 4);
            }
        }
    }
    if (!y->width || !y->height) { fprintf(stderr, "%s: no size\n", path); return -1; }
    y->pic.width = y->width;
    y->pic.height = y->height;
    y->pic.format = y->format;
    y->pic.bit_depth = y->bit_depth;
    for (int p = 0; p < y4m_num_planes(y); p++) {
        size_t w, h, row;
        y4m_plane_size(y, p, &w, &h);
        row = w * y4m_bps(y);
        /* wider than a row; odd for 8-bit, even (as it must be) for 16-bit samples */
        y->pic.stride[p] = row + (y4m_bps(y) == 1 ? 37 : 38);
        size_t bytes = (h - 1) * y->pic.stride[p] + row;
        size_t shift = y4m_bps(y) == 1 ? 1 : 0;
        y->planes[p] = malloc(bytes + shift);
        if (!y->planes[p]) return -1;
        memset(y->planes[p], 0xA5, bytes + shift); /* garbage in the padding */
        y->pic.data[p] = y4m_bps(y) == 1 ? y->planes[p] + 1 : y->planes[p];
    }
    return 0;
}

/* Reads the next frame into the padded planes: 1 = frame read, 0 = end of file, -1 = error. */
static int y4m_read(Y4m *y) {
    char line[256];
    if (!fgets(line, sizeof line, y->f)) return 0;
    if (strncmp(line, "FRAME", 5) != 0) { fprintf(stderr, "bad FRAME marker\n"); return -1; }
    for (int p = 0; p < y4m_num_planes(y); p++) {
        size_t w, h, row = 0;
        y4m_plane_size(y, p, &w, &h);
        row = w * y4m_bps(y);
        unsigned char *dst = (unsigned char *)y->pic.data[p];
        for (size_t r = 0; r < h; r++)
            if (fread(dst + r * y->pic.stride[p], 1, row, y->f) != row) return -1;
    }
    return 1;
}

static void y4m_close(Y4m *y) {
    if (y->f) fclose(y->f);
    for (int p = 0; p < 3; p++) free(y->planes[p]);
    memset(y, 0, sizeof *y);
}

#endif
