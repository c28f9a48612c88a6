#include "CKernels.h"

#include <malloc.h>
#include <stdint.h>
#include <string.h>

void ckernels_configure_allocator(void) {
    mallopt(M_MMAP_THRESHOLD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

// exp by range reduction: x = n·ln2 + r with |r| ≤ ln2/2, then eʳ by its Taylor series to r⁷
// (truncation below 6e-9 relative), scaled by 2ⁿ through the exponent bits.
static inline float fast_exp(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    const float log2e = 1.44269504088896341f;
    const float ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f;  // ln 2 split so n·ln2_hi is exact
    float t = x * log2e;
    float n = (float)(int32_t)(t + (t >= 0 ? 0.5f : -0.5f));
    float r = x - n * ln2_hi - n * ln2_lo;
    float p = (float)(1.0 / 5040.0);
    p = p * r + (float)(1.0 / 720.0);
    p = p * r + (float)(1.0 / 120.0);
    p = p * r + (float)(1.0 / 24.0);
    p = p * r + (float)(1.0 / 6.0);
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    union { uint32_t i; float f; } scale = { .i = (uint32_t)((int32_t)n + 127) << 23 };
    return p * scale.f;
}

// tanh: for |x| < 0.55 its odd Taylor series to x¹⁵ (next term below 1e-8); above, 1 − 2/(e^{2|x|} + 1)
// with the sign restored; beyond 9 it is ±1 in float.
static inline float fast_tanh(float x) {
    float a = x < 0 ? -x : x;
    float x2 = x * x;
    float p = (float)(-929569.0 / 638512875.0);
    p = p * x2 + (float)(21844.0 / 6081075.0);
    p = p * x2 - (float)(1382.0 / 155925.0);
    p = p * x2 + (float)(62.0 / 2835.0);
    p = p * x2 - (float)(17.0 / 315.0);
    p = p * x2 + (float)(2.0 / 15.0);
    p = p * x2 - (float)(1.0 / 3.0);
    p = p * x2 + 1.0f;
    float small = x * p;
    float e = fast_exp(2.0f * (a > 9.0f ? 9.0f : a));
    float large = 1.0f - 2.0f / (e + 1.0f);
    large = x < 0 ? -large : large;
    return a < 0.55f ? small : large;
}

// Each kernel is compiled for AVX2 with FMA and for the x86-64 baseline; the loader picks one.
#if defined(__x86_64__) && defined(__clang__)
#define KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define KERNEL
#endif

static inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

KERNEL void ckernels_exp(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fast_exp(x[i]);
}

KERNEL void ckernels_tanh(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fast_tanh(x[i]);
}

KERNEL void ckernels_sigmoid(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = fast_sigmoid(x[i]);
}

KERNEL void ckernels_softplus(const float *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
        float v = x[i], a = v < 0 ? -v : v;
        float e = fast_exp(-a);  // in (0, 1]
        // log1p(e) for e in (0, 1]: log1p(e) = 2·atanh(e/(2+e)) by its series (s = e/(2+e) ≤ 1/3).
        float s = e / (2.0f + e), s2 = s * s;
        float l = (float)(1.0 / 13.0);
        l = l * s2 + (float)(1.0 / 11.0);
        l = l * s2 + (float)(1.0 / 9.0);
        l = l * s2 + (float)(1.0 / 7.0);
        l = l * s2 + (float)(1.0 / 5.0);
        l = l * s2 + (float)(1.0 / 3.0);
        l = l * s2 + 1.0f;
        y[i] = (v > 0 ? v : 0) + 2.0f * s * l;
    }
}

KERNEL void ckernels_leaky_relu(const float *x, float *y, float slope, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0 ? x[i] : slope * x[i];
}

KERNEL void ckernels_tanh_inplace(float *x, int64_t n) {
    for (int64_t i = 0; i < n; ++i) x[i] = fast_tanh(x[i]);
}

KERNEL void ckernels_sigmoid_inplace(float *x, int64_t n) {
    for (int64_t i = 0; i < n; ++i) x[i] = fast_sigmoid(x[i]);
}

KERNEL void ckernels_leaky_relu_inplace(float *x, float slope, int64_t n) {
    for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0 ? x[i] : slope * x[i];
}

KERNEL void ckernels_bias_activation(float *y, const float *bias, int64_t rows, int64_t columns, int activation, float slope) {
    for (int64_t r = 0; r < rows; ++r) {
        float *row = y + r * columns;
        if (bias) for (int64_t c = 0; c < columns; ++c) row[c] += bias[c];
        switch (activation) {
        case 1: for (int64_t c = 0; c < columns; ++c) row[c] = row[c] > 0 ? row[c] : slope * row[c]; break;
        case 2: for (int64_t c = 0; c < columns; ++c) row[c] = fast_tanh(row[c]); break;
        case 3: for (int64_t c = 0; c < columns; ++c) row[c] = fast_sigmoid(row[c]); break;
        default: break;
        }
    }
}

KERNEL void ckernels_tanh_backward(const float *g, const float *y, float *gx, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gx[i] += g[i] * (1.0f - y[i] * y[i]);
}

KERNEL void ckernels_sigmoid_backward(const float *g, const float *y, float *gx, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gx[i] += g[i] * y[i] * (1.0f - y[i]);
}

KERNEL void ckernels_leaky_relu_backward(const float *g, const float *x, float *gx, float slope, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gx[i] += x[i] > 0 ? g[i] : slope * g[i];
}

KERNEL void ckernels_multiply_accumulate(const float *g, const float *y, float *gx, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gx[i] += g[i] * y[i];
}

KERNEL void ckernels_softplus_backward(const float *g, const float *x, float *gx, int64_t n) {
    for (int64_t i = 0; i < n; ++i) gx[i] += g[i] * fast_sigmoid(x[i]);
}

KERNEL void ckernels_adam(float *w, const float *g, float *m, float *v, int64_t n, float beta1, float beta2,
                   float step_size, float correction2, float epsilon, float lr, float weight_decay, int decoupled) {
    const float inverse_correction2 = 1.0f / correction2;
    for (int64_t i = 0; i < n; ++i) {
        float gi = g[i];
        if (weight_decay != 0) {
            if (decoupled) w[i] -= lr * weight_decay * w[i]; else gi += weight_decay * w[i];
        }
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        float denominator;
        float vhat = v[i] * inverse_correction2;
        // sqrtf is an instruction here (no errno handling with -fno-math-errno).
        denominator = __builtin_sqrtf(vhat) + epsilon;
        w[i] -= step_size * m[i] / denominator;
    }
}

// ---- Direct convolution for narrow inputs ----------------------------------------------------------
// A convolution with few input channels (RGB frames) lowered to columns is a long, thin sgemm
// (k = kh·kw·C = 192 for the Nature-CNN's first layer) whose im2col buffer is 16× the input and whose
// packing dominates. Computing it directly keeps a block of output positions × 16 output channels in
// registers: each input value is broadcast once per block and each weight vector loaded once per
// block of positions.

#define CONV_LANES 16
#define CONV_POSITIONS 6
typedef float conv_vec __attribute__((vector_size(CONV_LANES * 4), aligned(4)));

void ckernels_conv2d_pack_weight(const float *weight, int64_t out_c, int64_t patch, float *packed) {
    int64_t blocks = (out_c + CONV_LANES - 1) / CONV_LANES;
    for (int64_t b = 0; b < blocks; ++b)
        for (int64_t k = 0; k < patch; ++k)
            for (int64_t l = 0; l < CONV_LANES; ++l) {
                int64_t o = b * CONV_LANES + l;
                packed[(b * patch + k) * CONV_LANES + l] = o < out_c ? weight[o * patch + k] : 0.0f;
            }
}

#if defined(__x86_64__) && defined(__clang__)
#define CONV_KERNEL __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define CONV_KERNEL
#endif

CONV_KERNEL void ckernels_conv2d_direct(const float *x, int64_t n, int64_t h, int64_t w, int64_t c,
                                        const float *packed, const float *bias, int64_t out_c,
                                        int64_t kh, int64_t kw, int64_t stride, int64_t oh, int64_t ow,
                                        float *y) {
    const int64_t run = kw * c, patch = kh * run;
    const int64_t blocks = (out_c + CONV_LANES - 1) / CONV_LANES;
    for (int64_t b = 0; b < n; ++b) {
        const float *image = x + b * h * w * c;
        for (int64_t oy = 0; oy < oh; ++oy) {
            float *out_row = y + ((b * oh + oy) * ow) * out_c;
            for (int64_t blk = 0; blk < blocks; ++blk) {
                const float *wb = packed + blk * patch * CONV_LANES;
                const int64_t lanes = out_c - blk * CONV_LANES < CONV_LANES ? out_c - blk * CONV_LANES : CONV_LANES;
                conv_vec bias_v = {0};
                if (bias) for (int64_t l = 0; l < lanes; ++l) bias_v[l] = bias[blk * CONV_LANES + l];
                int64_t ox = 0;
                for (; ox + CONV_POSITIONS <= ow; ox += CONV_POSITIONS) {
                    conv_vec acc0 = bias_v, acc1 = bias_v, acc2 = bias_v, acc3 = bias_v, acc4 = bias_v, acc5 = bias_v;
                    for (int64_t ky = 0; ky < kh; ++ky) {
                        const float *row = image + ((oy * stride + ky) * w + ox * stride) * c;
                        const float *wk = wb + ky * run * CONV_LANES;
                        const int64_t step = stride * c;
                        for (int64_t j = 0; j < run; ++j) {
                            conv_vec wv;
                            __builtin_memcpy(&wv, wk + j * CONV_LANES, sizeof wv);
                            acc0 += row[j] * wv;
                            acc1 += row[j + step] * wv;
                            acc2 += row[j + 2 * step] * wv;
                            acc3 += row[j + 3 * step] * wv;
                            acc4 += row[j + 4 * step] * wv;
                            acc5 += row[j + 5 * step] * wv;
                        }
                    }
                    conv_vec accs[CONV_POSITIONS] = {acc0, acc1, acc2, acc3, acc4, acc5};
                    for (int p = 0; p < CONV_POSITIONS; ++p) {
                        float *o = out_row + (ox + p) * out_c + blk * CONV_LANES;
                        if (lanes == CONV_LANES) __builtin_memcpy(o, &accs[p], sizeof accs[p]);
                        else for (int64_t l = 0; l < lanes; ++l) o[l] = accs[p][l];
                    }
                }
                for (; ox < ow; ++ox) {
                    conv_vec acc = bias_v;
                    for (int64_t ky = 0; ky < kh; ++ky) {
                        const float *row = image + ((oy * stride + ky) * w + ox * stride) * c;
                        const float *wk = wb + ky * run * CONV_LANES;
                        for (int64_t j = 0; j < run; ++j) {
                            conv_vec wv;
                            __builtin_memcpy(&wv, wk + j * CONV_LANES, sizeof wv);
                            acc += row[j] * wv;
                        }
                    }
                    float *o = out_row + ox * out_c + blk * CONV_LANES;
                    if (lanes == CONV_LANES) __builtin_memcpy(o, &acc, sizeof acc);
                    else for (int64_t l = 0; l < lanes; ++l) o[l] = acc[l];
                }
            }
        }
    }
}
