"""Airflow DAG: refresh the agencies' series, then render the reports (copy into your DAGs folder).

Exit codes it relies on:
  python -m helpers.refresh  0 all sources reached; 3 some kept their last good snapshot (the reports still
                             run, on those snapshots, and the task is marked skipped so it shows); 2 invalid
                             plan or snapshot (stop); 130 interrupted.
  python -m helpers.batch    0 all reports good; 1 a run failed; 2 invalid plan, parameters or inputs, or
                             the reports lock is held; 130 interrupted.
Set PAKCLAIMS_HOME to the checkout (with .venv made by `make venv`) and, for the UN Comtrade data API,
COMTRADE_SUBSCRIPTION_KEY (without it the public preview endpoint is used).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

HOME = os.environ.get("PAKCLAIMS_HOME", "/srv/pakclaims")
PY = f"{HOME}/.venv/bin/python"

with DAG(
    dag_id="pakclaims_refresh_and_reports",
    schedule="15 6 * * 1",  # Mondays 06:15: the agencies publish monthly at most
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=30)},
    tags=["pakclaims"],
) as dag:
    refresh = BashOperator(
        task_id="refresh_official_series",
        # exit 3 (some sources kept their snapshot) -> skipped: visible, and the reports still run
        bash_command=f"cd {HOME} && {PY} -m helpers.refresh",
        skip_on_exit_code=3,
        env={"COMTRADE_SUBSCRIPTION_KEY": os.environ.get("COMTRADE_SUBSCRIPTION_KEY", "")},
        append_env=True,
    )
    reports = BashOperator(
        task_id="render_reports",
        bash_command=f"cd {HOME} && {PY} -m helpers.batch",
        trigger_rule="none_failed",  # after a refresh that succeeded or kept its snapshots (skipped)
    )
    refresh >> reports
