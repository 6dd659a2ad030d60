/* export.c - `descent export --format tfjs`: a model file as TensorFlow.js's
 * layers-model format, DIR/model.json (a Keras Sequential of Dense layers,
 * the weights manifest, and descent's recipe in userDefinedMetadata) and
 * DIR/weights.bin (little-endian float32), the scalers folded into the
 * weights so that TF.js, and Keras after tensorflowjs_converter, predict on
 * raw inputs. The same layout and recipe as bindings/interop-tfjs.mjs. */
#include "interop.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void interop_free(interop_model *im)
{
    for (int l = 0; l < im->n_layers; l++) {
        free(im->layers[l].kernel);
        free(im->layers[l].bias);
        im->layers[l].kernel = im->layers[l].bias = NULL;
    }
    im->n_layers = 0;
}

int interop_fold(const descent_model *m, interop_model *out)
{
    memset(out, 0, sizeof *out);
    out->inputs = descent_model_inputs(m);
    const float *in_mean = descent_model_input_mean(m), *in_std = descent_model_input_std(m);
    const float *t_mean = descent_model_target_mean(m), *t_std = descent_model_target_std(m);
    int n = descent_model_layer_count(m), fan_in = out->inputs;
    for (int l = 0; l < n; l++) {
        descent_layer_spec s = descent_model_layer(m, l);
        interop_layer *L = &out->layers[l];
        out->n_layers = l + 1;
        *L = (interop_layer){fan_in, s.units, s.activation, s.alpha, s.l1, s.l2, NULL, NULL, 0};
        /* Sizes come from a model the library built and checked, so they fit. */
        L->kernel = malloc((size_t)fan_in * (size_t)s.units * sizeof(float));
        int folded = (l == 0 && in_mean) || (l == n - 1 && t_mean);
        if (!s.no_bias || folded) L->bias = calloc((size_t)s.units, sizeof(float));
        L->added_bias = s.no_bias && folded;
        descent_error err;
        if (!L->kernel || (!L->bias && (!s.no_bias || folded))) {
            interop_free(out);
            return runtime_error("out of memory for layer %d's weights", l);
        }
        if (descent_model_get_weights(m, l, L->kernel, s.no_bias ? NULL : L->bias, &err) != DESCENT_OK) {
            interop_free(out);
            return runtime_error("%s", err.message);
        }
        fan_in = s.units;
    }
    if (t_mean && out->layers[n - 1].activation != DESCENT_ACT_LINEAR) {
        const char *act = descent_activation_name(out->layers[n - 1].activation);
        interop_free(out);
        return runtime_error("the model has a target scaler but its output layer is %s: only a linear output can "
                             "take the scaler into its weights", act);
    }
    if (in_mean) {
        interop_layer *L = &out->layers[0];
        for (int j = 0; j < L->units; j++) {
            double b = L->bias[j];
            for (int i = 0; i < L->fan_in; i++)
                b -= (double)in_mean[i] / in_std[i] * L->kernel[(size_t)i * L->units + j];
            L->bias[j] = (float)b;
        }
        for (int i = 0; i < L->fan_in; i++)
            for (int j = 0; j < L->units; j++)
                L->kernel[(size_t)i * L->units + j] = (float)((double)L->kernel[(size_t)i * L->units + j] / in_std[i]);
    }
    if (t_mean) {
        interop_layer *L = &out->layers[n - 1];
        for (int j = 0; j < L->units; j++) {
            for (int i = 0; i < L->fan_in; i++)
                L->kernel[(size_t)i * L->units + j] = (float)((double)L->kernel[(size_t)i * L->units + j] * t_std[j]);
            L->bias[j] = (float)((double)L->bias[j] * t_std[j] + t_mean[j]);
        }
    }
    return EXIT_OK;
}

int interop_unfold(interop_model *im, const float *in_mean, const float *in_std, const float *t_mean,
                   const float *t_std)
{
    interop_layer *first = &im->layers[0], *last = &im->layers[im->n_layers - 1];
    if ((in_mean && !first->bias) || (t_mean && !last->bias)) return -1;
    /* Per layer and unit, the magnitude the folding and unfolding put through the bias (for added_bias). */
    double *size = calloc((size_t)first->units + (size_t)last->units, sizeof *size);
    if (!size) return -2;
    double *first_size = size, *last_size = size + first->units;
    if (t_mean) {
        for (int j = 0; j < last->units; j++) {
            for (int i = 0; i < last->fan_in; i++)
                last->kernel[(size_t)i * last->units + j] =
                    (float)((double)last->kernel[(size_t)i * last->units + j] / t_std[j]);
            last_size[j] = (fabs(last->bias[j]) + fabs(t_mean[j])) / t_std[j];
            last->bias[j] = (float)(((double)last->bias[j] - t_mean[j]) / t_std[j]);
        }
    }
    if (in_mean) {
        for (int j = 0; j < first->units; j++) {
            double b = first->bias[j];
            first_size[j] += fabs(b);
            for (int i = 0; i < first->fan_in; i++) {
                double w = (double)first->kernel[(size_t)i * first->units + j] * in_std[i];
                b += (double)in_mean[i] / in_std[i] * w;
                first_size[j] += fabs((double)in_mean[i] / in_std[i] * w);
                first->kernel[(size_t)i * first->units + j] = (float)w;
            }
            first->bias[j] = (float)b;
        }
    }
    for (int l = 0; l < im->n_layers; l++) {
        interop_layer *L = &im->layers[l];
        if (!L->added_bias || !L->bias) continue;
        /* (one layer is both the first and the last: both magnitudes went through it) */
        int zero = 1;
        for (int j = 0; zero && j < L->units; j++) {
            double through = (l == 0 ? first_size[j] : 0) + (l == im->n_layers - 1 ? last_size[j] : 0);
            zero = fabs(L->bias[j]) <= INTEROP_ADDED_BIAS_ROUNDING * through;
        }
        if (zero) {
            free(L->bias);
            L->bias = NULL;
        }
    }
    free(size);
    return 0;
}

/* ------------------------------------------------------------- writing */

static void put_floats(FILE *f, const float *v, int n)
{
    fputc('[', f);
    for (int i = 0; i < n; i++) {
        if (i) fputc(',', f);
        json_put_float(f, v[i]);
    }
    fputc(']', f);
}

static void put_scaler(FILE *f, const char *key, const float *mean, const float *std, int n)
{
    fprintf(f, ",\"%s\":", key);
    if (!mean) {
        fputs("null", f);
        return;
    }
    fputs("{\"mean\":", f);
    put_floats(f, mean, n);
    fputs(",\"std\":", f);
    put_floats(f, std, n);
    fputc('}', f);
}

/* A list of names from the model (count of them, by get), or null when it has none. */
static int put_names(FILE *f, const char *key, const descent_model *m, int count,
                     const char *(*name_of)(const descent_model *, int))
{
    fprintf(f, ",\"%s\":", key);
    if (count == 0 || !name_of(m, 0)) {
        fputs("null", f);
        return 0;
    }
    fputc('[', f);
    for (int i = 0; i < count; i++) {
        if (i) fputc(',', f);
        const char *s = name_of(m, i);
        if (!s || json_put_string(f, s) != 0) return -1;
    }
    fputc(']', f);
    return 0;
}

static const char *keras_activation(descent_activation a)
{
    return a == DESCENT_ACT_LEAKY_RELU ? "linear" : descent_activation_name(a);
}

/* model.json; -1 when a name is not UTF-8 (JSON holds text only). */
static int write_model_json(FILE *f, const descent_model *m, const interop_model *im)
{
    fputs("{\"format\":\"layers-model\",\"generatedBy\":\"descent\",\"convertedBy\":\"descent export\",\n"
          "\"modelTopology\":{\"class_name\":\"Sequential\",\"config\":{\"name\":\"sequential_1\",\"layers\":[", f);
    int leaky = 0;
    for (int l = 0; l < im->n_layers; l++) {
        const interop_layer *L = &im->layers[l];
        fprintf(f, "%s\n{\"class_name\":\"Dense\",\"config\":{\"units\":%d,\"activation\":\"%s\",\"use_bias\":%s,"
                   "\"kernel_initializer\":{\"class_name\":\"GlorotUniform\",\"config\":{\"seed\":null}},"
                   "\"bias_initializer\":{\"class_name\":\"Zeros\",\"config\":{}},\"kernel_regularizer\":",
                l ? "," : "", L->units, keras_activation(L->activation), L->bias ? "true" : "false");
        if (L->l1 > 0 || L->l2 > 0) {
            fputs("{\"class_name\":\"L1L2\",\"config\":{\"l1\":", f);
            json_put_float(f, L->l1);
            fputs(",\"l2\":", f);
            json_put_float(f, L->l2);
            fputs("}}", f);
        } else {
            fputs("null", f);
        }
        fprintf(f, ",\"bias_regularizer\":null,\"activity_regularizer\":null,\"kernel_constraint\":null,"
                   "\"bias_constraint\":null,\"name\":\"dense_Dense%d\",\"trainable\":true", l + 1);
        if (l == 0) fprintf(f, ",\"batch_input_shape\":[null,%d],\"dtype\":\"float32\"", im->inputs);
        fputs("}}", f);
        if (L->activation == DESCENT_ACT_LEAKY_RELU) {
            fputs(",\n{\"class_name\":\"LeakyReLU\",\"config\":{\"alpha\":", f);
            json_put_float(f, L->alpha);
            fprintf(f, ",\"name\":\"leaky_re_lu_LeakyReLU%d\",\"trainable\":true}}", ++leaky);
        }
    }
    fputs("]},\"keras_version\":\"tfjs-layers 4.22.0\",\"backend\":\"tensor_flow.js\"},\n"
          "\"weightsManifest\":[{\"paths\":[\"weights.bin\"],\"weights\":[", f);
    for (int l = 0; l < im->n_layers; l++) {
        const interop_layer *L = &im->layers[l];
        fprintf(f, "%s\n{\"name\":\"dense_Dense%d/kernel\",\"shape\":[%d,%d],\"dtype\":\"float32\"}", l ? "," : "",
                l + 1, L->fan_in, L->units);
        if (L->bias) fprintf(f, ",\n{\"name\":\"dense_Dense%d/bias\",\"shape\":[%d],\"dtype\":\"float32\"}", l + 1,
                             L->units);
    }
    descent_head head;
    int classification = descent_head_of_model(m, &head, NULL) == DESCENT_OK && head.classes > 0;
    fprintf(f, "]}],\n\"userDefinedMetadata\":{\"descent\":{\"format\":\"descent-interop 1\",\"task\":\"%s\","
               "\"loss\":\"%s\"",
            classification ? "classification" : "regression", descent_loss_name(descent_model_loss(m)));
    put_scaler(f, "inputScaler", descent_model_input_mean(m), descent_model_input_std(m), im->inputs);
    put_scaler(f, "targetScaler", descent_model_target_mean(m), descent_model_target_std(m),
               descent_model_outputs(m));
    if (put_names(f, "classNames", m, descent_model_class_count(m), descent_model_class_name) != 0 ||
        put_names(f, "featureNames", m, im->inputs, descent_model_feature_name) != 0)
        return -1;
    fputs(",\"targetName\":", f);
    const char *target = descent_model_target_name(m);
    if (!target) fputs("null", f);
    else if (json_put_string(f, target) != 0) return -1;
    fputs(",\"addedBias\":[", f);
    for (int l = 0, any = 0; l < im->n_layers; l++)
        if (im->layers[l].added_bias) fprintf(f, "%s%d", any++ ? "," : "", l);
    fputs("]}}}\n", f);
    return 0;
}

static int write_weights(FILE *f, const interop_model *im)
{
    for (int l = 0; l < im->n_layers; l++) {
        const interop_layer *L = &im->layers[l];
        const float *parts[2] = {L->kernel, L->bias};
        size_t counts[2] = {(size_t)L->fan_in * (size_t)L->units, L->bias ? (size_t)L->units : 0};
        for (int p = 0; p < 2; p++) {
            for (size_t i = 0; i < counts[p]; i++) {
                uint32_t u;
                memcpy(&u, &parts[p][i], 4);
                unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                                      (unsigned char)(u >> 24)};
                if (fwrite(b, 1, 4, f) != 4) return -1;
            }
        }
    }
    return 0;
}

/* DIR/NAME in a new string (free it), or NULL. */
static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir), k = strlen(name);
    char *out = malloc(n + k + 2);
    if (!out) return NULL;
    memcpy(out, dir, n);
    size_t at = n;
    if (n && dir[n - 1] != '/') out[at++] = '/';
    memcpy(out + at, name, k + 1);
    return out;
}

int cmd_export(const args *a)
{
    const char *model_path, *dir, *format;
    int rc;
    if ((rc = require(a, "--format", &format)) || (rc = require(a, "--model", &model_path)) ||
        (rc = require(a, "--out", &dir)))
        return rc;
    if (strcmp(format, "tfjs") != 0) return usage_error("--format must be tfjs (got '%s')", format);
    if (!*dir) return usage_error("--out must name a directory");
    if (a->check_only) return EXIT_OK;
    descent_error err;
    descent_model *m = descent_model_load_file(model_path, &err);
    if (!m) return file_error(model_path, &err);
    interop_model im;
    if ((rc = interop_fold(m, &im))) {
        descent_model_free(m);
        return rc;
    }
    char *json_path = join(dir, "model.json"), *bin_path = join(dir, "weights.bin");
    /* Both files are written whole before either replaces what the folder held (an earlier export). */
    outfile jf = {0}, bf = {0};
    if (!json_path || !bin_path) {
        rc = runtime_error("out of memory");
    } else if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        rc = runtime_error("%s: cannot create the directory: %s", dir, strerror(errno));
    } else if ((rc = out_open(&jf, json_path, 0)) || (rc = out_open(&bf, bin_path, 1))) {
        /* said */
    } else if (write_model_json(jf.f, m, &im) != 0) {
        rc = runtime_error("a feature, target or class name of %s is not UTF-8 text, which JSON cannot hold",
                           model_path);
    } else if (write_weights(bf.f, &im) == 0 && !(rc = out_commit(&bf))) {
        rc = out_commit(&jf);
    } else if (!rc) {
        rc = runtime_error("%s: cannot write", bin_path);
    }
    out_abort(&jf);
    out_abort(&bf);
    if (!rc) printf("wrote %s and %s\n", json_path, bin_path);
    free(json_path);
    free(bin_path);
    interop_free(&im);
    descent_model_free(m);
    return rc;
}
