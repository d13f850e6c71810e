#!/usr/bin/env bash
# Build the seed corpora from the repository: every policy, fixture and stdlib
# module for `parse` and `check`; for `eval`, every example applicant and a few
# generated applicants of every policy, each prefixed with the byte that
# selects its policy (policies in sorted path order, as the target loads them).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in parse check eval match diff; do mkdir -p "fuzz/corpus/$t"; done
i=0
for f in $(find policies tests/fixtures stdlib -name '*.pol' | sort); do
  cp "$f" "fuzz/corpus/parse/seed-$i.pol"; cp "$f" "fuzz/corpus/check/seed-$i.pol"; i=$((i+1))
done
cargo build --release --quiet
k=0
for f in $(find policies -name '*.pol' | sort); do
  byte=$(printf '\\%03o' "$k")
  n=0
  target/release/polc cohort "$f" --count 4 --seed 1 --missing 5 | while IFS= read -r line; do
    { printf "$byte"; printf '%s' "$line"; } > "fuzz/corpus/eval/seed-$k-$n.json"; n=$((n+1))
  done
  k=$((k+1))
done
# match: the sample profiles and every example applicant (read as a profile).
for f in examples/profiles/*.json examples/*-applicant.json; do cp "$f" "fuzz/corpus/match/$(basename "$f")"; done
# diff: each policy paired with its neighbour (old NUL new).
prev=""
for f in $(find policies -name '*.pol' | sort); do
  if [ -n "$prev" ]; then { cat "$prev"; printf '\0'; cat "$f"; } > "fuzz/corpus/diff/$(basename "$f").pair"; fi
  prev="$f"
done
echo "seeds: parse/check $i files, eval $(ls fuzz/corpus/eval | wc -l), match $(ls fuzz/corpus/match | wc -l), diff $(ls fuzz/corpus/diff | wc -l) files"
