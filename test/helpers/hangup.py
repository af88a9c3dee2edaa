# Runs a command as the session leader of a new pseudo-terminal, waits until its screen shows a
# pattern, then closes the terminal (the pty master) under it, as a dropped ssh session does: the
# kernel sends the session leader SIGHUP and the terminal answers every later call with EIO.
# Prints one JSON line: whether the pattern showed, and how the command ended.
#
#   python3 hangup.py PATTERN STDERR_FILE|- DEADLINE_S COMMAND ARGS...
import json, os, pty, re, select, signal, sys, time

pattern, stderr_file, deadline_s, command = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
pid, master = pty.fork()  # the child runs setsid(): the session leader, with the pty its controlling terminal
if pid == 0:
    if stderr_file != "-":
        os.dup2(os.open(stderr_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
    os.execvp(command[0], command)

screen = b""
deadline = time.monotonic() + deadline_s
while time.monotonic() < deadline and not re.search(pattern.encode(), screen):
    ready, _, _ = select.select([master], [], [], 0.2)
    if ready:
        try:
            screen += os.read(master, 65536)
        except OSError:
            break
shown = re.search(pattern.encode(), screen) is not None
os.close(master)

status = None
while time.monotonic() < deadline:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.05)
else:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    status = None

print(json.dumps({
    "shown": shown,
    "timedOut": status is None,
    "code": os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None,
    "signal": os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None,
    "screen": screen.decode("utf-8", "replace")[-2000:],
}))
