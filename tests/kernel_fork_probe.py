"""Run by tests/test_kernel_fork.py in a new interpreter (pytest's own process has threads and
none of the kernel's modules): import what a batch run has imported, start the report's kernel in
the folder given, ask the kernel about itself, interrupt it, stop it; print one ``REPORT`` line."""

import json
import os
import sys
import time
from pathlib import Path

from jupyter_core.utils import run_sync

from fupan.report.kernel import FORK_NEEDS, shutdown, start_kernel

for name in FORK_NEEDS:
    __import__(name)

os.environ["FUPAN_FORK_TEST_MARK"] = "given"
keep_r, keep_w = os.pipe()  # a file of the parent's the kernel must not hold
folder = Path(sys.argv[1])
km = start_kernel(folder)
kpid = km.provisioner.pid
report = {
    "provisioner": type(km.provisioner).__name__,
    "me": os.getpid(),
    "kernel_ppid": int(Path(f"/proc/{kpid}/stat").read_text().rsplit(")", 1)[1].split()[1]),
    "same_program": Path(f"/proc/{kpid}/cmdline").read_bytes()
    == Path("/proc/self/cmdline").read_bytes(),
    "kernel_pid": kpid,
    "pipe_fd": keep_w,
}
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
  "stdin": os.readlink("/proc/self/fd/0"), "held": held, "path0": sys.path[0],
  "backend": plt.get_backend(), "names": sorted(n for n in ("fupan", "render", "charts") if n in dir())}))
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
report["gone_after_shutdown"] = not Path(f"/proc/{kpid}").exists()
print("REPORT " + json.dumps(report))
