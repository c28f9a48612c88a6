#include "CPixels.h"

#include <string.h>

void cpixels_xrgb_to_rgb(const uint8_t *source, int32_t stride, int32_t width, int32_t height, uint8_t *destination) {
    for (int32_t y = 0; y < height; ++y) {
        const uint32_t *row = (const uint32_t *)(source + (int64_t)y * stride);
        uint8_t *out = destination + (int64_t)y * width * 3;
        for (int32_t x = 0; x < width; ++x) {
            uint32_t p = row[x];
            out[3 * x] = (uint8_t)(p >> 16);
            out[3 * x + 1] = (uint8_t)(p >> 8);
            out[3 * x + 2] = (uint8_t)p;
        }
    }
}

void cpixels_rgb_to_xrgb(const uint8_t *source, int32_t width, int32_t height, int32_t stride, uint8_t *destination) {
    for (int32_t y = 0; y < height; ++y) {
        const uint8_t *in = source + (int64_t)y * width * 3;
        uint32_t *row = (uint32_t *)(destination + (int64_t)y * stride);
        for (int32_t x = 0; x < width; ++x) {
            row[x] = 0xFF000000u | ((uint32_t)in[3 * x] << 16) | ((uint32_t)in[3 * x + 1] << 8) | (uint32_t)in[3 * x + 2];
        }
    }
}
