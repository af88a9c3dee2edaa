#!/usr/bin/env bash
# Makes the README's pictures from a real run: docs/dashboard.png (a screenshot taken in a real
# terminal, tmux, mid-run) and docs/demo.cast (an asciicast of the slow-consumer story).
# Needs tmux and rsvg-convert (Debian: apt install tmux librsvg2-bin fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
socket="pipeline-tui-shot-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT
tmux -L "$socket" new-session -d -x 104 -y 30 \
  "env TERM=xterm-256color FORCE_COLOR=1 node dist/cli/main.js -p 3 -c 2 -q 32 -n 100000 --consume-ms 6; sleep 30"
sleep 6
tmux -L "$socket" capture-pane -p -e | npx tsx scripts/ansi-to-svg.ts > docs/dashboard.svg
tmux -L "$socket" send-keys q
rsvg-convert docs/dashboard.svg -o docs/dashboard.png
rm docs/dashboard.svg
node dist/cli/main.js demo slow-consumer --record docs/demo.cast --json > /dev/null
echo "wrote docs/dashboard.png and docs/demo.cast"
