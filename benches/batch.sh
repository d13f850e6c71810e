#!/usr/bin/env bash
# Whole-process figures for docs/performance.md: batch throughput (both cores
# and one), the hand-written baseline, peak memory, cold `polc run` and
# `polc check policies/`. Needs hyperfine and GNU time (Debian: hyperfine, time).
# Usage: benches/batch.sh [COUNT]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
DIR=${BENCH_DIR:-/tmp/polc-bench}
POLICY=policies/000-zhizao-2026/1-01-equipment-renewal.pol
mkdir -p "$DIR"
cargo build --release --quiet
cargo build --release --quiet --bench baseline
BASELINE=$(ls -t target/release/deps/baseline-* | grep -v '\.d$' | head -1)
POLC=target/release/polc

echo "== machine"; nproc; grep -m1 'model name' /proc/cpuinfo || true
echo "== cohort: $COUNT applicants of 附件1-1 (seed 42)"
$POLC cohort $POLICY --count "$COUNT" --seed 42 --missing 5 -o "$DIR/in.jsonl"
ls -l "$DIR/in.jsonl"

echo "== batch, both cores"
/usr/bin/time -f "wall %e s, peak RSS %M KB" $POLC run $POLICY --batch "$DIR/in.jsonl" -o "$DIR/polc.jsonl" 2>&1 | tail -2 || true
echo "== batch, one thread"
RAYON_NUM_THREADS=1 /usr/bin/time -f "wall %e s, peak RSS %M KB" $POLC run $POLICY --batch "$DIR/in.jsonl" -o "$DIR/polc1.jsonl" 2>&1 | tail -2 || true
echo "== hand-written baseline, one thread"
BASELINE_INPUT="$DIR/in.jsonl" BASELINE_OUTPUT="$DIR/base.jsonl" /usr/bin/time -f "wall %e s, peak RSS %M KB" "$BASELINE"
cmp "$DIR/base.jsonl" "$DIR/polc1.jsonl" && echo "baseline and polc results: identical"
cmp "$DIR/polc.jsonl" "$DIR/polc1.jsonl" && echo "one thread and both cores: identical"

echo "== peak memory does not grow with the file: a tenth of the cohort"
head -n $((COUNT / 10)) "$DIR/in.jsonl" > "$DIR/tenth.jsonl"
/usr/bin/time -f "wall %e s, peak RSS %M KB" $POLC run $POLICY --batch "$DIR/tenth.jsonl" -o "$DIR/tenth.out.jsonl" 2>&1 | tail -2 || true

echo "== diff over the whole cohort: 五（一）'s cap 1000万元 → 1500万元"
sed 's/cap 1000万元 "单项补助上限" @"五（一）"/cap 1500万元 "单项补助上限" @"五（一）"/' $POLICY > "$DIR/cap1500.pol"
/usr/bin/time -f "wall %e s, peak RSS %M KB" $POLC diff $POLICY "$DIR/cap1500.pol" --batch "$DIR/in.jsonl" --format json -o "$DIR/diff.json" 2>&1 | tail -1 || true

echo "== cold processes"
hyperfine -N --warmup 5 --runs 50 \
  "$POLC run $POLICY --input examples/equipment-renewal-applicant.json" \
  "$POLC run policies/000-zhizao-2026/1-04-industrial-design.pol --input examples/industrial-design-applicant.json" \
  "$POLC check policies" \
  "$POLC match examples/profiles/shenyang-equipment-maker.json --on 2026-06-30"
