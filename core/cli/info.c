/* info.c - `descent info`: what a model file holds, in words: its task,
 * features, classes, layers, loss, optimizer, scalers and, asked, weights. */
#include "tool.h"
#include "escape.h"

static void print_floats(const char *label, const float *v, int n)
{
    printf("%s", label);
    for (int i = 0; i < n; i++) printf(" %.6g", (double)v[i]);
    putchar('\n');
}

int cmd_info(const args *a)
{
    const char *path;
    int rc;
    if ((rc = require(a, "--model", &path)) || a->check_only) return rc;
    descent_error err;
    descent_model *m = descent_model_load_file(path, &err);
    if (!m) return file_error(path, &err);

    descent_head head;
    descent_head_of_model(m, &head, NULL);
    int inputs = descent_model_inputs(m), k = head.classes, outputs = descent_model_outputs(m);
    printf("model: %s\n", path);
    printf("task: %s\n", k ? "classification" : "regression");
    printf("inputs: %d", inputs);
    if (descent_model_feature_name(m, 0)) {
        for (int i = 0; i < inputs; i++) {
            fputs(i ? ", " : " (", stdout);
            escape_put(stdout, descent_model_feature_name(m, i), 0);
        }
        putchar(')');
    }
    putchar('\n');
    const char *target = descent_model_target_name(m);
    fputs("target: ", stdout);
    escape_put(stdout, target ? target : "(unnamed)", 0);
    printf(", %d output%s\n", outputs, outputs == 1 ? "" : "s");
    if (k) {
        char buf[32];
        printf("classes: %d (", k);
        for (int i = 0; i < k; i++) {
            fputs(i ? ", " : "", stdout);
            escape_put(stdout, descent_model_class_label(m, i, buf, sizeof buf), 0);
        }
        printf(")\n");
    }
    printf("layers: %d\n", descent_model_layer_count(m));
    int in = inputs;
    for (int l = 0; l < descent_model_layer_count(m); l++) {
        descent_layer_spec s = descent_model_layer(m, l);
        printf("  %d: dense %d -> %d, %s", l + 1, in, s.units, descent_activation_name(s.activation));
        if (s.activation == DESCENT_ACT_LEAKY_RELU) printf(" (alpha %g)", (double)s.alpha);
        printf(", init %s", descent_init_name(s.init));
        if (s.init == DESCENT_INIT_UNIFORM) printf(" (limit %g)", (double)s.init_limit);
        printf(", %s", s.no_bias ? "no bias" : "bias");
        if (s.l1 > 0 || s.l2 > 0) printf(", l1 %g, l2 %g", (double)s.l1, (double)s.l2);
        putchar('\n');
        in = s.units;
    }
    printf("parameters: %d\n", descent_model_param_count(m));
    printf("loss: %s\n", descent_loss_name(descent_model_loss(m)));

    descent_optimizer_spec o = descent_model_optimizer(m);
    printf("optimizer: %s, lr %g", descent_optimizer_name(o.kind), o.learning_rate);
    switch (o.kind) {
    case DESCENT_OPT_SGD: break;
    case DESCENT_OPT_MOMENTUM:
    case DESCENT_OPT_NESTEROV: printf(", momentum %g", o.momentum); break;
    case DESCENT_OPT_ADAGRAD: printf(", initial_accumulator %g", o.initial_accumulator); break;
    case DESCENT_OPT_RMSPROP:
        printf(", rho %g, momentum %g, epsilon %g%s", o.rho, o.momentum, o.epsilon, o.centered ? ", centered" : "");
        break;
    case DESCENT_OPT_ADAM: printf(", beta1 %g, beta2 %g, epsilon %g", o.beta1, o.beta2, o.epsilon); break;
    }
    /* Only a file saved with its optimizer state remembers the steps taken. */
    if (descent_model_step_count(m) > 0) printf(", %lld steps taken", (long long)descent_model_step_count(m));
    putchar('\n');
    printf("seed: %lu\n", (unsigned long)descent_model_seed(m));

    if (descent_model_input_mean(m)) {
        print_floats("input mean:", descent_model_input_mean(m), inputs);
        print_floats("input std:", descent_model_input_std(m), inputs);
    } else {
        printf("input scaler: none\n");
    }
    if (descent_model_target_mean(m)) {
        print_floats("target mean:", descent_model_target_mean(m), outputs);
        print_floats("target std:", descent_model_target_std(m), outputs);
    } else if (!k) {
        printf("target scaler: none\n");
    }
    if (has(a, "--weights")) rc = print_weights(m);
    descent_model_free(m);
    return rc;
}
