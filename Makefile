# mmlab workbook. Quick start: `make book` (execute + render every notebook) and `make test`.
# Both create .venv and install the locked versions on first use (or when the lock changes).
#
# Variables you may override:
#   PYTHON       the interpreter that creates .venv (default: python3, 3.11+)
#   TORCH        the torch requirement (default: the CPU build torch==2.13.0)
#   TORCH_INDEX  an extra package index for torch, e.g. a CUDA wheel index:
#                make setup TORCH_INDEX=https://download.pytorch.org/whl/cu128
#   MMLAB_PROFILE quick | full (default: full with CUDA, quick without)
#   JOBS         notebooks executed at once (default: number of cores)

PYTHON      ?= python3
TORCH       ?= torch==2.13.0
TORCH_INDEX ?=
JOBS        ?= $(shell $(PYTHON) -c "import os; print(os.cpu_count() or 1)")

VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.mmlab-installed
# One thread per kernel/worker: notebooks and test workers run side by side.
RUNENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MMLAB_NUM_THREADS=1 PYDEVD_DISABLE_FILE_VALIDATION=1

.PHONY: help setup book test test-fast lab student bench lock clean clean-venv

help:
	@echo "make book     execute every lecture and lab, render HTML to build/ (index: build/index.html)"
	@echo "make test     unit tests, hygiene tests, and every notebook under nbval"
	@echo "make lab      open JupyterLab with the project's kernel"
	@echo "make student  regenerate labs/student/ from the lab sources"
	@echo "make bench    run the benchmarks (results in build/bench/)"
	@echo "make clean    remove build/; make clean-venv removes .venv"

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'mmlab needs Python 3.11+; got ' + sys.version.split()[0] + '. Set PYTHON=python3.11 (or newer).')"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) "$(TORCH)"
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test]"
	@touch $(STAMP)

book: $(STAMP)
	$(RUNENV) $(PY) -m mmlab.book --jobs $(JOBS)

test: $(STAMP)
	$(RUNENV) $(PY) -m pytest -n $(JOBS) --dist loadfile

# Unit and hygiene tests only (no notebooks): the fast loop while editing mmlab.
test-fast: $(STAMP)
	$(RUNENV) $(PY) -m pytest -n $(JOBS) tests

lab: $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[lab]"
	$(PY) -m ipykernel install --sys-prefix --name mmlab --display-name "Python (mmlab)"
	$(PY) -m jupyter lab --notebook-dir=.

student: $(STAMP)
	$(PY) -m mmlab.labs.student

bench: $(STAMP)
	@mkdir -p build/bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b --out build/bench || exit 1; done

clean:
	rm -rf build

clean-venv:
	rm -rf $(VENV)

# Re-pin requirements.lock and environment.yml to what .venv holds (after changing pyproject.toml).
lock: $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,lab,data]"
	$(PY) .ci/write_lock.py
