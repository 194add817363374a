"""Run by tests/test_kernel_fork.py in a new interpreter: as a batch run does, start the report's
kernel through a batch's kernel server (fupan.report.kernelserver) — this process has imported none
of the kernel's modules — ask the kernel about itself, interrupt it, stop it; then check that a
run killed takes its kernel with it, and that the server's end takes any kernel left. Prints one
``REPORT`` line."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from jupyter_core.utils import run_sync

from fupan.batch import kernel_server
from fupan.report.kernel import FORK_NEEDS, shutdown, start_kernel


def ppid(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def gone(pid: int, within: float = 10.0) -> bool:
    """Whether process ``pid`` has ended (and been reaped) within ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        if not Path(f"/proc/{pid}").exists():
            return True
        time.sleep(0.05)
    return False


#: a run's process: starts its kernel through the server, says the kernel's pid, then waits
RUN = """
import sys, time
from pathlib import Path
from fupan.report.kernel import start_kernel
km = start_kernel(Path(sys.argv[1]))
print(km.provisioner.process.pid, flush=True)
time.sleep(120)
"""

report: dict = {"imported_before": [m for m in FORK_NEEDS if m in sys.modules]}
os.environ["FUPAN_FORK_TEST_MARK"] = "given"
keep_r, keep_w = os.pipe()  # a file of this process's the kernel must not hold
folder = Path(sys.argv[1])
with kernel_server(True):
    km = start_kernel(folder)
    kpid = km.provisioner.process.pid
    server = ppid(kpid)
    report.update(
        {
            "process": type(km.provisioner.process).__name__,
            "me": os.getpid(),
            "server": server,
            "server_cmd": Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0"),
            "my_stdout": os.readlink("/proc/self/fd/1"),
            "kernel_pid": kpid,
            "pipe_fd": keep_w,
            "kernel_modules_here": [m for m in FORK_NEEDS if m in sys.modules],
        }
    )
    kc = km.blocking_client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    code = """
import os, sys, json
import matplotlib.pyplot as plt
from IPython.display import display
fig, ax = plt.subplots()
ax.plot([1, 2, 3])
display(fig)
held = os.readlink(f"/proc/self/fd/{PIPE}") if os.path.exists(f"/proc/self/fd/{PIPE}") else None
print(json.dumps({"cwd": os.getcwd(), "mark": os.environ.get("FUPAN_FORK_TEST_MARK"),
  "parent_env": os.environ.get("JPY_PARENT_PID"), "sid_is_pid": os.getsid(0) == os.getpid(),
  "stdin": os.readlink("/proc/self/fd/0"), "stdout": os.readlink(f"/proc/self/fd/{getattr(sys.stdout, '_original_stdstream_copy', 1)}"),
  "held": held, "path0": sys.path[0], "backend": plt.get_backend(),
  "names": sorted(n for n in ("fupan", "render", "charts") if n in dir())}))
""".replace("PIPE", str(keep_w))
    outputs = []
    reply = kc.execute_interactive(code, output_hook=outputs.append, timeout=60)
    report["count"] = reply["content"]["execution_count"]
    report["status"] = reply["content"]["status"]
    report["mimes"] = sorted(
        {m for o in outputs if o["msg_type"] == "display_data" for m in o["content"]["data"]}
    )
    report["inside"] = json.loads(
        "".join(o["content"]["text"] for o in outputs if o["msg_type"] == "stream")
    )
    # an interrupt stops a long cell (signals go to the kernel's own process group)
    kc.execute("import time; time.sleep(60)")
    time.sleep(1)
    t0 = time.monotonic()
    run_sync(km.interrupt_kernel)()
    while True:
        msg = kc.get_shell_msg(timeout=30)
        if msg["msg_type"] == "execute_reply":
            break
    report["interrupted"] = [msg["content"]["status"], msg["content"].get("ename")]
    report["interrupt_seconds"] = time.monotonic() - t0
    kc.stop_channels()
    shutdown(km)
    report["gone_after_shutdown"] = gone(kpid, 0.5)

    # a run killed outright (no shutdown of its kernel): its kernel ends with it
    run = subprocess.Popen(
        [sys.executable, "-c", RUN, str(folder)], stdout=subprocess.PIPE, text=True
    )
    orphan = int(run.stdout.readline())
    report["orphan_started"] = not gone(orphan, 0.5)
    run.send_signal(signal.SIGKILL)
    run.wait()
    report["orphan_gone"] = gone(orphan)

    # a kernel still running when the batch is done: the server's end takes it
    left = start_kernel(folder)
    left_pid = left.provisioner.process.pid
    report["left_started"] = not gone(left_pid, 0.5)
report["left_gone"] = gone(left_pid)
report["server_gone"] = gone(server)
report["socket_named_after"] = os.environ.get("FUPAN_KERNEL_SERVER")
print("REPORT " + json.dumps(report, default=lambda b: b.decode()))
