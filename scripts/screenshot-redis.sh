# Sourced by the screenshot scripts that need a broker: builds the package, starts a throwaway
# redis-server (password demo-pw) on a free loopback port, and names a tmux socket of its own.
# Sets: port, dir, socket (prefixed by $1), url. `cleanup_pids` lists processes to stop at exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build --silent
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dir=$(mktemp -d)
socket="$1-$$"
url="redis://:demo-pw@127.0.0.1:$port"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --requirepass demo-pw \
  --daemonize no --logfile "$dir/log" &
cleanup_pids=($!)
trap 'kill "${cleanup_pids[@]}" 2>/dev/null || true; tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$dir"' EXIT
sleep 1
