#!/usr/bin/env python3
"""CPU used each second by the benchmark's processes, from /proc (docs/benchmarks.md, "What bounds P1 and P2").

usage: ops/cpu-by-process.py > cpu.log   (while ops/bench.sh runs; stop it with Ctrl-C)

Every second it prints the clock ticks (1/100 s each; 100 = one core busy) used since the previous
line by the service (a process whose command line names AssetLedger.Api.dll), the benchmark
(AssetLedger.Benchmarks.dll), all PostgreSQL processes together, and the whole machine (idle,
total). A process that exits between two lines makes that line's difference meaningless
(negative). Divide a column by the rate of the timed window running at that second to get the CPU
cost of one operation.
"""
import os
import time


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
        elif cmd.startswith(b"postgres"):
            ticks["pg"] += used
    with open("/proc/stat") as f:
        cpu = f.readline().split()
    ticks["idle"] = int(cpu[4])
    ticks["total"] = sum(int(x) for x in cpu[1:8])
    return ticks


def main():
    before = snapshot()
    while True:
        time.sleep(1)
        now = snapshot()
        print(time.strftime("%H:%M:%S"), " ".join(f"{k}={now[k] - before[k]}" for k in now), flush=True)
        before = now


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
