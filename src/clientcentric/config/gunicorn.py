"""gunicorn's settings for `clientcentric serve` (loaded as `-c python:clientcentric.config.gunicorn`).

Workers die with their master. A gunicorn worker notices a dead master only between requests and then, as on a
graceful stop, keeps the listening socket open until its requests are done (up to the graceful timeout): after
`kill -9` of the master a restart could not bind the port for half a minute. Here the kernel kills each worker
the moment its master is gone; the requests it held are lost either way, since no master would have replaced it.
"""

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def post_fork(server, worker):
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server.pid:  # the master died before the request above took effect
        os._exit(1)


def post_worker_init(worker):
    # The application is loaded in this worker now: load the classifiers, the URLs and the chart renderer before
    # the first request needs them.
    from clientcentric.config.warmup import warm_models, warm_pages

    warm_models()
    warm_pages()
