"""A tiny run of benchmarks/capture_bench.py so it never rots."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "capture_bench.py"


@pytest.mark.skipif(
    subprocess.run([sys.executable, "-c", "import gunicorn"]).returncode != 0,
    reason="gunicorn is not installed (pip install -e '.[test]')",
)
def test_capture_bench_smoke():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    on = next(line for line in lines if line.startswith("capture on"))
    off = next(line for line in lines if line.startswith("capture off"))
    assert on.split()[2:4] == ["6", "0"]  # 6 ok, 0 failed
    assert off.split()[2:4] == ["6", "0"]
    assert "capture overhead on p50" in result.stdout
