"""Runs a command in a pseudo-terminal and answers its prompts.

Usage: python3 pty-driver.py '<json>' where json = {"argv": [...], "env": {...}, "steps": [[regex, text], ...],
"timeout": seconds}. Each step waits until `regex` appears in the output (ANSI codes removed) after the
previous match, then types `text` (escape sequences like "\r" or "\u001b[B" are passed as is).
Prints {"code": exit code, "output": all output, "error": text or null} as JSON.
"""
import fcntl
import json
import os
import pty
import re
import select
import struct
import sys
import termios
import time

spec = json.loads(sys.argv[1])
timeout = spec.get("timeout", 20)
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]")

pid, fd = pty.fork()
if pid != 0:
    # A terminal of a known size (a fresh pty has 0 columns): COLUMNS x 30.
    cols = int(spec.get("env", {}).get("COLUMNS", "100"))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, cols, 0, 0))
if pid == 0:
    env = dict(spec.get("env", {}))
    os.execvpe(spec["argv"][0], spec["argv"], env)

raw = b""
seen = 0
error = None


def read_some(wait):
    global raw
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return False
    if not chunk:
        return False
    raw += chunk
    return True


def clean():
    return ANSI.sub("", raw.decode("utf-8", "replace"))


alive = True
for pattern, text in spec.get("steps", []):
    deadline = time.time() + timeout
    regex = re.compile(pattern)
    while True:
        match = regex.search(clean(), seen)
        if match:
            seen = match.end()
            break
        if not alive or time.time() > deadline:
            error = "timed out waiting for %r" % pattern
            break
        alive = read_some(0.1)
    if error:
        break
    time.sleep(0.15)
    os.write(fd, text.encode("utf-8"))

deadline = time.time() + timeout
status = None
while time.time() < deadline:
    if alive:
        alive = read_some(0.2)
    else:
        time.sleep(0.05)
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        while alive and select.select([fd], [], [], 0.05)[0]:
            alive = read_some(0)
        break

if status is None:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
    _, status = os.waitpid(pid, 0)
    error = error or "timed out waiting for the command to end"

code = os.waitstatus_to_exitcode(status)
print(json.dumps({"code": code, "output": clean(), "error": error}))
