/* loss.c - the losses (Keras's, as TF.js computes them: their values and
 * their gradient with respect to the network's output), the L1/L2
 * penalties, the training objective, and the running count of right
 * predictions behind the accuracy fit reports. */
#include "model.h"

#include <math.h>

/* TF.js's epsilon() and the clip bounds it implies, as float32. */
#define CLIP_LO 1e-7f
#define CLIP_HI (1.0f - 1e-7f)

/* Mean over the batch of each sample's loss; with dp, also ∂L/∂p. Sums are in
 * double, as TF.js's CPU backend accumulates reductions in JS numbers. */
double loss_forward_backward(descent_loss loss, const float *p, const float *y, int rows, int k, float *dp)
{
    double total = 0.0;
    float inv_b = 1.0f / (float)rows;
    if (loss == DESCENT_LOSS_MSE && k == 1) {
        /* One output (regression's usual case): the operations below, with
         * sample = 0 + d², /1 and the scale inv_b / 1 left out as exact. */
        for (int b = 0; b < rows; b++) {
            float d = p[b] - y[b];
            total += (double)(d * d);
            if (dp) dp[b] = (2.0f * d) * inv_b;
        }
        return total / rows;
    }
    for (int b = 0; b < rows; b++) {
        const float *pb = p + (size_t)b * k, *yb = y + (size_t)b * k;
        float *db = dp ? dp + (size_t)b * k : NULL;
        double sample = 0.0;
        switch (loss) {
        case DESCENT_LOSS_MSE: {
            float scale = inv_b / (float)k;
            for (int j = 0; j < k; j++) {
                float d = pb[j] - yb[j];
                sample += (double)(d * d);
                if (db) db[j] = (2.0f * d) * scale;
            }
            sample /= k; /* k > 1 here: one output took the loop above */
            break;
        }
        case DESCENT_LOSS_BINARY_CROSSENTROPY: {
            float scale = inv_b / (float)k;
            for (int j = 0; j < k; j++) {
                float q = pb[j] < CLIP_LO ? CLIP_LO : (pb[j] > CLIP_HI ? CLIP_HI : pb[j]);
                float logit = logf(q / (1.0f - q));
                float v = (logit > 0.0f ? logit : 0.0f) - logit * yb[j] + log1pf(expf(-fabsf(logit)));
                sample += (double)v;
                if (db) {
                    int inside = pb[j] >= CLIP_LO && pb[j] <= CLIP_HI;
                    db[j] = inside ? ((q - yb[j]) / (q * (1.0f - q))) * scale : 0.0f;
                }
            }
            if (k > 1) sample /= k; /* exact for k = 1, and a division less a row */
            break;
        }
        case DESCENT_LOSS_CATEGORICAL_CROSSENTROPY: {
            double s = 0.0;
            for (int j = 0; j < k; j++) s += pb[j];
            float sf = (float)s;
            float gr = 0.0f; /* Σ g_j r_j */
            for (int j = 0; j < k; j++) {
                float r = pb[j] / sf;
                float q = r < CLIP_LO ? CLIP_LO : (r > CLIP_HI ? CLIP_HI : r);
                sample -= (double)(yb[j] * logf(q));
                if (db) {
                    float g = (r >= CLIP_LO && r <= CLIP_HI) ? -yb[j] / q : 0.0f;
                    db[j] = g;
                    gr += g * r;
                }
            }
            if (db)
                for (int j = 0; j < k; j++) db[j] = ((db[j] - gr) / sf) * inv_b;
            break;
        }
        }
        total += sample;
    }
    return total / rows;
}

float model_penalty(const descent_model *m)
{
    float total = 0.0f;
    for (int l = 0; l < m->n_layers; l++) {
        const layer *L = &m->layers[l];
        if (L->spec.l1 == 0.0f && L->spec.l2 == 0.0f) continue;
        const float *w = m->params + L->w_off;
        size_t count = (size_t)L->in * L->out;
        double s1 = 0.0, s2 = 0.0;
        for (size_t i = 0; i < count; i++) {
            s1 += fabsf(w[i]);
            s2 += (double)(w[i] * w[i]);
        }
        if (L->spec.l1 != 0.0f) total += L->spec.l1 * (float)s1;
        if (L->spec.l2 != 0.0f) total += L->spec.l2 * (float)s2;
    }
    return total;
}

double model_objective(descent_model *m, int rows, int grad)
{
    double data = loss_forward_backward(m->loss, m->act[m->n_layers], m->yb, rows, m->outputs,
                                        grad ? m->delta[0] : NULL);
    return (double)((float)data + model_penalty(m));
}

int model_batch_correct(const descent_model *m, int rows)
{
    if (m->loss == DESCENT_LOSS_MSE) return -1;
    const float *p = m->act[m->n_layers];
    int k = m->outputs, correct = 0;
    for (int b = 0; b < rows; b++) {
        const float *pb = p + (size_t)b * k, *yb = m->yb + (size_t)b * k;
        if (k == 1) {
            correct += (pb[0] >= 0.5f) == (yb[0] >= 0.5f);
        } else {
            int ap = 0, ay = 0;
            for (int j = 1; j < k; j++) {
                if (pb[j] > pb[ap]) ap = j;
                if (yb[j] > yb[ay]) ay = j;
            }
            correct += ap == ay;
        }
    }
    return correct;
}
