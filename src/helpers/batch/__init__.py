"""Run the report notebooks of the plan concurrently, publish their HTML atomically, skip what is up to date.

``python -m helpers.batch [RUN-PATTERN ...] [options]`` (see ``--help``). The package is split where
papermill splits its own work:

- :mod:`~helpers.batch.cli`: arguments, signals and exit codes;
- :mod:`~helpers.batch.runner`: the plan, the checks before any kernel, the decisions (run, skip, retire)
  and the per-run tasks, all driven by one :class:`~helpers.batch.options.Options` object;
- :mod:`~helpers.batch.engine`: executes one notebook in its own kernel (the only module that imports
  nbclient and jupyter_client);
- :mod:`~helpers.batch.publish`: staging folders, the atomic swap into ``reports/runs/<name>/`` and the index;
- :mod:`~helpers.batch.lock` (filelock) and :mod:`~helpers.batch.progress` (tqdm).

Exit codes: 0 all good (also when everything was skipped), 1 some run failed, 2 invalid plan, parameters or
inputs, lock held or reports directory unusable (nothing ran), 130 interrupted (SIGINT), 143 terminated
(SIGTERM). This file imports nothing, so that ``helpers.batch.<module>`` imports only what it needs.
"""
