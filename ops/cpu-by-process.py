#!/usr/bin/env python3
"""CPU used each second by the benchmark's processes, from /proc (docs/benchmarks.md, "What bounds P1 and P2").

usage: ops/cpu-by-process.py > cpu.log   (while ops/bench.sh runs; stop it with Ctrl-C)

Every second it prints, since the previous line: the seconds elapsed (`s`), then the CPU-seconds
used by the service (a process whose command line names AssetLedger.Api.dll), the benchmark
(AssetLedger.Benchmarks.dll), all PostgreSQL processes together (the postmaster and its children),
and the whole machine (idle, total; total includes steal time). 1.0 = one core busy for a second.
A process that exits between two lines makes that line's difference meaningless (negative).
Divide a column by the operations completed in that interval to get the CPU cost of one operation.
"""
import os
import time

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot():
    ticks = {"svc": 0, "bench": 0, "pg": 0}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the process ended while we looked
        fields = stat.rsplit(")", 1)[1].split()
        used = int(fields[11]) + int(fields[12])  # utime + stime
        # The benchmark's own command line names the service's dll too: test it first.
        if b"AssetLedger.Benchmarks.dll" in cmd:
            ticks["bench"] += used
        elif b"AssetLedger.Api.dll" in cmd:
            ticks["svc"] += used
        elif os.path.basename(cmd.split(b"\0", 1)[0]) == b"postgres" or cmd.startswith(b"postgres:"):
            ticks["pg"] += used
    with open("/proc/stat") as f:
        cpu = f.readline().split()
    ticks["idle"] = int(cpu[4])
    ticks["total"] = sum(int(x) for x in cpu[1:9])  # user nice system idle iowait irq softirq steal
    return ticks


def main():
    before, then = snapshot(), time.monotonic()
    while True:
        time.sleep(1)
        now, at = snapshot(), time.monotonic()
        used = " ".join(f"{k}={(now[k] - before[k]) / TICKS:.2f}" for k in now)
        print(time.strftime("%H:%M:%S"), f"s={at - then:.2f}", used, flush=True)
        before, then = now, at


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
