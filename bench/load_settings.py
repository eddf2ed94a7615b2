"""Settings for bench/load.py: production settings over plain HTTP on loopback, plus one
minimal view that does a single INSERT, the framework's ceiling on this stack."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.load_urls"
