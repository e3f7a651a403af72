# Device experiment: separate rms-run processes of two builds, alternating,
# at 8 and 16 threads, to count stalled processes (GB/s far below the rest).
import os, re, subprocess, sys
sys.path.insert(0, 'bench'); import bench
w = '/tmp/rms/stalls'; os.makedirs(w, exist_ok=True)
runs = {'old': '/tmp/rms/bin/rms-run-old', 'new': '/tmp/rms/bin/rms-run'}
for (r, n, dt) in [(64, 4096, 'f32'), (1000, 1023, 'f32'), (2048, 4096, 'f16')]:
    mlir, name, inputs = bench.prepare_vulkan_norm(w, r, n, dt)
    for t in [8, 16]:
        res = {k: [] for k in runs}
        for rep in range(5):
            for k, exe in runs.items():
                env = dict(os.environ, OMP_NUM_THREADS=str(t))
                out = subprocess.run([exe, mlir, f'--function={name}', '--target=cpu'] +
                                     [f'--input=@{p}' for p in inputs] + ['--benchmark=50'],
                                     capture_output=True, text=True, env=env).stdout
                res[k].append(float(re.search(r'([0-9.]+) GB/s', out).group(1)))
        for k in runs:
            print(f'{r}x{n} {dt} T={t} {k}: ' + ' '.join(f'{v:.0f}' for v in res[k]), flush=True)
