# mmlab workbook. Quick start: `make book` (execute + render every notebook) and `make test`.
# Both create .venv and install the locked versions on first use (or when the lock changes).
#
# Variables you may override:
#   PYTHON        the interpreter that creates .venv (default: python3, 3.11+)
#   TORCH         the torch requirement (default: torch==2.13.0)
#   TORCH_INDEX   the index torch comes from (default: the PyTorch CPU wheel index, i.e. the CPU build;
#                 if that index does not answer within a few seconds, pip's default index instead).
#                 A CUDA build: make setup TORCH_INDEX=https://download.pytorch.org/whl/cu128
#                 Empty (TORCH_INDEX=): pip's default index (PyPI: a CUDA build on Linux x86_64).
#                 TORCH and TORCH_INDEX act when .venv is built: `make clean-venv` to switch.
#   MMLAB_PROFILE quick | full (default: full with CUDA, quick without)
#   JOBS          notebooks or test workers run at once (default: number of cores)
#   LAB_ARGS      arguments for `jupyter lab` (default: none; in a container --ip=0.0.0.0 --no-browser,
#                 so that `docker run -p 8888:8888` reaches it). As root, --allow-root is added.
#   UPGRADE=1     with `make lock`: move every pin to the newest release pyproject.toml allows

PYTHON          ?= python3
TORCH           ?= torch==2.13.0
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu
TORCH_INDEX     ?= $(TORCH_CPU_INDEX)
JOBS            ?= $(shell $(PYTHON) -c "import os; print(os.cpu_count() or 1)")
UV              ?= uv==0.13.8
EXTRAS          := book,test,lab,data,classroom,transfer
LAB_ARGS        ?= $(if $(wildcard /.dockerenv /run/.containerenv),--ip=0.0.0.0 --no-browser)

VENV        := .venv
PY          := $(VENV)/bin/python
PIP         := $(PY) -m pip --disable-pip-version-check
RUFF        := $(VENV)/bin/ruff
TORCH_STAMP := $(VENV)/.mmlab-torch
# uv installs the lock (parallel downloads: about 20 s where pip takes 70); it lives beside the environment,
# not in it, so the environment holds exactly the lock.
UV_TOOL     := $(VENV)/.uv-tool
UV_BIN      := $(UV_TOOL)/bin/uv
STAMP       := $(VENV)/.mmlab-installed
# One thread per kernel/worker: notebooks and test workers run side by side.
RUNENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MMLAB_NUM_THREADS=1 PYDEVD_DISABLE_FILE_VALIDATION=1
PYTEST := $(RUNENV) $(PY) -m pytest -n $(JOBS)

# JupyterLab refuses to run as root (a container's default user) without --allow-root.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: help setup book book-gpu slides test test-fast lint format lab student course hub bench lock clean clean-venv

help:
	@echo "make book       execute every lecture and lab, render HTML to build/ (index: build/index.html)"
	@echo "make book-gpu   the book at the full profile with a CUDA build of torch in .venv-gpu (docs/full-profile.md)"
	@echo "make test       ruff (lint + format check), doctests, unit and hygiene tests, every notebook under nbval"
	@echo "make test-fast  doctests, unit and hygiene tests only (no notebooks, no tests marked slow)"
	@echo "make lab        open JupyterLab with the project's kernel"
	@echo "make student    regenerate labs/student/ from the lab sources"
	@echo "make course     nbgrader course directory from labs/ (COURSE_DIR, default ~/mmlab-course; docs/classroom.md)"
	@echo "make hub        demo JupyterHub for a class on this machine (pip packages only, demo login; docs/classroom.md)"
	@echo "make bench      run the benchmarks (results in build/bench/)"
	@echo "make lint       ruff check and ruff format --check (the first step of make test)"
	@echo "make format     apply ruff's fixes and formatting"
	@echo "make lock       recompile requirements.lock (and environment.yml) from pyproject.toml"
	@echo "make clean      remove build/; make clean-venv removes .venv"

setup: $(STAMP)

# 1. torch alone (--no-deps): the CPU build unless TORCH/TORCH_INDEX say otherwise.
$(TORCH_STAMP):
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 'mmlab needs Python 3.11+; got ' + sys.version.split()[0] + '. Set PYTHON=python3.11 (or newer).')"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@if [ -z "$(TORCH_INDEX)" ]; then \
		echo "torch: $(TORCH) from pip's default index (TORCH_INDEX is empty)"; \
		$(PIP) install --no-deps "$(TORCH)"; \
	elif $(PY) .ci/probe_index.py "$(TORCH_INDEX)" 5; then \
		echo "torch: $(TORCH) from $(TORCH_INDEX)"; \
		$(PIP) install --no-deps --retries 0 --timeout 30 --index-url "$(TORCH_INDEX)" "$(TORCH)"; \
	elif [ "$(origin TORCH_INDEX)" = file ]; then \
		echo "torch: the CPU wheel index $(TORCH_INDEX) does not answer; $(TORCH) comes from pip's default index"; \
		echo "       instead (where that is PyPI, Linux x86_64 gets a CUDA build of several GB)"; \
		$(PIP) install --no-deps "$(TORCH)"; \
	else \
		echo "torch: TORCH_INDEX=$(TORCH_INDEX) does not answer (TORCH_INDEX= uses pip's default index)" >&2; \
		exit 1; \
	fi
	@touch $@

# 2. the locked environment, hash-checked and exactly as pinned (--no-deps: the lock is complete
#    for Linux and Python 3.11), by uv (UV, installed into UV_TOOL) or, where uv cannot be installed or
#    cannot reach the index, by pip;
# 3. mmlab itself, editable with all its extras, built with the locked setuptools, and torch again: on
#    Linux with the default torch all their requirements are already there; elsewhere pip adds only
#    what the lock cannot hold (appnope on macOS, a CUDA build's nvidia-* libraries);
# 4. pip check: every installed package's requirements hold.
$(STAMP): $(TORCH_STAMP) requirements.lock pyproject.toml
	@if { test -x $(UV_BIN) || $(PIP) install --quiet --upgrade --target $(UV_TOOL) "$(UV)"; } \
		&& $(UV_BIN) pip install --quiet --python $(PY) --require-hashes --no-deps --compile-bytecode \
			-r requirements.lock; then \
		echo "requirements.lock: installed by $$($(UV_BIN) --version)"; \
	else \
		echo "requirements.lock: uv failed (above); pip installs it instead"; \
		$(PIP) install --quiet --require-hashes --no-deps -r requirements.lock; \
	fi
	$(PIP) install --quiet --no-build-isolation -e ".[$(EXTRAS)]" "$(TORCH)"
	$(PIP) check
	@touch $@

book: $(STAMP)
	$(RUNENV) $(PY) -m mmlab.book --jobs $(JOBS)

# The book at the full profile on a GPU (docs/full-profile.md). The same two setup steps as above, run by a
# sub-make with VENV and TORCH_INDEX overridden: a CUDA build of torch in its own venv GPU_VENV (.venv keeps its
# build), then the locked requirements; a check that torch sees a CUDA device; then `make book` with
# MMLAB_PROFILE=full. GPU_TORCH_INDEX: the CUDA wheel index (the driver must support that CUDA version; empty:
# pip's default index, a CUDA build on Linux x86_64). To switch builds: make clean-venv VENV=$(GPU_VENV).
GPU_VENV        ?= .venv-gpu
GPU_TORCH_INDEX ?= https://download.pytorch.org/whl/cu128
GPU_VARS         = --no-print-directory VENV=$(GPU_VENV) TORCH_INDEX=$(GPU_TORCH_INDEX)

book-gpu:
	@$(MAKE) $(GPU_VARS) setup
	@$(GPU_VENV)/bin/python -c "import sys, torch; ok = torch.cuda.is_available(); \
	print('book-gpu: torch', torch.__version__, 'on', torch.cuda.get_device_name(0) if ok else 'no CUDA device'); \
	sys.exit(0 if ok else 'book-gpu: torch in $(GPU_VENV) (CUDA ' + str(torch.version.cuda) + ') sees no GPU. Check ' \
	'nvidia-smi, or a build your driver supports: make clean-venv VENV=$(GPU_VENV), then make book-gpu ' \
	'GPU_TORCH_INDEX=https://download.pytorch.org/whl/cu126. On the CPU: MMLAB_PROFILE=full make book')"
	MMLAB_PROFILE=full $(MAKE) $(GPU_VARS) book

# Lecture slide decks only (build/lectures/<n>_<challenge>/<kk>_<topic>.slides.html, offline);
# ONLY=1_representation/01 narrows them to the lectures whose path contains that text.
slides: $(STAMP)
	$(RUNENV) $(PY) -m mmlab.book --jobs $(JOBS) --only "lectures/$(ONLY)"

lint: $(STAMP)
	$(RUFF) check .
	$(RUFF) format --check .

format: $(STAMP)
	$(RUFF) check --fix .
	$(RUFF) format .

# Everything CI runs (.ci/run): ruff first, then pytest over mmlab (doctests), tests, lectures and labs.
test: lint
	$(PYTEST) --dist loadscope

# The fast loop while editing mmlab: doctests, unit and hygiene tests, without notebooks or slow tests.
test-fast: $(STAMP)
	$(PYTEST) -m "not slow and not notebook" mmlab tests

lab: $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name mmlab --display-name "Python (mmlab)"
	$(PY) -m jupyter lab --notebook-dir=. $(LAB_ROOT) $(LAB_ARGS)

student: $(STAMP)
	$(PY) -m mmlab.labs.student

# nbgrader: one assignment per lab, release versions = labs/student/, check cells graded with the headings' points.
# The course directory lives outside the repository: COURSE_DIR=... (default $$MMLAB_COURSE_DIR or ~/mmlab-course).
course: $(STAMP)
	$(RUNENV) $(PY) -m mmlab.classroom course $(if $(COURSE_DIR),--course-dir "$(COURSE_DIR)")

# A demo JupyterHub (deploy/jupyterhub_config.py) on http://127.0.0.1:8000; Ctrl-C stops it and every user's server.
# HUB_ARGS: e.g. --port 8001, --state-dir DIR (keep users' work), --profile full (in a container: --ip 0.0.0.0).
HUB_ARGS ?= $(if $(wildcard /.dockerenv /run/.containerenv),--ip 0.0.0.0)
hub: $(STAMP)
	$(RUNENV) $(PY) -m mmlab.classroom hub $(HUB_ARGS)

bench: $(STAMP)
	@mkdir -p build/bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b --out build/bench || exit 1; done

clean:
	rm -rf build

clean-venv:
	rm -rf $(VENV)

# Recompile requirements.lock (hashes, Python 3.11, Linux) and environment.yml from pyproject.toml with uv,
# keeping existing pins where they still fit (UPGRADE=1: newest allowed). The next make target reinstalls.
lock: $(TORCH_STAMP)
	$(PIP) install --quiet packaging
	@test -x $(UV_BIN) || $(PIP) install --quiet --upgrade --target $(UV_TOOL) "$(UV)"
	$(PY) .ci/lock.py --uv $(UV_BIN) $(if $(UPGRADE),--upgrade)
