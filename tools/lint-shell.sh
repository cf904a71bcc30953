#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lint-shell.sh: run shellcheck over every shell script of the repository (`make lint`).
#
# The scripts are found by pattern, not listed: every file that git tracks (or would track:
# untracked files that .gitignore does not exclude) whose name ends in .sh or .bash, or that
# starts with a sh/bash/dash/ksh shebang (the .t tests, .ci/run), or that declares
# "# shellcheck shell=..." near its top (the bash completion).  Outside a git checkout every file
# below the top directory is looked at, but for the build and cache directories.
#
# Usage: tools/lint-shell.sh [--list] [SHELLCHECK-OPTIONS...]
#   --list   only print the scripts, one per line, relative to the top directory
# Exit status: 0 clean, 1 findings, 2 shellcheck is missing.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 2

candidates() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard
  else
    find . -path ./build -prune -o -path ./build-san -prune -o -path ./build-analyze -prune \
      -o -path ./tests/vm/cache -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'
  fi
}

# is_shell FILE: FILE is a shell script by its name, its shebang or a shellcheck directive.
is_shell() {
  local first
  case $1 in
    *.sh | *.bash) return 0 ;;
  esac
  [ -f "$1" ] || return 1
  IFS= read -r first <"$1" 2>/dev/null || return 1
  [[ $first =~ ^#![[:space:]]*(/usr)?/bin/(env[[:space:]]+)?(sh|bash|dash|ksh)([[:space:]]|$) ]] && return 0
  head -n 5 "$1" 2>/dev/null | grep -Eq '^# shellcheck shell=(sh|bash|dash|ksh)'
}

scripts=()
while IFS= read -r f; do
  is_shell "$f" && scripts+=("$f")
done < <(candidates | sort -u)

if [ "${1:-}" = --list ]; then
  printf '%s\n' "${scripts[@]}"
  exit 0
fi
command -v shellcheck >/dev/null || {
  echo "lint-shell: shellcheck is not installed (Debian: apt-get install shellcheck)" >&2
  exit 2
}
# -x: follow the files the scripts source, where their "# shellcheck source=" directives say.
shellcheck -x "$@" "${scripts[@]}" || exit 1
echo "lint-shell: ${#scripts[@]} scripts, no findings"
