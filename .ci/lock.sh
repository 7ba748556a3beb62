#!/usr/bin/env bash
# The lock files, compiled from pyproject.toml with `uv pip compile` (hashes, Python 3.11, Linux):
#   requirements.txt       what the bot runs on (a Heroku-style Python buildpack and the Dockerfile install it)
#   requirements-test.txt  the same pins plus the `test` extra (what CI installs)
#   .ci/lock.sh            rewrite both (keeps existing pins unless pyproject.toml needs others; --upgrade to bump)
#   .ci/lock.sh --check    exit 1 when either is not what pyproject.toml compiles to
set -euo pipefail
cd "$(dirname "$0")/.."

UV="${UV:-uv}"
command -v "$UV" >/dev/null || UV=.venv/bin/uv
check=0
extra=()
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        *) extra+=("$arg") ;;
    esac
done

compile() {  # compile OUT_DIR: write requirements.txt and requirements-test.txt into OUT_DIR
    local out="$1"
    local common=(--quiet --generate-hashes --python-version 3.11 --python-platform x86_64-unknown-linux-gnu
        --custom-compile-command ".ci/lock.sh" "${extra[@]+"${extra[@]}"}")
    "$UV" pip compile pyproject.toml "${common[@]}" -o "$out/requirements.txt"
    "$UV" pip compile pyproject.toml --extra test -c "$out/requirements.txt" "${common[@]}" \
        -o "$out/requirements-test.txt"
}

if [ "$check" = 0 ]; then
    compile .
    exit 0
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp requirements.txt requirements-test.txt "$scratch/" 2>/dev/null || true
compile "$scratch"
sed -i "s#$scratch/#./#g" "$scratch"/requirements*.txt  # the -c annotation names the folder
stale=0
for file in requirements.txt requirements-test.txt; do
    if ! diff -u "$file" "$scratch/$file" >"$scratch/$file.diff" 2>&1; then
        echo "$file is not current with pyproject.toml; run .ci/lock.sh and commit it:" >&2
        head -40 "$scratch/$file.diff" >&2
        stale=1
    fi
done
exit "$stale"
