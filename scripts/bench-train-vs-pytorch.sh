#!/usr/bin/env bash
# Training speed of `whittle bench train` next to the PyTorch reference (scripts/bench-pytorch.py), per input shape.
#
# For each shape (the shipped 98x20 front end, and 49x10) it runs, one after another so they never
# share cores: ours (tfjs) with 1 worker and with 2 workers (threads), PyTorch with 2 threads and with
# 1 thread; then prints samples/s and the ratios ours/PyTorch at equal thread counts. Installs nothing.
#
#   scripts/bench-train-vs-pytorch.sh            # or: npm run bench:train
#   SAMPLES=2048 BACKEND=wasm SHAPES="98x20 49x10" WORKERS="1 2" PYTORCH_THREADS="2 1" scripts/bench-train-vs-pytorch.sh
#   PYTHON=/path/to/python-with-torch scripts/bench-train-vs-pytorch.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian's python3-torch lives in the system python; a pyenv/venv python3 earlier on PATH does not see it.
PYTHON="${PYTHON:-/usr/bin/python3}"
SAMPLES="${SAMPLES:-1024}"
BATCH_SIZE="${BATCH_SIZE:-64}"
BACKEND="${BACKEND:-auto}"
SHAPES="${SHAPES:-98x20 49x10}"
PYTORCH_THREADS="${PYTORCH_THREADS:-2 1}"
WORKERS="${WORKERS:-1 2}"

if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "python3-torch is not installed: apt-get install python3-torch" >&2
  echo "  (checked with $PYTHON; set PYTHON=... to use another interpreter that has torch)" >&2
  exit 1
fi

results="$(mktemp -d "${TMPDIR:-/tmp}/whittle-bench-train-XXXXXX")"
trap 'rm -rf "$results"' EXIT

# PyTorch's 2-thread numbers collapse (OpenMP waits on a descheduled thread) if anything else holds a core.
echo "bench: ${SAMPLES} samples x (1 warm-up + 1 timed) epoch, batch ${BATCH_SIZE}, shapes ${SHAPES}, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for shape in $SHAPES; do
  frames="${shape%x*}"
  bins="${shape#*x}"
  for workers in $WORKERS; do
    node apps/workbench/bin/whittle.mjs bench train --json --quiet --backend "$BACKEND" --workers "$workers" \
      --samples "$SAMPLES" --batch-size "$BATCH_SIZE" --frames "$frames" --bins "$bins" >"$results/${shape}-ours-${workers}.json"
  done
  for threads in $PYTORCH_THREADS; do
    "$PYTHON" scripts/bench-pytorch.py --json --threads "$threads" \
      --samples "$SAMPLES" --batch-size "$BATCH_SIZE" --frames "$frames" --bins "$bins" >"$results/${shape}-pytorch-${threads}.json"
  done
done

# One table, plus every raw result as JSON lines for the record.
node --input-type=module - "$results" "$SHAPES" "$PYTORCH_THREADS" "$WORKERS" <<'EOF'
import { readFileSync } from 'node:fs';
const [dir, shapes, threadList, workerList] = process.argv.slice(2);
const read = (name) => JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8'));
const threads = threadList.split(/\s+/).filter(Boolean);
const workers = workerList.split(/\s+/).filter(Boolean);
// Ratios compare equal thread counts: ours with w workers against PyTorch with w threads.
const pairs = workers.filter((w) => threads.includes(w));
const head = ['shape', ...workers.map((w) => `ours ${w}w`), ...threads.map((t) => `pytorch ${t}t`), ...pairs.map((w) => `ours ${w}w / pytorch ${w}t`)];
const rows = [];
const raw = [];
for (const shape of shapes.split(/\s+/).filter(Boolean)) {
  const ours = Object.fromEntries(workers.map((w) => [w, read(`${shape}-ours-${w}`)]));
  const torch = Object.fromEntries(threads.map((t) => [t, read(`${shape}-pytorch-${t}`)]));
  raw.push(...Object.values(ours), ...Object.values(torch));
  rows.push([
    `[${shape.replace('x', ', ')}]`,
    ...workers.map((w) => `${ours[w].samplesPerSecond.toFixed(1)} (${ours[w].backend})`),
    ...threads.map((t) => torch[t].samplesPerSecond.toFixed(1)),
    ...pairs.map((w) => (ours[w].samplesPerSecond / torch[w].samplesPerSecond).toFixed(3)),
  ]);
}
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
console.log('');
for (const r of raw) console.log(JSON.stringify(r));
EOF
