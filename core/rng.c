/* rng.c - the seeded generator every random choice draws from: SplitMix64,
 * integer-only, so a seed gives the same numbers natively and in wasm. */
#include "internal.h"

#include <math.h>

void rng_seed(rng *r, uint32_t seed, uint64_t stream)
{
    r->state = ((uint64_t)seed << 32) ^ (stream * 0xD1B54A32D192ED03ull) ^ 0x9E3779B97F4A7C15ull;
    rng_next(r);
}

uint64_t rng_next(rng *r)
{
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

float rng_uniform(rng *r)
{
    return (float)(rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

uint32_t rng_below(rng *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection of the biased low range. */
    uint64_t m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
    uint32_t low = (uint32_t)m;
    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        while (low < threshold) {
            m = (uint64_t)(uint32_t)(rng_next(r) >> 32) * n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

double rng_normal(rng *r)
{
    /* Marsaglia's polar method: no trigonometry, so no large argument
     * reduction in the wasm build. The second value is dropped to keep the
     * generator stateless beyond its integer state. */
    for (;;) {
        double u = (double)(rng_next(r) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
        double v = (double)(rng_next(r) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
        double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * sqrt(-2.0 * log(s) / s);
    }
}

void rng_shuffle(rng *r, int *idx, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
