#!/usr/bin/env bash
# Makes docs/watch.png, the picture of `pipeline-tui watch` in docs/broker.md: a real redis-server with
# real traffic (scripts/watch-traffic.mjs), watched in a real terminal (tmux).
# Needs redis-server, tmux and rsvg-convert (Debian: apt install redis-server tmux librsvg2-bin fonts-dejavu-core).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d)
socket="pipeline-tui-watch-shot-$$"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --requirepass demo-pw \
  --daemonize no --logfile "$dir/log" &
redis=$!
trap 'kill $traffic $redis 2>/dev/null || true; tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
sleep 1
node scripts/watch-traffic.mjs "redis://:demo-pw@127.0.0.1:$port" &
traffic=$!
sleep 4
tmux -L "$socket" new-session -d -x 104 -y 14 \
  "env TERM=xterm-256color FORCE_COLOR=1 node dist/cli/main.js watch redis://:demo-pw@127.0.0.1:$port --stream orders; sleep 30"
sleep 12
tmux -L "$socket" capture-pane -p -e | npx tsx scripts/ansi-to-svg.ts > docs/watch.svg
rsvg-convert docs/watch.svg -o docs/watch.png
rm docs/watch.svg
echo "wrote docs/watch.png"
