"""Serve the workbook to a class: course (make course), hub (make hub), singleuser (the spawner's command).

::

    python -m mmlab.classroom course [--course-dir DIR] [--exchange DIR] [--course-id ID] [--only TEXT]
    python -m mmlab.classroom hub [--port 8000] [--ip 127.0.0.1] [--state-dir DIR] [--profile quick|full]
    python -m mmlab.classroom singleuser [jupyterhub-singleuser arguments]   (the spawner runs this)
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path


def _course(args: argparse.Namespace) -> int:
    from mmlab.classroom._course import build_course

    build = build_course(
        args.course_dir, course_id=args.course_id, exchange=args.exchange, only=args.only, generate=not args.no_generate
    )
    print(f"nbgrader course '{build.course_id}' in {build.course_dir} (exchange: {build.exchange})")
    for a in build.assignments:
        exercises = ", ".join(f"Ex {e.number}: {e.points:g}" for e in a.exercises)
        print(f"  {a.name:50s} {a.max_score:4g} pts  ({exercises})")
    where = "release/" if build.generated else "source/ (run nbgrader generate_assignment)"
    print(f"student versions in {build.course_dir / where}")
    print(f"next (docs/classroom.md): cd {build.course_dir} && nbgrader release_assignment <assignment>")
    return 0


def _hub(args: argparse.Namespace) -> int:
    from mmlab.classroom._hub import DemoHub

    keep = args.state_dir is not None
    state = Path(args.state_dir) if keep else Path(tempfile.mkdtemp(prefix="mmlab-hub-"))
    env = {"MMLAB_PROFILE": args.profile} if args.profile else {}
    hub = DemoHub(state, ip=args.ip, port=args.port, env=env)
    print(f"starting JupyterHub (state: {state}, log: {hub.log_path}) ...", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        hub.start()
        token_file = state / "admin-token"
        token_file.write_text(hub.admin_token + "\n", encoding="utf-8")
        token_file.chmod(0o600)
        print(
            f"\nJupyterHub for the demo class: {hub.url}\n"
            f"  log in with any user name and the password: {hub.password}\n"
            f"  (DEMO ONLY: anyone with the password can log in as anyone; servers share one OS account)\n"
            f"  each user's JupyterLab opens ~/labs, a copy of labs/student/\n"
            f"  REST API token of the mmlab-admin service: {token_file}\n"
            f"Ctrl-C stops the hub and every user's server.",
            flush=True,
        )
        while not stopping and hub.process is not None and hub.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        killed = hub.stop()
        print("JupyterHub stopped" + (f" (killed leftover pids {killed})" if killed else "") + ".")
        if not keep:
            import shutil

            shutil.rmtree(state, ignore_errors=True)
    return 0


def _singleuser(argv: list[str]) -> int:
    from mmlab.classroom._hub import copy_student_labs

    copied = copy_student_labs()
    dest = Path(os.environ.get("MMLAB_LABS_DEST") or Path.home() / "labs")
    print(f"mmlab: copied {len(copied)} student lab files into {dest}", file=sys.stderr, flush=True)
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub.singleuser", *argv])
    return 0  # not reached


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["singleuser"]:  # everything after it belongs to jupyterhub-singleuser
        return _singleuser(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m mmlab.classroom", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    course = sub.add_parser("course", help="build the nbgrader course directory from labs/ (make course)")
    course.add_argument(
        "--course-dir",
        default=None,
        help="where to build (default: $MMLAB_COURSE_DIR or ~/mmlab-course; outside the repository)",
    )
    course.add_argument("--exchange", default=None, help="nbgrader exchange root (default: <course-dir>/exchange)")
    course.add_argument("--course-id", default="mmlab", help="nbgrader course id (default: mmlab)")
    course.add_argument("--only", default=None, help="only labs whose path contains this text")
    course.add_argument("--no-generate", action="store_true", help="write source/ and the config only")
    hub = sub.add_parser("hub", help="run a demo JupyterHub on this machine (make hub)")
    hub.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    hub.add_argument("--port", type=int, default=8000, help="port of the hub's URL (default: 8000)")
    hub.add_argument(
        "--state-dir",
        default=None,
        help="keep the hub's database and the users' folders here (default: a temporary folder, removed on exit)",
    )
    hub.add_argument("--profile", choices=("quick", "full"), default=None, help="MMLAB_PROFILE of the users' kernels")
    sub.add_parser(
        "singleuser", help="copy labs/student into ~/labs, then run jupyterhub-singleuser (the spawner's command)"
    )
    args = parser.parse_args(argv)
    try:
        return _course(args) if args.command == "course" else _hub(args)
    except (ValueError, RuntimeError) as err:  # a wrong folder, a malformed lab, nbgrader or the hub failing
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
