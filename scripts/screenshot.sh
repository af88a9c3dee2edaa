#!/usr/bin/env bash
# Makes the README's pictures from a real run: docs/dashboard.png (a screenshot taken in a real
# terminal, tmux, mid-run, of a multi-stage run), docs/demo.cast (an asciicast of the
# slow-consumer story) and docs/autoscale.cast (a run with --autoscale).
# Needs tmux and rsvg-convert (Debian: apt install tmux librsvg2-bin fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
socket="pipeline-tui-shot-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT
# A chain of two stages and a pool: every panel of the dashboard has something to show.
tmux -L "$socket" new-session -d -x 104 -y 34 \
  "env TERM=xterm-256color FORCE_COLOR=1 node dist/cli/main.js -p 3 -c 3 --pool 2 -q 32 -n 100000 \
    --produce-ms 1 --consume-ms 4 --stage examples/stages/keep-odd.mjs=2 --stage examples/stages/square.mjs=1; sleep 30"
# Mid-run: once a bottleneck is named (a busy machine starts the workers slowly), at most a minute.
for _ in $(seq 120); do
  tmux -L "$socket" capture-pane -p | grep -q '^Bottleneck [^n]' && break
  sleep 0.5
done
sleep 2
tmux -L "$socket" capture-pane -p -e | npx tsx scripts/ansi-to-svg.ts > docs/dashboard.svg
tmux -L "$socket" send-keys q
rsvg-convert docs/dashboard.svg -o docs/dashboard.png
rm docs/dashboard.svg
node dist/cli/main.js demo slow-consumer --record docs/demo.cast --json > /dev/null
# An autoscaling run: one producer at 2 ms an item, consumers at 8 ms, grown while it pays.
node dist/cli/main.js -p 1 -c 1 --produce-ms 2 --consume-ms 8 --jitter 0 --duration 45s --autoscale \
  --record docs/autoscale.cast --json > /dev/null
echo "wrote docs/dashboard.png, docs/demo.cast and docs/autoscale.cast"
