"""Run a command in its own session and end its whole process group when our stdin closes.

Usage: supervise.py <scratch dir> <command…>. The test harness talks to this over a pipe. When the
test process ends for any reason (done, crashed, or killed with SIGKILL) the pipe closes, and the
Prefect server it started goes with it; then the scratch dir (the server's PREFECT_HOME) is removed.
SIGUSR1 kills the server at once and keeps the scratch dir (a simulated crash).
"""

import os
import shutil
import signal
import subprocess
import sys
import threading

scratch = sys.argv[1]
child = subprocess.Popen(sys.argv[2:], start_new_session=True, stdin=subprocess.DEVNULL)


stopping = threading.Event()


def stop(*_args):
    stopping.set()
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(child.pid, sig)
        except ProcessLookupError:
            break
        try:
            child.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            continue
    shutil.rmtree(scratch, ignore_errors=True)
    os._exit(0)


def exit_with_child():
    # The server stopped on its own (e.g. it could not bind its port): report its exit code, and
    # leave the scratch dir, whose log the harness reads to explain the failure before removing it.
    code = child.wait()
    if stopping.is_set():
        return
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os._exit(code if code > 0 else 1)


def crash(*_args):
    # A test simulating a crash: kill the server outright but keep its home, so it can start again
    # on the same database.
    stopping.set()
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()
    os._exit(0)


signal.signal(signal.SIGUSR1, crash)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
threading.Thread(target=exit_with_child, daemon=True).start()
sys.stdin.buffer.read()
stop()
