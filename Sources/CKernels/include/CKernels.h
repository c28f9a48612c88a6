// Element-wise float kernels for NeuralNets, written to vectorise (no calls into libm in the loops).
#ifndef CKERNELS_H
#define CKERNELS_H
#include <stdint.h>

/// Keeps large allocations on the heap (mallopt) so that activations freed and reallocated every
/// training step are not returned to the kernel and faulted in again. Safe to call more than once.
void ckernels_configure_allocator(void);

/// y = exp(x), relative error below 1e-6 over the float range (inputs are clamped to ±88).
void ckernels_exp(const float *x, float *y, int64_t n);
/// y = tanh(x), absolute error below 1e-6.
void ckernels_tanh(const float *x, float *y, int64_t n);
/// y = 1 / (1 + exp(-x)).
void ckernels_sigmoid(const float *x, float *y, int64_t n);
/// y = max(x, 0) + log1p(exp(-|x|)).
void ckernels_softplus(const float *x, float *y, int64_t n);
/// y = x > 0 ? x : slope·x (slope 0 gives ReLU).
void ckernels_leaky_relu(const float *x, float *y, float slope, int64_t n);

/// In-place forms (one pointer, so the loops vectorise without alias checks).
void ckernels_tanh_inplace(float *x, int64_t n);
void ckernels_sigmoid_inplace(float *x, int64_t n);
void ckernels_leaky_relu_inplace(float *x, float slope, int64_t n);

/// y[r, c] = activation(y[r, c] + bias[c]) in place over a rows × columns matrix; bias may be NULL.
/// activation: 0 identity, 1 leaky ReLU with `slope` (0 for ReLU), 2 tanh, 3 sigmoid.
void ckernels_bias_activation(float *y, const float *bias, int64_t rows, int64_t columns, int activation, float slope);

/// gx += g · (1 − y²), the tanh derivative from its output.
void ckernels_tanh_backward(const float *g, const float *y, float *gx, int64_t n);
/// gx += g · y · (1 − y), the sigmoid derivative from its output.
void ckernels_sigmoid_backward(const float *g, const float *y, float *gx, int64_t n);
/// gx += g · (x > 0 ? 1 : slope).
void ckernels_leaky_relu_backward(const float *g, const float *x, float *gx, float slope, int64_t n);
/// gx += g · y (exp's derivative from its output).
void ckernels_multiply_accumulate(const float *g, const float *y, float *gx, int64_t n);
/// gx += g · sigmoid(x) (softplus' derivative).
void ckernels_softplus_backward(const float *g, const float *x, float *gx, int64_t n);

/// One Adam step on n weights: m, v moments, in place. `step_size` is lr / (1 − β1ᵗ), `correction2`
/// is 1 − β2ᵗ; with `decoupled`, weights decay by lr·wd first (AdamW), otherwise wd·w joins the gradient.
void ckernels_adam(float *w, const float *g, float *m, float *v, int64_t n, float beta1, float beta2,
                   float step_size, float correction2, float epsilon, float lr, float weight_decay, int decoupled);

/// Packs a convolution weight [out_c, patch] (patch = kh·kw·C, NHWC order) for `ckernels_conv2d_direct`:
/// blocks of 16 output channels, [⌈out_c/16⌉, patch, 16], zero-padded. `packed` holds ⌈out_c/16⌉·16·patch floats.
void ckernels_conv2d_pack_weight(const float *weight, int64_t out_c, int64_t patch, float *packed);
/// Direct 2-D convolution without padding of NHWC images x [n, h, w, c] with a packed weight, writing
/// y [n, oh, ow, out_c] = bias + Σ x·w (no activation). Meant for few input channels (c ≤ 4), where
/// im2col + sgemm is a long, thin product.
void ckernels_conv2d_direct(const float *x, int64_t n, int64_t h, int64_t w, int64_t c,
                            const float *packed, const float *bias, int64_t out_c,
                            int64_t kh, int64_t kw, int64_t stride, int64_t oh, int64_t ow, float *y);

#endif
