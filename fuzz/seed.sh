#!/usr/bin/env bash
# Build the seed corpora from the repository: every policy, fixture and stdlib
# module for `parse` and `check`; for `eval`, every example applicant and a few
# generated applicants of every policy, each prefixed with the byte that
# selects its policy (policies in sorted path order, as the target loads them).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in parse check eval; do mkdir -p "fuzz/corpus/$t"; done
i=0
for f in $(find policies tests/fixtures stdlib -name '*.pol' | sort); do
  cp "$f" "fuzz/corpus/parse/seed-$i.pol"; cp "$f" "fuzz/corpus/check/seed-$i.pol"; i=$((i+1))
done
cargo build --release --quiet
k=0
for f in $(find policies -name '*.pol' | sort); do
  byte=$(printf '\\%03o' "$k")
  n=0
  target/release/polc cohort "$f" --count 4 --seed 1 | while IFS= read -r line; do
    { printf "$byte"; printf '%s' "$line"; } > "fuzz/corpus/eval/seed-$k-$n.json"; n=$((n+1))
  done
  k=$((k+1))
done
echo "seeds: parse/check $i files, eval $(ls fuzz/corpus/eval | wc -l) files"
