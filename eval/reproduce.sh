#!/usr/bin/env bash
# Every number in EVAL.md, from scratch. Usage: bash eval/reproduce.sh [OUT_DIR]   (default /tmp/briefsum-eval)
# Needs ../shared/data (or BRIEFSUM_DATA) and Apertium for the translation sets.
set -euo pipefail
OUT=${1:-/tmp/briefsum-eval}
PY=${PYTHON:-python}
E="$PY eval/run.py --quiet"
# OrangeSum valid (French, summaries compared in French)
$E --dataset orangesum-valid --engine offline --jobs 2 --out "$OUT/osv-offline"
$E --dataset orangesum-valid --engine offline --config examples/learned-compression.yaml --jobs 2 --out "$OUT/osv-learned"
$E --dataset orangesum-valid --baseline lead --out "$OUT/osv-lead"
$E --dataset orangesum-valid --baseline random --out "$OUT/osv-random"
$E --dataset orangesum-valid --baseline oracle --out "$OUT/osv-oracle"
$E --dataset orangesum-valid --predictions "$OUT/osv-offline/outputs.jsonl" --stem --out "$OUT/osv-offline-stem"
$E --dataset orangesum-valid --predictions "$OUT/osv-offline/outputs.jsonl" --mode paper --out "$OUT/osv-offline-paper"
$E --dataset orangesum-valid --baseline lead --mode paper --out "$OUT/osv-lead-paper"
$E --dataset orangesum-valid --baseline oracle --mode paper --out "$OUT/osv-oracle-paper"
# LEAD against the engine, with paired tests and the HTML report (reuses the engine run's journal)
mkdir -p "$OUT/osv-compare"
cp "$OUT/osv-offline/journal-engine-offline.jsonl" "$OUT/osv-compare/"
$E --dataset orangesum-valid --baseline lead --engine offline --jobs 2 --resume --out "$OUT/osv-compare"
# The seed article (its standfirst is the brief reference)
$E --dataset seed-astana --engine offline --bootstrap 0 --out "$OUT/seed-offline"
$E --dataset seed-astana --baseline lead --bootstrap 0 --out "$OUT/seed-lead"
# FRANK (English): rouge-score's tokenizer with Porter stemming, as in the literature
for ds in frank-cnndm frank-xsum; do
  $E --dataset $ds --engine offline --mode paper --stem --out "$OUT/$ds-offline"
  $E --dataset $ds --baseline lead --mode paper --stem --out "$OUT/$ds-lead"
  $E --dataset $ds --baseline oracle --mode paper --stem --out "$OUT/$ds-oracle"
done
$E --dataset frank-cnndm --system bart --mode paper --stem --out "$OUT/frank-cnndm-bart"
$E --dataset frank-xsum --system BERTS2S --mode paper --stem --out "$OUT/frank-xsum-berts2s"
$PY research/frank_perl_agreement.py > "$OUT/frank-perl-agreement.txt"
# Translation (Apertium through briefsum.translate)
$E --dataset wmt-newstest2013 --out "$OUT/newstest2013-apertium"
$E --dataset flores-devtest --out "$OUT/flores-apertium"
# Scoring speed
$PY bench/scoring.py --repeats 5 > "$OUT/bench-scoring.txt"
$PY bench/scoring.py --repeats 5 --stress > "$OUT/bench-scoring-stress.txt"
$PY research/oracle_units.py > "$OUT/oracle-units.txt"
