#!/usr/bin/env bash
# Make .venv with exactly the pins of requirements.txt and the edition package (run by `make`).
#   usage: tools/setup-venv.sh PYTHON VENV UV_PIN
# requirements.txt pins every package (make lock), so nothing is resolved (--no-deps). uv installs
# them in parallel, in seconds; pip (a minute or more) is the fallback where uv cannot be had or
# cannot reach an index. No bytecode is compiled here: each module is compiled on first import into
# the Makefile's PYTHONPYCACHEPREFIX. Everything is logged to VENV/setup.log; the seconds taken go
# to VENV/pip-seconds (make bench reports them apart from the build).
set -uo pipefail
python=$1 venv=$2 uv_pin=$3
bin=$venv/bin
start=$EPOCHREALTIME

rm -rf "$venv"
"$python" -m venv --without-pip "$venv" || exit 1
exec 3>&1 >"$venv/setup.log" 2>&1

with_uv() {
  # uv comes from the system's pip if it has one (no pip in the venv to set up first), else from
  # the venv's own pip.
  "$python" -m pip --python "$bin/python" install --no-compile "$uv_pin" \
    || { "$bin/python" -m ensurepip && "$bin/python" -m pip install --no-compile "$uv_pin"; } || return 1
  "$bin/uv" pip install --python "$bin/python" --no-deps -r requirements.txt || return 1
  "$bin/uv" pip install --python "$bin/python" --no-deps -e . || return 1
  # pip stays in the venv for `make lock` and the classroom's offline wheels
  "$bin/python" -m pip --version >/dev/null 2>&1 || "$bin/uv" pip install --python "$bin/python" pip
}

with_pip() {
  "$bin/python" -m pip --version >/dev/null 2>&1 || "$bin/python" -m ensurepip || return 1
  "$bin/python" -m pip install --no-deps --no-compile -r requirements.txt || return 1
  # Python 3.11's venv has setuptools, so the package builds without fetching it again
  local isolation=
  "$bin/python" -c 'import setuptools' 2>/dev/null && isolation=--no-build-isolation
  "$bin/python" -m pip install --no-deps --no-compile $isolation -e .
}

if ! with_uv; then
  echo "uv could not install the packages (see $venv/setup.log): pip does it instead" >&3
  with_pip || exit 1
fi
awk "BEGIN { printf \"%.1f\n\", $EPOCHREALTIME - $start }" > "$venv/pip-seconds"
