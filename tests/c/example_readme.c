/* example_readme.c - the C example from README.md and descent.h, built and
 * run by CTest so the documented code keeps compiling and keeps being right. */
#include "descent.h"

#include <stdio.h>

int main(void)
{
    float x[] = {1, 1, 1, -1, -1, 1, -1, -1};
    float y[] = {1, -1, 1, -1};
    descent_layer_spec out = descent_layer(1, DESCENT_ACT_LINEAR);
    out.no_bias = 1;
    descent_model_spec spec = {
        .inputs = 2, .n_layers = 1, .layers = &out,
        .loss = DESCENT_LOSS_MSE,
        .optimizer = descent_optimizer_defaults(DESCENT_OPT_SGD), /* lr 0.01 */
        .seed = 1,
    };
    descent_error err;
    descent_model *m = descent_model_create(&spec, &err);
    if (!m) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    descent_fit_options fit = descent_fit_defaults();
    fit.epochs = 1000;
    fit.batch_size = 4; /* full batch: plain gradient descent */
    if (descent_model_fit(m, x, y, 4, &fit, NULL, &err) != DESCENT_OK) {
        fprintf(stderr, "%s\n", err.message);
        descent_model_free(m);
        return 1;
    }
    float w[2];
    descent_model_get_weights(m, 0, w, NULL, NULL);
    printf("theta = (%.4f, %.4f)\n", w[0], w[1]);
    descent_model_free(m);
    return 0;
}
