#!/usr/bin/env bash
# Makes docs/watch.png, the picture of `pipeline-tui watch` in docs/broker.md: a real redis-server with
# real traffic (scripts/watch-traffic.mjs), watched in a real terminal (tmux).
# Needs redis-server, tmux and rsvg-convert (Debian: apt install redis-server tmux librsvg2-bin fonts-dejavu-core).
source "$(dirname "$0")/screenshot-redis.sh" pipeline-tui-watch-shot
node scripts/watch-traffic.mjs "$url" &
cleanup_pids+=($!)
sleep 4
tmux -L "$socket" new-session -d -x 104 -y 14 \
  "env TERM=xterm-256color FORCE_COLOR=1 node dist/cli/main.js watch $url --stream orders; sleep 30"
sleep 12
tmux -L "$socket" capture-pane -p -e | npx tsx scripts/ansi-to-svg.ts > docs/watch.svg
rsvg-convert docs/watch.svg -o docs/watch.png
rm docs/watch.svg
echo "wrote docs/watch.png"
