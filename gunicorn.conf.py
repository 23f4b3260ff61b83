"""Production gunicorn settings: `gunicorn wsgi:app` picks this file up from the project root."""
import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, one per CPU (at least two, so one slow request never holds the whole site): a
# request spends its time on the CPU (pages rendered here, the database on this machine) and the
# reverse proxy buffers slow 3G clients, so a worker more than the CPUs only adds switching. On 2
# cores with PostgreSQL alongside, 2 workers against 3 placed 39.6 orders/s against 32.6 (three
# runs each) and served the trace page at 590 and 544 requests/s against 458 and 450; 3 workers
# had placed 13% more orders than 5. Raise GUNICORN_WORKERS when requests wait elsewhere (a
# database on another machine, a slow mail server).
# CPUs this process may use (a container or `taskset` may allow fewer than the machine has).
_cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else multiprocessing.cpu_count()
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, _cpus)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak never grows; rarely, because a restart costs a
# second or two of CPU (imports, caches, the search view) and, at 300 requests/s on 2 cores,
# restarting every 2,000 requests halved throughput and stalled requests for seconds.
max_requests = 50_000
max_requests_jitter = 5_000
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Worker heartbeats in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
errorlog = "-"


def post_worker_init(worker):
    """Put what the worker loaded at start (modules, mappers, the address tables: about 160,000
    objects) out of the garbage collector's reach. Otherwise a full collection walks them all
    every few hundred requests; measured in a warmed-up process, 0.14 s with the request waiting."""
    gc.collect()
    gc.freeze()
