"""One command for the whole semantic tier: backbone export -> heads -> fixtures.

    .venv/bin/python run_all.py            # everything
    .venv/bin/python run_all.py --heads    # keep the committed backbone, retrain heads + fixtures
"""
import sys
import time

import common  # noqa: F401  (offline + thread env before anything else)

t0 = time.time()
if "--heads" not in sys.argv:
    import export_backbone
    export_backbone.main()
    print(f"[run_all] backbone {time.time() - t0:.0f}s", flush=True)
t1 = time.time()
import train_heads  # noqa: E402
sys.argv = [sys.argv[0]]
train_heads.main()
print(f"[run_all] heads {time.time() - t1:.0f}s", flush=True)
import make_fixtures  # noqa: E402
make_fixtures.main()
print(f"[run_all] total {time.time() - t0:.0f}s", flush=True)
