"""Transfers, withdrawal attempts, alerts, the event stream and re-screening (part of serve_e2e.py)."""


def run(g):
    pass
