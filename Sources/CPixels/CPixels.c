#include "CPixels.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

// xRGB words (bytes B G R x, little-endian) → bytes R G B.
__attribute__((target("ssse3"))) static void row_ssse3(const uint32_t *row, int32_t width, uint8_t *out) {
    const __m128i shuffle = _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    int32_t x = 0;
    // Sixteen pixels → three non-overlapping 16-byte stores. (Overlapping 16-byte stores of 12 useful
    // bytes each were store-bound, and their speed swung by 40% with the surrounding code.)
    for (; x + 16 <= width; x += 16) {
        __m128i a = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x)), shuffle);
        __m128i b = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x + 4)), shuffle);
        __m128i c = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x + 8)), shuffle);
        __m128i d = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(row + x + 12)), shuffle);
        uint8_t *o = out + 3 * x;
        _mm_storeu_si128((__m128i *)o, _mm_or_si128(a, _mm_slli_si128(b, 12)));
        _mm_storeu_si128((__m128i *)(o + 16), _mm_or_si128(_mm_srli_si128(b, 4), _mm_slli_si128(c, 8)));
        _mm_storeu_si128((__m128i *)(o + 32), _mm_or_si128(_mm_srli_si128(c, 8), _mm_slli_si128(d, 4)));
    }
    // Each 16-byte store below writes 12 useful bytes and 4 spare ones, which must stay inside the row:
    // 3x + 16 <= 3·width, i.e. x + 6 <= width (x + 5 overran the last row by a byte when width % 4 == 1).
    for (; x + 6 <= width; x += 4) {
        __m128i pixels = _mm_loadu_si128((const __m128i *)(row + x));
        _mm_storeu_si128((__m128i *)(out + 3 * x), _mm_shuffle_epi8(pixels, shuffle));
    }
    for (; x < width; ++x) {
        uint32_t p = row[x];
        out[3 * x] = (uint8_t)(p >> 16);
        out[3 * x + 1] = (uint8_t)(p >> 8);
        out[3 * x + 2] = (uint8_t)p;
    }
}

static int has_ssse3(void) {
    static int cached = -1;
    if (cached < 0) cached = __builtin_cpu_supports("ssse3") ? 1 : 0;
    return cached;
}
#endif

static void row_scalar(const uint32_t *row, int32_t width, uint8_t *out) {
    for (int32_t x = 0; x < width; ++x) {
        uint32_t p = row[x];
        out[3 * x] = (uint8_t)(p >> 16);
        out[3 * x + 1] = (uint8_t)(p >> 8);
        out[3 * x + 2] = (uint8_t)p;
    }
}

void cpixels_xrgb_to_rgb(const uint8_t *source, int32_t stride, int32_t width, int32_t height, uint8_t *destination) {
#if defined(__x86_64__) || defined(__i386__)
    const int fast = has_ssse3();
#else
    const int fast = 0;
#endif
    for (int32_t y = 0; y < height; ++y) {
        const uint32_t *row = (const uint32_t *)(source + (int64_t)y * stride);
        uint8_t *out = destination + (int64_t)y * width * 3;
#if defined(__x86_64__) || defined(__i386__)
        if (fast) { row_ssse3(row, width, out); continue; }
#endif
        row_scalar(row, width, out);
    }
    (void)fast;
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
