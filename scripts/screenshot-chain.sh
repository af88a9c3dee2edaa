#!/usr/bin/env bash
# Makes docs/chain-on-streams.png, the picture in docs/broker.md of a chain across machines: a real
# redis-server, the run (producers → keep-odd → square → consumers, each link a stream) in a real
# terminal (tmux), and a `pipeline-tui worker --role stage` process adding square workers, as a
# second machine would.
# Needs redis-server, tmux and rsvg-convert (Debian: apt install redis-server tmux librsvg2-bin fonts-dejavu-core).
source "$(dirname "$0")/screenshot-redis.sh" pipeline-tui-chain-shot
tmux -L "$socket" new-session -d -x 110 -y 30 \
  "env TERM=xterm-256color FORCE_COLOR=1 node dist/cli/main.js --broker $url --stream numbers -n 200000 \
   -p 1 -c 2 --produce-ms 1 --consume-ms 2 --stage examples/stages/keep-odd.mjs=1 --stage examples/stages/square.mjs=1; sleep 30"
sleep 3
# "Machine B": three more square workers for the run, from another process.
node dist/cli/main.js worker --broker "$url" --stream numbers --role stage --stage examples/stages/square.mjs -w 3 \
  >"$dir/worker.log" 2>&1 &
cleanup_pids+=($!)
sleep 10
tmux -L "$socket" capture-pane -p -e | npx tsx scripts/ansi-to-svg.ts > docs/chain-on-streams.svg
rsvg-convert docs/chain-on-streams.svg -o docs/chain-on-streams.png
rm docs/chain-on-streams.svg
echo "wrote docs/chain-on-streams.png"
