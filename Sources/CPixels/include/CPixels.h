// Pixel format conversion between Cairo's native xRGB words and packed RGB bytes.
#ifndef CPIXELS_H
#define CPIXELS_H
#include <stdint.h>

/// Copies a `width` × `height` image of native-endian xRGB words (rows `stride` bytes apart) into
/// packed RGB bytes.
void cpixels_xrgb_to_rgb(const uint8_t *source, int32_t stride, int32_t width, int32_t height, uint8_t *destination);

/// Copies packed RGB bytes into native-endian xRGB words (rows `stride` bytes apart).
void cpixels_rgb_to_xrgb(const uint8_t *source, int32_t width, int32_t height, int32_t stride, uint8_t *destination);

#endif
