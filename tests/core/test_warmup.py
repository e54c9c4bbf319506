"""A web worker pays its start-up costs before its first request: the classifiers, every app's URLs and views,
and the chart renderer (the public business summary took ~5 s on a worker's first load)."""

import logging
import os
import subprocess
import sys

from clientcentric.config import gunicorn, warmup
from clientcentric.core import charts


def test_a_web_worker_warms_the_pages_after_the_models(monkeypatch):
    done = []
    monkeypatch.setattr(warmup, "warm_models", lambda: done.append("models"))
    monkeypatch.setattr(warmup, "warm_pages", lambda: done.append("pages"))
    gunicorn.post_worker_init(worker=None)
    assert done == ["models", "pages"]


def test_warming_the_pages_draws_one_chart(monkeypatch):
    drawn = []
    monkeypatch.setattr(charts, "warm", lambda: drawn.append(1))
    warmup.warm_pages()
    assert drawn == [1]


def test_warming_the_pages_loads_every_view_in_a_fresh_process():
    probe = (
        "import sys, django; django.setup(); "
        "from clientcentric.config.warmup import warm_pages; warm_pages(); "
        "print(all(m in sys.modules for m in ('clientcentric.business.views', 'clientcentric.feedback.urls')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clientcentric.config.settings"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True"


def test_a_renderer_that_will_not_start_does_not_stop_the_worker(monkeypatch, caplog):
    def broken():
        raise RuntimeError("no JavaScript engine")

    monkeypatch.setattr(charts, "warm", broken)
    with caplog.at_level(logging.ERROR, logger="clientcentric.config.warmup"):
        warmup.warm_pages()
    assert "the first page will load what it needs" in caplog.text


def test_the_renderer_warms_with_a_real_chart():
    charts.warm()  # raises if vl-convert cannot draw the platform's locale and font
