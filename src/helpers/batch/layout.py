"""The names of the reports directory's layout and the batch's defaults (no imports, no behaviour)."""

DEFAULT_TIMEOUT = 600.0  # seconds per cell
DEFAULT_NOTEBOOK_TIMEOUT = 1800.0  # seconds per notebook, counted from kernel ready
STAGING_DIR = ".staging"
RUNS_DIR = "runs"
FAILED_DIR = "failed"
REPORT_FILE = "report.html"
EXECUTED_FILE = "executed.ipynb"
KEY_FIGURES_FILE = "key_figures.json"
INDEX_FILE = "index.html"
KERNEL_LOG = "kernel.log"  # the kernel process's own output; kept with a failed run only
#: Kernels started by the batch find their staging folder here (notebooks that declare ``output_dir`` also
#: get it as that parameter).
OUTPUT_DIR_ENV = "PAKCLAIMS_OUTPUT_DIR"
RUN_RECORD_FILE = "run.json"  # what a published report folder says about itself (title, figures, file hashes)
LOCK_FILE = ".lock"
