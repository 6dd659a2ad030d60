#!/bin/sh
# cli.sh - runs the `descent` command-line tool for real in a scratch directory
# and checks its output, files, messages and exit codes.
# usage: sh tests/cli.sh path/to/descent path/to/data-dir
# shellcheck disable=SC2016 # checks are strings for eval, expanded when they run
set -u

if [ $# -ne 2 ]; then
    echo "usage: sh tests/cli.sh path/to/descent path/to/data-dir" >&2
    exit 2
fi
# Absolute paths, since the checks run from inside the scratch directory.
case $1 in /*) BIN=$1 ;; *) BIN=$(pwd)/$1 ;; esac
case $2 in /*) DATA=$2 ;; *) DATA=$(pwd)/$2 ;; esac
if [ ! -x "$BIN" ]; then
    echo "not ok - $BIN is not an executable"
    echo "0 passed, 1 failed"
    exit 1
fi

TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' HUP INT TERM
cd "$TMP" || exit 1

passed=0
failed=0

# run ARGS...: the tool's stdout in out.txt, stderr in err.txt, status in $rc.
run() {
    "$BIN" "$@" >out.txt 2>err.txt
    rc=$?
}

# check NAME COMMAND...: one "ok"/"not ok" line; on failure, what was seen.
check() {
    name=$1
    shift
    if "$@" 2>/dev/null; then
        passed=$((passed + 1))
        echo "ok - $name"
    else
        failed=$((failed + 1))
        echo "not ok - $name"
        echo "#   exit status $rc; stderr:"
        sed 's/^/#     /' err.txt | head -n 5
        echo "#   stdout:"
        sed 's/^/#     /' out.txt | head -n 5
    fi
}

lines() {
    wc -l <"$1" | tr -d ' '
}

# exits STATUS: the last run ended with that status.
exits() {
    [ "$rc" -eq "$1" ]
}

# error_msg STATUS NEEDLE...: failed with STATUS and exactly one stderr line
# "descent: ..." containing every needle.
error_msg() {
    want=$1
    shift
    [ "$rc" -eq "$want" ] || return 1
    [ "$(lines err.txt)" -eq 1 ] || return 1
    grep -q '^descent: ' err.txt || return 1
    for needle in "$@"; do
        grep -q -F -e "$needle" err.txt || return 1
    done
}

# mentions FILE WORD...: every word occurs in the file.
mentions() {
    file=$1
    shift
    for word in "$@"; do
        grep -q -F -e "$word" "$file" || return 1
    done
}

# near VALUE TARGET TOLERANCE
near() {
    awk -v v="$1" -v t="$2" -v tol="$3" 'BEGIN { d = v - t; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'
}

train_flags="--data --target --task --layers --activation --alpha --output-activation --loss --init --init-limit
--l1 --l2 --no-bias --optimizer --lr --momentum --rho --epsilon --beta1 --beta2 --initial-accumulator --centered
--batch --epochs --test-split --val-split --patience --restore-best --no-shuffle --no-standardize --no-scale-target
--seed --save --save-optimizer --resume --quiet --print-weights"

# ------------------------------------------------------------------ help

run --help
check "--help exits 0" exits 0
check "--help lists the commands" mentions out.txt train predict evaluate generate info tune "descent help COMMAND"
check "--help fits on one screen (at most 20 lines of at most 79 columns)" eval '[ "$(lines out.txt)" -le 20 ] &&
    ! grep -q "^.\{80\}" out.txt'
run help
check "help alone is --help" eval '[ "$rc" -eq 0 ] && "$BIN" --help | cmp -s - out.txt'
run help train
# shellcheck disable=SC2086
check "help train lists every train flag" eval '[ "$rc" -eq 0 ] && mentions out.txt $train_flags'
check "help train is train --help" eval '"$BIN" train --help | cmp -s - out.txt'
run help tune
check "help tune is tune --help" eval '[ "$rc" -eq 0 ] && "$BIN" tune --help | cmp -s - out.txt'
run help frobnicate
check "help of an unknown command exits 2 naming it" error_msg 2 "'frobnicate'"

run --version
check "--version exits 0 and prints the version" eval '[ "$rc" -eq 0 ] && grep -q "^descent [0-9]" out.txt'

run train --help
check "train --help exits 0" exits 0
# shellcheck disable=SC2086
check "train --help lists every flag" mentions out.txt $train_flags
check "train --help gives defaults and ranges" mentions out.txt "default: 100" "1..1000000" "[0, 1)" "> 0" full
run predict --help
check "predict --help lists its flags" eval '[ "$rc" -eq 0 ] && mentions out.txt --model --data --out'
run evaluate --help
check "evaluate --help lists its flags" eval '[ "$rc" -eq 0 ] && mentions out.txt --model --data --target'
run generate --help
check "generate --help lists its flags and sets" eval '[ "$rc" -eq 0 ] &&
    mentions out.txt --set --n --noise --seed --out circle xor gaussian spiral plane multigauss linear4 line curve'
run info --help
check "info --help lists its flags" eval '[ "$rc" -eq 0 ] && mentions out.txt --model --weights'
run train --bogus --help
check "--help wins over a bad flag" exits 0

# ------------------------------------------------------------ usage errors

run
check "no command exits 2" exits 2
run frobnicate
check "unknown command exits 2 naming it" error_msg 2 "'frobnicate'"
run train --data "$DATA/iris.csv" --foo
check "unknown flag exits 2 naming it" error_msg 2 "unknown option '--foo'" "train --help"
run train --data "$DATA/iris.csv" --lr -1
check "--lr -1 exits 2 naming the flag and range" error_msg 2 "--lr" "> 0" "'-1'"
run train --data "$DATA/iris.csv" --epochs 0
check "--epochs 0 exits 2 naming the flag and range" error_msg 2 "--epochs" "1..1000000"
run train --data "$DATA/iris.csv" --test-split 1.5
check "--test-split 1.5 exits 2 naming the flag and range" error_msg 2 "--test-split" "[0, 1)"
run train --data "$DATA/iris.csv" --epochs 10x
check "a number with trailing junk is refused" error_msg 2 "--epochs" "'10x'"
run train --data "$DATA/iris.csv" --momentum 1
check "--momentum 1 is out of [0, 1)" error_msg 2 "--momentum"
run train --data "$DATA/diabetes.csv" --loss binary_crossentropy --epochs 2
check "a cross-entropy on a numeric target exits 2 before training, saying what would do" error_msg 2 \
    "loss 'binary_crossentropy' needs classes, and this target is numbers" "use 'mse'"
run train --data "$DATA/iris.csv" --data "$DATA/digits.csv"
check "a flag given twice exits 2 naming both values" error_msg 2 "--data is given twice" "iris.csv" "digits.csv"
run train --data "$DATA/iris.csv" --quiet --quiet
check "a switch given twice exits 2" error_msg 2 "--quiet is given twice"
run train --data "$DATA/iris.csv" --optimizer sgd --momentum 0.9
check "a setting the optimizer does not use is refused, naming what it uses" error_msg 2 \
    "--momentum does not apply to --optimizer sgd, which uses --lr"
run train --data "$DATA/iris.csv" --alpha 0.1
check "--alpha without a leaky_relu layer is refused" error_msg 2 "--alpha is leaky_relu's slope"
run train --data "$DATA/iris.csv" --restore-best
check "--restore-best without --patience is refused" error_msg 2 "--restore-best needs --patience"
run train --data "$DATA/iris.csv" --save-optimizer
check "--save-optimizer without --save is refused" error_msg 2 "--save-optimizer needs --save"
run train --data "$DATA/iris.csv" --layers 16,0
check "--layers with a 0 exits 2" error_msg 2 "--layers" "1..1000000"
# One unit limit, the library's: train's and tune's layer lists refuse what model creation refuses, alike.
run train --data "$DATA/iris.csv" --layers 2000000
check "--layers 2000000 exits 2 with the library's range" error_msg 2 "--layers" "'2000000'" "1..1000000"
run tune --data "$DATA/iris.csv" --layers 2000000
check "tune --layers 2000000 exits 2 with the same range" error_msg 2 "--layers" "'2000000'" "1..1000000"
run tune --data "$DATA/iris.csv" --grid layers=8,2000000
check "tune --grid layers=8,2000000 exits 2 with the same range" error_msg 2 "--grid layers=8,2000000" "1..1000000"
run train --data "$DATA/iris.csv" --epochs 1000001
check "--epochs past the library's limit exits 2" error_msg 2 "--epochs" "1..1000000" "'1000001'"
run train --data "$DATA/iris.csv" --optimizer adamw
check "an unknown optimizer lists the allowed ones" error_msg 2 "--optimizer" "sgd" "adam" "'adamw'"
run train --data "$DATA/iris.csv" --lr
check "a flag without its value exits 2" error_msg 2 "--lr"
run train --target species
check "a missing required flag exits 2 naming it" error_msg 2 "--data"
run generate --set spiral --noise 2
check "--noise 2 exits 2" error_msg 2 "--noise" "[0, 1]"
run generate --set spiral --n 0
check "--n 0 exits 2" error_msg 2 "--n"
run train --data "$DATA/iris.csv" --seed 4294967296
check "--seed beyond 32 bits exits 2" error_msg 2 "--seed" "4294967295"

# ----------------------------------------------------------- file errors

run train --data no_such_file.csv
check "a missing file exits 1 naming it" error_msg 1 "no_such_file.csv"
printf 'a,b,label\n1,2,x\n3,oops,y\n' >bad.csv
run train --data bad.csv
check "a bad cell is reported with line and column" error_msg 1 "bad.csv" "line 3" "column 2" "oops"
run train --data "$DATA/iris.csv" --target no_such_column
check "an unknown target column exits 1 naming it" error_msg 1 "no_such_column"
printf 'not a model' >junk.bin
run info --model junk.bin
check "a file that is not a model exits 1" error_msg 1 "junk.bin"
run predict --model missing.bin --data "$DATA/iris.csv"
check "predict with a missing model exits 1 naming it" error_msg 1 "missing.bin"

# -------------------------------------------------------------- the work

run train --data "$DATA/iris.csv" --target species --layers 16 --epochs 30 --quiet --save m.bin
check "train iris succeeds" exits 0
check "train iris prints train and test accuracy" eval 'grep -q "^train: 120 rows" out.txt &&
    grep -q "^test: 30 rows" out.txt && [ "$(grep -c "accuracy" out.txt)" -eq 2 ]'
check "train iris prints a confusion matrix with class names" mentions out.txt confusion setosa versicolor virginica
check "train --quiet prints no progress" eval '[ "$rc" -eq 0 ] && [ ! -s err.txt ]'
check "train --save writes the model" test -s m.bin

run train --data "$DATA/iris.csv" --target species --layers 4 --epochs 500 --lr 0.5 --val-split 0.2 --patience 3 \
    --quiet
check "train --quiet still says why training stopped early" eval '[ "$rc" -eq 0 ] &&
    [ "$(lines err.txt)" -eq 1 ] && grep -q "^stopped early after epoch [0-9]*; best epoch [0-9]*$" err.txt'

run train --data "$DATA/iris.csv" --target 4 --layers none --epochs 2
check "train by column index, with per-epoch progress on stderr" eval '[ "$rc" -eq 0 ] &&
    grep -q "^epoch 1/2 loss [0-9.]* acc [0-9.]*$" err.txt && grep -q "^epoch 2/2 " err.txt'

run predict --model m.bin --data "$DATA/iris.csv" --out p.csv
check "predict writes 151 lines to --out" eval '[ "$rc" -eq 0 ] && [ "$(lines p.csv)" -eq 151 ]'
check "predict writes the class and its probabilities" eval \
    'head -n 1 p.csv | grep -q "^predicted,p_setosa,p_versicolor,p_virginica$" &&
     sed -n 2p p.csv | grep -q "^[a-z]*,[0-9.e-]*,[0-9.e-]*,[0-9.e-]*$"'
run predict --model m.bin --data "$DATA/iris.csv"
check "predict writes to stdout without --out" eval '[ "$rc" -eq 0 ] && [ "$(lines out.txt)" -eq 151 ]'
cut -d, -f1-4 "$DATA/iris.csv" >features.csv
run predict --model m.bin --data features.csv
check "predict works without the target column" eval '[ "$rc" -eq 0 ] && [ "$(lines out.txt)" -eq 151 ]'
cut -d, -f1,2,3,5 "$DATA/iris.csv" >three.csv
run predict --model m.bin --data three.csv
check "predict names a missing feature column" error_msg 1 "petal_width_cm"

# Real files carry more than the model's features: an id, a note of free text.
awk -F, 'NR == 1 { print "id,note," $0; next } { printf "r%d,\"seen %d, twice\",%s\n", NR - 1, NR % 3, $0 }' \
    "$DATA/iris.csv" >extra.csv
run predict --model m.bin --data extra.csv
check "predict skips columns the model does not use (an id, a text note)" eval '[ "$rc" -eq 0 ] &&
    [ "$(lines out.txt)" -eq 151 ] && head -n 1 out.txt | grep -q "^predicted,p_setosa,"'
cp out.txt plain.txt
run predict --model m.bin --data extra.csv --keep id,note --out kept.csv
check "predict --keep copies columns before the predictions" eval '[ "$rc" -eq 0 ] &&
    head -n 1 kept.csv | grep -q "^id,note,predicted,p_setosa,p_versicolor,p_virginica$" &&
    sed -n 2p kept.csv | grep -q "^r1,\"seen 2, twice\",[a-z]*," && [ "$(lines kept.csv)" -eq 151 ] &&
    sed -e "1s/^id,note,//" -e "s/^r[0-9]*,\"seen [0-9], twice\",//" kept.csv | cmp -s - plain.txt'
run predict --model m.bin --data extra.csv --keep id,colour
check "predict --keep names a column the file lacks" error_msg 1 "extra.csv" "'colour'" "to keep" "id, note"
run predict --model m.bin --data extra.csv --keep id,,note
check "predict --keep with an empty name exits 2" error_msg 2 "--keep" "'id,,note'"
run evaluate --model m.bin --data extra.csv
check "evaluate skips columns the model does not use" eval '[ "$rc" -eq 0 ] && grep -q "^evaluate: 150 rows" out.txt'
grep accuracy out.txt | awk '{ print $2 }' >acc.txt
run evaluate --model m.bin --data extra.csv --json
check "evaluate --json prints the scores as one JSON object" eval '[ "$rc" -eq 0 ] && [ ! -s err.txt ] &&
    mentions out.txt "\"rows\": 150" "\"task\": \"classification\"" "\"loss\": " "\"f1\": " "\"average\": \"macro\"" \
        "\"classes\": [\"setosa\", \"versicolor\", \"virginica\"]" "\"confusion\": [[" &&
    awk -v want="$(cat acc.txt)" -F": " "/\"accuracy\"/ { sub(/,/, \"\", \$2); found = 1; bad = (sprintf(\"%.4f\", \$2) != want) }
        END { exit !found || bad }" out.txt &&
    { ! command -v node >/dev/null || node -e "JSON.parse(require(\"fs\").readFileSync(\"out.txt\", \"utf8\"))"; }'

run evaluate --model m.bin --data "$DATA/iris.csv"
check "evaluate prints loss and metrics" eval '[ "$rc" -eq 0 ] && grep -q "^evaluate: 150 rows" out.txt &&
    mentions out.txt loss accuracy precision recall f1 confusion'
grep -v virginica "$DATA/iris.csv" >two.csv
run evaluate --model m.bin --data two.csv
check "evaluate maps a subset of the classes by name" eval '[ "$rc" -eq 0 ] && grep -q "^evaluate: 100 rows" out.txt'
grep -e species -e virginica "$DATA/iris.csv" >one.csv
run evaluate --model m.bin --data one.csv
check "evaluate takes a file of one class" eval '[ "$rc" -eq 0 ] && grep -q "^evaluate: 50 rows" out.txt'
run predict --model m.bin --data one.csv
check "predict takes a file of one class" eval '[ "$rc" -eq 0 ] && [ "$(lines out.txt)" -eq 51 ]'
sed 's/setosa/rose/' "$DATA/iris.csv" >rose.csv
run evaluate --model m.bin --data rose.csv
check "evaluate names a class the model does not know" error_msg 1 "'rose'"

run info --model m.bin
check "info prints the layers" eval '[ "$rc" -eq 0 ] &&
    mentions out.txt "dense 4 -> 16, relu" "dense 16 -> 3, softmax" categorical_crossentropy adam setosa'
run info --model m.bin --weights
check "info --weights prints kernels and biases" mentions out.txt "layer 1 kernel [4][16]" "layer 2 bias [3]"

run train --data "$DATA/iris.csv" --target species --layers 8:tanh,4 --epochs 2 --quiet --save per-layer.bin
run info --model per-layer.bin
check "--layers takes a layer's activation (16:tanh), the others --activation's" eval '[ "$rc" -eq 0 ] &&
    mentions out.txt "dense 4 -> 8, tanh" "dense 8 -> 4, relu" "dense 4 -> 3, softmax"'

# A tanh output with mse learns two classes as -1 and 1 and is cut at 0 (the
# library's output head, as the page's "tanh · mean squared error").
run train --data "$DATA/breast_cancer.csv" --target diagnosis --layers 8 --output-activation tanh --loss mse \
    --epochs 30 --quiet --save tanh.bin
check "train with a tanh output scores its -1/+1 labels" eval '[ "$rc" -eq 0 ] &&
    awk "/^test:/ { t = 1 } t && /accuracy/ { exit !(\$2 > 0.9) }" out.txt'
run evaluate --model tanh.bin --data "$DATA/breast_cancer.csv"
check "evaluate reads the tanh model's head" eval '[ "$rc" -eq 0 ] &&
    awk "/accuracy/ { exit !(\$2 > 0.9) }" out.txt'
run predict --model tanh.bin --data "$DATA/breast_cancer.csv"
check "predict gives the tanh model's class and probabilities in [0, 1]" eval '[ "$rc" -eq 0 ] &&
    [ "$(lines out.txt)" -eq 570 ] && head -n 1 out.txt | grep -q "^predicted,p_benign,p_malignant$" &&
    awk -F, "NR > 1 && (\$2 < 0 || \$2 > 1 || \$3 < 0 || \$3 > 1) { bad = 1 } END { exit bad }" out.txt'

run generate --set spiral --n 50 --seed 7 --out spiral.csv
check "generate spiral writes n + 1 lines" eval '[ "$rc" -eq 0 ] && [ "$(lines spiral.csv)" -eq 51 ]'
run generate --set spiral --n 50 --seed 7
check "generate is deterministic and writes to stdout" cmp -s out.txt spiral.csv
run train --data spiral.csv --epochs 3 --quiet --test-split 0.2
check "train reads a generated set" eval '[ "$rc" -eq 0 ] && grep -q accuracy out.txt'

run generate --set line --n 100 --out line.csv
run train --data line.csv --layers none --optimizer sgd --lr 0.1 --epochs 100 --quiet --save line.bin
check "train a regression prints mse, rmse, mae and r2" eval '[ "$rc" -eq 0 ] && mentions out.txt mse rmse mae r2'
run predict --model line.bin --data line.csv
check "predict a regression writes the target column" eval '[ "$rc" -eq 0 ] && [ "$(lines out.txt)" -eq 101 ] &&
    head -n 1 out.txt | grep -q "^y$"'
run evaluate --model line.bin --data line.csv --json
check "evaluate --json on a regression gives mse, rmse, mae and r2" eval '[ "$rc" -eq 0 ] &&
    mentions out.txt "\"task\": \"regression\"" "\"mse\": " "\"rmse\": " "\"mae\": " "\"r2\": " && ! grep -q accuracy out.txt'

# y = x2 on four points: plain gradient descent finds theta = (0, 1). The
# targets are -1 and 1, which auto would read as two classes.
run generate --set linear4 --out linear4.csv
check "generate linear4 writes 4 rows" eval '[ "$rc" -eq 0 ] && [ "$(lines linear4.csv)" -eq 5 ]'
run train --data linear4.csv --task regression --test-split 0 --layers none --no-bias --optimizer sgd --lr 0.01 \
    --epochs 1000 --batch 4 --no-standardize --no-scale-target --no-shuffle --print-weights --quiet
w0=$(awk '/^layer 1 kernel/ { getline; print $1; exit }' out.txt)
w1=$(awk '/^layer 1 kernel/ { getline; getline; print $1; exit }' out.txt)
check "linear4 by SGD prints weights close to 0 and 1 (got '$w0' '$w1')" eval \
    '[ "$rc" -eq 0 ] && near "$w0" 0 0.001 && near "$w1" 1 0.001 && grep -q "^layer 1 bias none" out.txt'

run train --data "$DATA/diabetes.csv" --layers none --optimizer sgd --lr 1e30 --no-standardize --no-scale-target \
    --epochs 5 --quiet --save diverged.bin
check "a run diverging in its first epoch exits 1 with one line (where, the rollback, a lower rate) and saves nothing" eval \
    'error_msg 1 "training diverged: epoch 1, batch 2 of 12" "rolled back to where it was before epoch 1" "try a lower one" &&
     [ ! -e diverged.bin ]'

# Full-batch SGD too fast: the loss climbs for a few epochs, then overflows; the model goes back to the end of
# epoch 3, which --save keeps (once said twice over: "training stopped in epoch 9 of 200: epoch 9, ...").
run train --data "$DATA/diabetes.csv" --target progression --layers 10 --optimizer sgd --lr 0.5 --batch 1000 \
    --epochs 200 --seed 1 --quiet --save rolled-back.bin
check "a run diverging later saves the model it was rolled back to and says so" eval \
    '[ "$rc" -eq 1 ] && grep -q "^descent: training diverged: epoch 9, batch 1 of 1: " err.txt &&
     ! grep -q "epoch 9 of 200" err.txt &&
     grep -q "^the model as it was at the end of epoch 3 is saved to .rolled-back.bin.$" err.txt && [ -s rolled-back.bin ]'
run info --model rolled-back.bin
check "the saved rolled-back model loads" exits 0

# -------------------------------------------------------------- resume

# N epochs, then M more resumed from the file, give the model N + M epochs give, to the byte (weights,
# optimizer moments and step count, shuffle stream), and the same scores.
run train --data "$DATA/iris.csv" --target species --layers 8 --epochs 10 --quiet --save-optimizer --save ten.bin
cp out.txt ten.txt
run train --data "$DATA/iris.csv" --target species --layers 8 --epochs 6 --quiet --save-optimizer --save six.bin
run train --data "$DATA/iris.csv" --resume six.bin --epochs 4 --quiet --save resumed.bin
check "train 6 epochs + --resume 4 gives the model 10 epochs give, byte for byte" eval '[ "$rc" -eq 0 ] &&
    cmp -s ten.bin resumed.bin && cmp -s ten.txt out.txt'
run train --data "$DATA/iris.csv" --target species --layers 8 --epochs 12 --quiet --save-optimizer --save twelve.bin
run train --data extra.csv --resume resumed.bin --epochs 2 --quiet --save again.bin
check "a resumed model resumes again (from a file with other columns too)" eval '[ "$rc" -eq 0 ] &&
    cmp -s twelve.bin again.bin'
run train --data "$DATA/diabetes.csv" --layers 8 --optimizer rmsprop --momentum 0.5 --batch 16 --epochs 5 --seed 5 \
    --val-split 0.2 --quiet --save-optimizer --save rms5.bin
run train --data "$DATA/diabetes.csv" --layers 8 --optimizer rmsprop --momentum 0.5 --batch 16 --epochs 3 --seed 5 \
    --val-split 0.2 --quiet --save-optimizer --save rms3.bin
run train --data "$DATA/diabetes.csv" --resume rms3.bin --batch 16 --epochs 2 --val-split 0.2 --quiet --save rms32.bin
check "a regression with rmsprop, a seed and a validation split resumes to the same bytes" eval '[ "$rc" -eq 0 ] &&
    cmp -s rms5.bin rms32.bin'
run train --data "$DATA/iris.csv" --resume six.bin --layers 4
check "train --resume refuses a flag that would change the model" error_msg 2 "--layers" "--resume"
run train --data "$DATA/iris.csv" --resume m.bin --epochs 2
check "train --resume of a model saved without its optimizer state exits 1 saying so" error_msg 1 "m.bin" \
    "no optimizer state" "--save-optimizer"
run train --data "$DATA/iris.csv" --resume missing.bin
check "train --resume of a missing file exits 1 naming it" error_msg 1 "missing.bin"

# ------------------------------------------------------------------ tune

run tune --help
check "tune --help lists its flags" eval '[ "$rc" -eq 0 ] && mentions out.txt --grid --random --range --folds --metric \
    --test-split --out --save "2..20" "lr=" layers'
run --help
check "--help lists tune" mentions out.txt tune "search hyper-parameters"

run generate --set line --n 200 --seed 3 --out tune_line.csv
# A learning rate that barely moves, one that fits, one that diverges: 0.1 must win.
run tune --data tune_line.csv --layers none --optimizer sgd --batch 16 --epochs 20 --metric r2 \
    --grid lr=0.00001,0.1,1000 --quiet --out tune.csv
check "tune ranks three learning rates, the diverging one last" eval '[ "$rc" -eq 0 ] &&
    grep -q "^3 configurations (grid search: lr 3), 5-fold cross-validation on 160 rows, r2" out.txt &&
    grep -q "^   1  0.1  " out.txt && grep -q "^   3  1000  *diverged (5/5)" out.txt &&
    grep -q "^best: lr=0.1: r2 0.9" out.txt && grep -q "^test: 40 rows" out.txt'
check "tune --out writes a ranked CSV" eval '[ "$(lines tune.csv)" -eq 4 ] &&
    head -n 1 tune.csv | grep -q "^rank,index,learning_rate,batch_size,optimizer,layers,activation,l2,epochs,r2_mean,r2_std,fold_1,fold_2,fold_3,fold_4,fold_5,diverged,time_ms$" &&
    sed -n 2p tune.csv | grep -q "^1,1,0.1,16,sgd,none,"'
check "tune --quiet prints no progress" eval '[ ! -s err.txt ]'

run tune --data "$DATA/iris.csv" --grid lr=0.01,0.1 --grid layers=none,4x4 --folds 3 --epochs 5 --seed 9 \
    --out tune.json
check "tune prints a line per configuration to a pipe" eval '[ "$rc" -eq 0 ] &&
    [ "$(grep -c "^configuration [1-4]/4: lr=" err.txt)" -eq 4 ]'
check "tune --out .json has every configuration" eval 'grep -q "\"metric\": \"accuracy\"" tune.json &&
    [ "$(grep -c "\"rank\": " tune.json)" -eq 4 ] && grep -q "\"test\": {" tune.json'
# Times differ from run to run: the table's last column and the retraining's.
untimed() { sed -e 's/ *[0-9.]* s$//' -e 's/ ([0-9.]* s)$//' "$1"; }
untimed out.txt >first.txt
run tune --data "$DATA/iris.csv" --grid lr=0.01,0.1 --grid layers=none,4x4 --folds 3 --epochs 5 --seed 9 --quiet
untimed out.txt >second.txt
check "tune is deterministic for a seed (all but the times)" cmp -s first.txt second.txt

run tune --data "$DATA/iris.csv" --random 6 --range lr=1e-3:1e-1 --range epochs=2:6 --grid optimizer=sgd,adam \
    --folds 3 --test-split 0 --quiet
check "tune --random draws the configurations asked for" eval '[ "$rc" -eq 0 ] &&
    grep -q "^6 configurations (random search" out.txt && grep -q "^   6  " out.txt && ! grep -q "^test:" out.txt'

run tune --data "$DATA/iris.csv" --grid lr=0.1,abc
check "a bad --grid value exits 2 naming it and what is allowed" error_msg 2 "--grid lr=0.1,abc" "'abc'" "> 0"
run tune --data "$DATA/iris.csv" --grid momentum=0.9
check "an unknown --grid parameter lists the known ones" error_msg 2 "unknown parameter 'momentum'" "lr, batch"
run tune --data "$DATA/iris.csv" --grid lr
check "--grid without values shows the syntax" error_msg 2 "--grid must be NAME=V1,V2,..."
run tune --data "$DATA/iris.csv" --grid lr=0.1 --lr 0.01
check "a parameter both searched and fixed exits 2" error_msg 2 "--grid lr=0.1 and --lr"
run tune --data "$DATA/iris.csv" --range lr=1e-3:1e-1
check "--range without --random exits 2" error_msg 2 "--random N"
run tune --data "$DATA/iris.csv" --folds 21
check "--folds 21 exits 2 naming the range" error_msg 2 "--folds" "2..20"
run tune --data "$DATA/iris.csv" --metric r2
check "a regression metric on classes exits 2" error_msg 2 "'r2'" "accuracy"
run tune --data "$DATA/iris.csv" --out results.txt
check "--out of another kind exits 2" error_msg 2 "--out" ".csv or .json"

# ------------------------------------------------- names from files, escaped

# Class and column names holding terminal escape sequences (a colour, a
# window title ended by BEL) must reach the terminal as text, never raw.
ESC=$(printf '\033')
BEL=$(printf '\007')
raw_free() {
    for f in "$@"; do
        if grep -q -e "$ESC" -e "$BEL" "$f"; then return 1; fi
    done
}
awk 'BEGIN {
    printf "f\033[1mone,two,cls\n"
    for (i = 0; i < 40; i++) printf "%d,%d,%s\n", i % 7, i % 3, (i % 2 ? "\033[31mred" : "\033]0;pwned\007blue")
}' >esc.csv
run train --data esc.csv --layers 4 --epochs 2 --quiet --save esc.bin
check "train shows class names with escapes as text" eval '[ "$rc" -eq 0 ] && raw_free out.txt err.txt &&
    mentions out.txt "\x1b[31mred" "\x1b]0;pwned\x07blue"'
run info --model esc.bin
check "info shows feature and class names with escapes as text" eval '[ "$rc" -eq 0 ] && raw_free out.txt &&
    mentions out.txt "f\x1b[1mone" "\x1b[31mred"'
run predict --model esc.bin --data esc.csv
check "predict writes class names with escapes as text" eval '[ "$rc" -eq 0 ] && raw_free out.txt &&
    mentions out.txt "p_\x1b[31mred" && [ "$(lines out.txt)" -eq 41 ]'
run evaluate --model esc.bin --data esc.csv
check "evaluate shows class names with escapes as text" eval '[ "$rc" -eq 0 ] && raw_free out.txt &&
    mentions out.txt "\x1b[31mred"'
sed "s/red/green/" esc.csv >esc2.csv
run evaluate --model esc.bin --data esc2.csv
check "an unknown class in a message is escaped" eval 'error_msg 1 "[31mgreen" "\x1b[31mred" && raw_free err.txt'
printf 'two,other\n1,2\n' >esc3.csv
run predict --model esc.bin --data esc3.csv
check "a missing column in a message is shown safely" eval 'error_msg 1 "f?[1mone" "feature 1 of 2" && raw_free err.txt'

# ------------------------------------------------- export and import (TF.js)

# The TF.js checks (the export loaded in TF.js, fromTfjs) are in
# tests/js/interop.test.mjs; here the files, the round trip and the messages.
run train --data "$DATA/iris.csv" --target species --layers 6:leaky_relu --epochs 15 --quiet --save ex.bin
run export --format tfjs --model ex.bin --out exdir
check "export writes model.json and weights.bin" eval '[ "$rc" -eq 0 ] && [ -s exdir/model.json ] &&
    [ "$(wc -c <exdir/weights.bin | tr -d " ")" -eq $(((4 * 6 + 6 + 6 * 3 + 3) * 4)) ] &&
    mentions exdir/model.json "\"format\":\"layers-model\"" "\"class_name\":\"LeakyReLU\"" \
        "\"batch_input_shape\":[null,4]" "\"inputScaler\":{\"mean\":[" "\"classNames\":[\"setosa\""'
run import --from exdir/model.json --out back.bin
check "import reads the export back" eval '[ "$rc" -eq 0 ] && mentions out.txt back.bin'
"$BIN" predict --model ex.bin --data "$DATA/iris.csv" --out p1.csv
"$BIN" predict --model back.bin --data "$DATA/iris.csv" --out p2.csv
check "the imported model predicts what the exported one does (1e-5)" eval 'paste -d, p1.csv p2.csv | awk -F, "
    NR > 1 { for (i = 2; i <= 4; i++) { d = \$i - \$(i + 4); if (d < 0) d = -d; if (d > 1e-5 || \$1 != \$5) bad = 1 } }
    END { exit bad || NR != 151 }"'
run info --model back.bin
check "the imported model has the scaler, names and leaky slope back" eval '[ "$rc" -eq 0 ] &&
    mentions out.txt "input mean: 5.8" "setosa, versicolor, virginica" "leaky_relu (alpha 0.2)" sepal_length_cm'
# A layer without a bias that got one only to hold a scaler (addedBias) comes back without it.
run train --data "$DATA/diabetes.csv" --no-bias --epochs 3 --quiet --save nobias.bin
"$BIN" export --format tfjs --model nobias.bin --out nobiasdir >/dev/null
run import --from nobiasdir/model.json --out nobias2.bin
"$BIN" info --model nobias.bin >info1.txt
"$BIN" info --model nobias2.bin >info2.txt
"$BIN" evaluate --model nobias.bin --data "$DATA/diabetes.csv" >ev1.txt
"$BIN" evaluate --model nobias2.bin --data "$DATA/diabetes.csv" >ev2.txt
check "a --no-bias model round-trips with its parameters and scores" eval 'grep -q "\"addedBias\":\[0,2\]" nobiasdir/model.json &&
    grep "^parameters" info1.txt >p1.txt && grep "^parameters" info2.txt >p2.txt && cmp -s p1.txt p2.txt && cmp -s ev1.txt ev2.txt'
# Names holding control bytes, quotes and non-ASCII text go through JSON and come back as they were.
awk 'BEGIN {
    printf "\"q\"\"uo\\te\",caf\303\251,cls\n"
    for (i = 0; i < 30; i++) printf "%d,%d,%s\n", i % 5, i % 3, (i % 2 ? "\033[31mred" : "\316\261")
}' >names.csv
"$BIN" train --data names.csv --layers 3 --epochs 2 --quiet --save names.bin >/dev/null 2>&1
"$BIN" export --format tfjs --model names.bin --out namesdir >/dev/null 2>&1
run import --from namesdir/model.json --out names2.bin
QUOTED='"q\"uo\\te"'
ESCAPED='"\u001b[31mred"'
check "names with escapes, quotes and UTF-8 survive export and import" eval '[ "$rc" -eq 0 ] &&
    [ "$("$BIN" info --model names.bin | sed 1d)" = "$("$BIN" info --model names2.bin | sed 1d)" ] &&
    mentions namesdir/model.json "$QUOTED" "$ESCAPED"'
run export --format onnx --model ex.bin --out exdir
check "export of another format exits 2" error_msg 2 "--format must be tfjs" "'onnx'"
run export --format tfjs --model missing.bin --out exdir
check "export of a missing model exits 1 naming it" error_msg 1 "missing.bin"
run help export
check "help export lists its flags" eval '[ "$rc" -eq 0 ] && mentions out.txt --format --model --out tfjs'
mkdir -p bad
printf '{"format": "layers-model",\n  "modelTopology": {"class_name": "Sequential", "config": {"layers": [}}\n' \
    >bad/model.json
run import --from bad/model.json --out x.bin
check "import of bad JSON names file:line:column" error_msg 1 "bad/model.json:2:71: expected a value"
printf '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [\n %s,\n %s]}},\n %s}\n' \
    '{"class_name": "Dense", "config": {"units": 2, "batch_input_shape": [null, 3]}}' \
    '{"class_name": "Conv2D", "config": {"name": "conv"}}' '"weightsManifest": []' >bad/model.json
run import --from bad/model.json --out x.bin
check "import refuses a layer by class, index and place" error_msg 1 "bad/model.json:3:2: layer 1 (Conv2D \"conv\")"
printf '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [%s]}},\n %s}\n' \
    '{"class_name": "Dense", "config": {"units": 2, "batch_input_shape": [null, 3]}}' \
    '"weightsManifest": [{"paths": ["w.bin"], "weights": [{"name": "k", "shape": [3, 4294967296], "dtype": "float32"}]}]' \
    >bad/model.json
printf 'abcd' >bad/w.bin
run import --from bad/model.json --out x.bin
check "import refuses a weight shape past the limits" error_msg 1 "bad/model.json:2:" "a dimension must be an integer"
printf '{"modelTopology": {"class_name": "Sequential", "config": {"layers": [%s]}},\n %s}\n' \
    '{"class_name": "Dense", "config": {"units": 2, "batch_input_shape": [null, 3]}}' \
    '"weightsManifest": [{"paths": ["../w.bin"], "weights": []}]' >bad/model.json
run import --from bad/model.json --out x.bin
check "import refuses a weight file outside model.json's folder" error_msg 1 "without '..'"

# A column kept under an output column's name would make two columns of one name.
printf 'predicted,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\nx,5.1,3.5,1.4,0.2\n' >kept.csv
run predict --model m.bin --data kept.csv --keep predicted
check "predict --keep of an output column's name is refused" error_msg 2 "--keep 'predicted' is also the name of a column"

# Output files are written whole or not at all, and checked before the work.
run train --data "$DATA/iris.csv" --epochs 2 --quiet --save-optimizer --save keep.bin
run export --format tfjs --model keep.bin --out kept
cp kept/model.json kept.json
printf 'a,b,y\n1,2,x\377\n3,4,y\n5,6,y\n7,8,x\377\n' >latin1.csv
run train --data latin1.csv --epochs 1 --quiet --test-split 0 --save latin1.bin
run export --format tfjs --model latin1.bin --out kept
export_kept() { error_msg 1 "not UTF-8" && cmp -s kept/model.json kept.json && [ "$(ls kept | wc -l)" -eq 2 ]; }
check "a failed export leaves the folder's earlier export as it was, and no temporary file" export_kept
run train --data "$DATA/iris.csv" --epochs 30 --save nofolder/m.bin
before_work() { error_msg 1 "cannot write 'nofolder/m.bin'" && [ ! -s out.txt ]; }
check "--save into a folder that is not there fails before training" before_work
cp "$DATA/iris.csv" mine.csv
run predict --model keep.bin --data mine.csv --out mine.csv
data_kept() { error_msg 2 "--out 'mine.csv' is the file 'mine.csv' the command reads" && cmp -s mine.csv "$DATA/iris.csv"; }
check "predict --out the --data file is refused, the data kept" data_kept
run train --data mine.csv --epochs 1 --save mine.csv
check "train --save the --data file is refused" error_msg 2 "--save 'mine.csv' is the file"
run train --data "$DATA/iris.csv" --epochs 1 --quiet --resume keep.bin --save keep.bin
check "a resumed model may be saved over itself" exits 0
if [ -w /dev/full ]; then
    "$BIN" train --data "$DATA/iris.csv" --epochs 1 --quiet >/dev/full 2>err.txt
    rc=$?
    check "a report that cannot be written to standard output exits 1" error_msg 1 "cannot write to standard output"
fi
run tune --data "$DATA/diabetes.csv" --grid lr=1e10 --optimizer sgd --epochs 3 --folds 2 --quiet --save none.bin
no_model() { error_msg 1 "no model saved to 'none.bin': every configuration diverged" && [ ! -e none.bin ]; }
check "tune --save when every configuration diverged exits 1 and says no model was saved" no_model
# evaluate --json is JSON whatever the names hold: bytes that are not UTF-8 written as the text report writes them.
run evaluate --model latin1.bin --data latin1.csv --json
json_escaped() { [ "$rc" -eq 0 ] && grep -qF '"classes": ["x\\xff", "y"]' out.txt && ! LC_ALL=C grep -q "$(printf '\377')" out.txt; }
check "evaluate --json escapes a class name that is not UTF-8 (\\xNN), as the report does" json_escaped

# A file that is not a model is refused from its header, not read whole first.
if [ -r /dev/zero ]; then
    # (a timeout, not a ulimit: the sanitizer builds reserve terabytes of address space)
    timeout 10 "$BIN" info --model /dev/zero >out.txt 2>err.txt
    rc=$?
    check "info --model /dev/zero is refused from its header (not read whole)" error_msg 1 "not a descent model file"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
