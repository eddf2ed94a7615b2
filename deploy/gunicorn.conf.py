"""gunicorn settings. The access log leaves out the client's address: respondents are anonymous."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
# Django is imported once, before the workers fork: they start ready, and share its memory.
preload_app = True
accesslog = "-"
# time, request line, status, bytes, duration (s): no %(h)s (address) and no user agent.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(L)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
