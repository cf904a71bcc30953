#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# docs.t: the man pages and the bash, zsh and fish completions name exactly the commands, options
# and columns that the code has, the pages render cleanly, and the completions parse and work.
#
# The truth comes from the binary: `isoscope __options` (commands and global options),
# `isoscope __options CMD` (one "--long<TAB>-s|-<TAB>arg" line per option, global ones last) and
# `isoscope CMD -H` (one "NAME [JSONTYPE] description" line per column, for commands that have
# --list-columns).  An option is compared as one entry, "-s --long" or "--long", so a short option
# must sit next to its long one.  Where each file keeps what:
#   man/isoscope.1            GLOBAL OPTIONS and COMMANDS sections, one .TP item each
#   man/isoscope-CMD.1        OPTIONS section (.TP items; global options may be repeated there),
#                             COLUMNS section (.TP items "NAME (jsontype)", or "NAME" when -H
#                             gives no JSON type)
#   completions/bash/isoscope exercised for real: `isoscope -`, `isoscope CMD -`, `isoscope CMD -o `
#   completions/zsh/_isoscope functions _isoscope (global options), _isoscope_commands,
#                             _isoscope_CMD (options), _isoscope_CMD_columns
#   completions/fish/…        `complete` lines without -n (global options), with
#                             -n __isoscope_no_command (commands), with -n '__isoscope_using CMD'
#                             or '__isoscope_using CMD; and …' (options); function
#                             __isoscope_CMD_columns
# A zsh or fish columns function whose body only calls another one (ps and caps share a table) is
# read through that one.  Completions list options and columns in the order of the code's tables;
# man pages may group them.

TESTDIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$TESTDIR/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib/tap.sh disable=SC1091
. "$TESTDIR/../lib/tap.sh"

MAN=$ROOT/man
BASHC=$ROOT/completions/bash/isoscope
ZSHC=$ROOT/completions/zsh/_isoscope
FISHC=$ROOT/completions/fish/isoscope.fish

if [ ! -x "$ISOSCOPE" ]; then
  echo "Bail out! no isoscope binary at $ISOSCOPE (run make first)"
  exit 1
fi

# ---------------------------------------------------------------------------------------------
# Helpers

# okd STATUS DESC DETAIL: ok, and when STATUS is not 0, DETAIL (any number of lines) as diagnostics.
okd() {
  ok "$1" "$2"
  local l
  [ "$1" -eq 0 ] && return 0
  while IFS= read -r l; do echo "#   $l"; done <<<"$3"
}

# compare DESC WANT GOT [unordered]: WANT and GOT are lists, one entry per line.  Passes when they
# hold the same entries, and (unless "unordered") in the same order; the diagnostics say what is
# missing, what is there that the code does not have, or how the order differs.
compare() {
  local desc=$1 want=$2 got=$3 mode=${4:-ordered} missing extra
  want=$(grep -v '^$' <<<"$want")
  got=$(grep -v '^$' <<<"$got")
  missing=$(comm -23 <(sort -u <<<"$want") <(sort -u <<<"$got") | grep -v '^$')
  extra=$(comm -13 <(sort -u <<<"$want") <(sort -u <<<"$got") | grep -v '^$')
  if [ -z "$missing" ] && [ -z "$extra" ] && { [ "$mode" = unordered ] || [ "$want" = "$got" ]; }; then
    ok 0 "$desc"
    return 0
  fi
  ok 1 "$desc"
  [ -n "$missing" ] && diag "  missing:         $(paste -sd'|' <<<"$missing" | sed 's/|/, /g')"
  [ -n "$extra" ] && diag "  not in the code: $(paste -sd'|' <<<"$extra" | sed 's/|/, /g')"
  if [ -z "$missing" ] && [ -z "$extra" ]; then
    diag "  the order differs from the code's table"
    diag "  code: $(paste -sd' ' <<<"$want")"
    diag "  file: $(paste -sd' ' <<<"$got")"
  fi
  return 1
}

# The option entries "-s --long" / "--long" of the lines on stdin (the text of one option or one
# option spec per line).  Tokens are -x or --word, taken where they start a word.
option_entries() {
  local line
  while IFS= read -r line; do
    grep -oE -- '(^|[^[:alnum:]-])--?[[:alnum:]][[:alnum:]-]*' <<<"$line" |
      sed -E 's/^[^-]//; s/-+$//' | awk '!seen[$0]++' | paste -sd' '
  done | grep -v '^$'
}

# man_tags FILE SECTION: the tags of the .TP items in SECTION of a roff page, as plain text
# (font escapes, \- and macro names removed).
man_tags() {
  awk -v want="$2" '
    function plain(s) {
      gsub(/\\f(\[[^]]*\]|\([A-Za-z][A-Za-z]|[A-Za-z])/, "", s)
      gsub(/\\-/, "-", s); gsub(/\\[%&]/, "", s); gsub(/\\\(em/, "-", s)
      sub(/^\.[A-Z]+[ \t]+/, "", s); gsub(/"/, "", s)
      return s
    }
    /^\.\\"/ { next }
    /^\.SH/ { s = $0; sub(/^\.SH[ \t]+/, "", s); gsub(/"/, "", s); insec = (s == want); next }
    !insec { next }
    tp { print plain($0); tp = 0; next }
    /^\.TP/ { tp = 1 }
  ' "$1"
}

# Option entries: what the code has.  code_entries CMD prints the entries of `__options CMD`;
# with no CMD, the global options.
code_entries() {
  local long short arg
  if [ -n "${1-}" ]; then
    "$ISOSCOPE" __options "$1"
  else
    "$ISOSCOPE" __options | grep -v '^command	'
  fi | while IFS=$'\t' read -r long short arg; do
    : "$arg"
    if [ "$short" = - ]; then echo "$long"; else echo "$short $long"; fi
  done
}

# bash_complete WORD...: the replies of the bash completion for a command line whose last word is
# the one being completed, one per line.
bash_complete() {
  bash --norc --noprofile -c '
    source "$1" || exit 1
    shift
    fn=$(complete -p isoscope 2>/dev/null | sed -n "s/.*-F \([^ ]*\).*/\1/p")
    [ -n "$fn" ] || { echo "no completion function registered for isoscope" >&2; exit 1; }
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$fn" isoscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"
  ' bash "$BASHC" "$@"
}

# zsh_function NAME: the body of function NAME in the zsh completion; a body that only calls
# another _isoscope_* function (two commands sharing one table) stands for that one's body.
zsh_function() {
  local body
  body=$(awk -v f="$1" '$0 ~ "^" f "\\(\\) *\\{" { on = 1; next } on && /^}/ { exit } on' "$ZSHC")
  if [[ $body =~ ^[[:space:]]*(_isoscope_[[:alnum:]_]+)[[:space:]]*$ && ${BASH_REMATCH[1]} != "$1" ]]; then
    zsh_function "${BASH_REMATCH[1]}"
  else
    printf '%s\n' "$body"
  fi
}

# zsh_specs NAME: the option entries of the _arguments specs in function NAME (spec lines start
# with a quote; the exclusion list and everything from the description on are dropped).
zsh_specs() {
  zsh_function "$1" | grep -E "^[[:space:]]*'" |
    sed -E "s/\\[.*//; s/\\([^)]*\\)//g" | option_entries
}

# fish_options CONDITION: the option entries of the `complete` lines whose -n condition is
# CONDITION ("" for the lines without one).
fish_options() {
  local line
  grep -E '^complete -c isoscope( |$)' "$FISHC" | while IFS= read -r line; do
    if [ -z "$1" ]; then
      [[ $line == *" -n "* ]] && continue
    else
      # The condition is CONDITION alone, or CONDITION followed by "; and ...".
      [[ $line == *" -n '$1'"* || $line == *" -n '$1;"* || $line == *" -n $1 "* ]] || continue
    fi
    # Only the -s and -l flags name options; drop quoted values first.
    sed -E "s/ -d .*//; s/ -[an] '[^']*'//g; s/ -[an] \"[^\"]*\"//g; s/ -[an] [^ '\"]+//g" <<<"$line" |
      grep -oE -- ' -[sl] [[:alnum:]-]+' | sed -E 's/^ -s /-/; s/^ -l /--/' | paste -sd' '
  done | grep -v '^$'
}

# fish_function NAME: the body of function NAME in the fish completion (followed, as in zsh,
# when it only calls another __isoscope_* function).
fish_function() {
  local body
  body=$(awk -v f="$1" '$0 ~ "^function " f "( |$)" { on = 1; next } on && /^end/ { exit } on' "$FISHC")
  if [[ $body =~ ^[[:space:]]*(__isoscope_[[:alnum:]_]+)[[:space:]]*$ && ${BASH_REMATCH[1]} != "$1" ]]; then
    fish_function "${BASH_REMATCH[1]}"
  else
    printf '%s\n' "$body"
  fi
}

# The words of the value list in the help text of option LONG of CMD: "(a, b, or c)" -> a b c.
help_values() {
  "$ISOSCOPE" "$1" --help | grep -E -- "(^|[ ,])$2([ =[]|$)" | head -n1 |
    sed -nE 's/.*\(([^)]*)\).*/\1/p' | tr ',' '\n' | sed -E 's/^ *(or )?//; s/ *$//' | grep -v '^$'
}

# ---------------------------------------------------------------------------------------------
# What the code has

mapfile -t COMMANDS < <("$ISOSCOPE" __options | awk -F'\t' '$1 == "command" { print $2 }')
GLOBALS=$(code_entries)
if [ "${#COMMANDS[@]}" -eq 0 ] || [ -z "$GLOBALS" ]; then
  echo "Bail out! '$ISOSCOPE __options' lists no commands or no global options"
  exit 1
fi
diag "commands: ${COMMANDS[*]}; global options: $(paste -sd' ' <<<"$GLOBALS")"

for f in "$MAN/isoscope.1" "$BASHC" "$ZSHC" "$FISHC"; do
  [ -f "$f" ]
  ok $? "${f#"$ROOT"/} exists"
done

# ---------------------------------------------------------------------------------------------
# Commands and global options

cmds=$(printf '%s\n' "${COMMANDS[@]}")
compare "man/isoscope.1 COMMANDS has an item for every command" \
  "$cmds" "$(man_tags "$MAN/isoscope.1" COMMANDS | grep -E '^[a-z][a-z0-9-]*$')" unordered
compare "bash completion offers the commands" "$cmds" "$(bash_complete isoscope '')"
compare "zsh completion (_isoscope_commands) offers the commands" \
  "$cmds" "$(zsh_function _isoscope_commands | sed -nE "s/^[[:space:]]*'([a-z][a-z0-9-]*):.*/\\1/p")"
compare "fish completion offers the commands" "$cmds" \
  "$(grep -E "^complete -c isoscope .*-n '?__isoscope_no_command'? " "$FISHC" |
    sed -nE "s/.* -a '([^']*)'.*/\\1/p; t; s/.* -a ([^ ']+).*/\\1/p" | tr ' ' '\n')"

compare "man/isoscope.1 GLOBAL OPTIONS documents every global option" \
  "$GLOBALS" "$(man_tags "$MAN/isoscope.1" 'GLOBAL OPTIONS' | grep '^-' | option_entries)" unordered
compare "bash completion offers the global options before a command" \
  "$(tr ' ' '\n' <<<"$GLOBALS")" "$(bash_complete isoscope -)"
compare "zsh completion (_isoscope) lists the global options" "$GLOBALS" "$(zsh_specs _isoscope)"
compare "fish completion lists the global options (lines without a condition)" \
  "$GLOBALS" "$(fish_options '')"

# ---------------------------------------------------------------------------------------------
# Each command: its options, and its columns when it has --list-columns

for cmd in "${COMMANDS[@]}"; do
  page=$MAN/isoscope-$cmd.1
  all=$(code_entries "$cmd")
  # The command's own options: its entries less the global ones.
  own=$(grep -vxF -f <(printf '%s\n' "$GLOBALS") <<<"$all")
  if [ ! -f "$page" ]; then
    ok 1 "man/isoscope-$cmd.1 exists"
    continue
  fi
  ok 0 "man/isoscope-$cmd.1 exists"

  compare "man/isoscope-$cmd.1 OPTIONS documents every option of $cmd" "$own" \
    "$(man_tags "$page" OPTIONS | grep '^-' | option_entries | grep -vxF -f <(printf '%s\n' "$GLOBALS"))" \
    unordered
  compare "bash completion offers every option of $cmd, global ones last" \
    "$(tr ' ' '\n' <<<"$all")" "$(bash_complete isoscope "$cmd" -)"
  compare "zsh completion (_isoscope_$cmd) lists every option of $cmd" "$own" "$(zsh_specs "_isoscope_$cmd")"
  compare "fish completion ('__isoscope_using $cmd') lists every option of $cmd" \
    "$own" "$(fish_options "__isoscope_using $cmd")"

  grep -qE -- '(^| )--list-columns$' <<<"$all" || continue
  cols=$("$ISOSCOPE" "$cmd" -H | awk 'NF { print $1 }')
  # Where -H gives JSON types ("NAME TYPE description"), the man page gives them too: "NAME (TYPE)".
  coltypes=$("$ISOSCOPE" "$cmd" -H | awk '
    NF { print ($2 ~ /^(string|number|boolean|array-string|array-number)$/) ? $1 " (" $2 ")" : $1 }')
  if [ -z "$cols" ]; then
    ok 1 "isoscope $cmd -H lists columns"
    continue
  fi
  compare "man/isoscope-$cmd.1 COLUMNS has an item for every column (with its JSON type if -H gives one)" \
    "$coltypes" "$(man_tags "$page" COLUMNS)" unordered
  compare "bash completion offers every column of $cmd after -o" "$cols" "$(bash_complete isoscope "$cmd" -o '')"
  compare "zsh completion (_isoscope_${cmd}_columns) lists every column of $cmd" "$cols" \
    "$(zsh_function "_isoscope_${cmd}_columns" | sed -nE "s/^[[:space:]]*'([[:alnum:]_%/-]+)\\[.*/\\1/p")"
  compare "fish completion (__isoscope_${cmd}_columns) lists every column of $cmd" "$cols" \
    "$(fish_function "__isoscope_${cmd}_columns" | sed -nE "s/^[[:space:]]+([[:alnum:]_%/-]+) '.*/\\1/p")"
done

# ---------------------------------------------------------------------------------------------
# The values of ls -t/--type and -T/--tree, as its --help names them (in any order)

types=$(help_values ls --type)
rels=$(help_values ls --tree)
if [ -z "$types" ] || [ -z "$rels" ]; then
  ok 1 "isoscope ls --help names the namespace types and tree relations in parentheses"
else
  compare "bash completion offers the namespace types after ls -t" "$types" \
    "$(bash_complete isoscope ls -t '')" unordered
  compare "bash completion offers the tree relations after ls --tree=" "$rels" \
    "$(bash_complete isoscope ls --tree = '')" unordered
  compare "zsh completion offers the namespace types for ls --type" "$types" \
    "$(zsh_function _isoscope_ls | grep -e '--type=' | sed -nE 's/.*:\(([^)]*)\).*/\1/p' | tr ' ' '\n')" \
    unordered
  compare "zsh completion offers the tree relations for ls --tree" "$rels" \
    "$(zsh_function _isoscope_ls | grep -e '--tree=' | sed -nE 's/.*:\(([^)]*)\).*/\1/p' | tr ' ' '\n')" \
    unordered
  compare "fish completion offers the namespace types for ls --type" "$types" \
    "$(grep -e '-l type ' "$FISHC" | sed -nE "s/.* -a '([^']*)'.*/\\1/p" | tr ' ' '\n')" unordered
  compare "fish completion offers the tree relations for ls --tree" "$rels" \
    "$(grep -e '-l tree ' "$FISHC" | sed -nE "s/.* -a '([^']*)'.*/\\1/p" | tr ' ' '\n')" unordered
fi

# ---------------------------------------------------------------------------------------------
# The bash completion at work

reply=$(bash_complete isoscope ls -t '')
grep -qx net <<<"$reply"
okd $? "bash: 'isoscope ls -t <TAB>' offers net" "got: $(paste -sd' ' <<<"$reply")"
reply=$(bash_complete isoscope ls -o NS,TY)
is "$(paste -sd' ' <<<"$reply")" "NS,TYPE" "bash: 'isoscope ls -o NS,TY<TAB>' completes to NS,TYPE"
reply=$(bash_complete isoscope ls --output = +nsid,hol)
is "$(paste -sd' ' <<<"$reply")" "+nsid,HOLDERS" "bash: 'isoscope ls --output=+nsid,hol<TAB>' keeps the + and the list"
reply=$(bash_complete isoscope ls -o NS,TYPE,N)
grep -q 'NS,TYPE,NPROCS' <<<"$reply" && ! grep -q 'NS,TYPE,NS$' <<<"$reply"
okd $? "bash: a column already in the -o list is not offered again" "got: $(paste -sd' ' <<<"$reply")"
reply=$(bash_complete isoscope ls -Tpa)
is "$(paste -sd' ' <<<"$reply")" "-Tparent" "bash: 'isoscope ls -Tpa<TAB>' completes the attached relation"
reply=$(bash_complete isoscope --sysroot "$ROOT/tes")
grep -qx "$ROOT/tests" <<<"$reply"
okd $? "bash: --sysroot completes directories" "got: $(paste -sd' ' <<<"$reply")"
reply=$(bash_complete isoscope ls -p "$$")
grep -qx "$$" <<<"$reply"
okd $? "bash: 'isoscope ls -p PID<TAB>' offers running process IDs" "got: $(paste -sd' ' <<<"$reply")"

# ---------------------------------------------------------------------------------------------
# The files parse and render

out=$(bash -n "$BASHC" 2>&1)
okd $? "bash -n accepts the bash completion" "$out"
if command -v shellcheck >/dev/null; then
  out=$(shellcheck -s bash "$BASHC" 2>&1)
  okd $? "shellcheck accepts the bash completion" "$out"
else
  skip "shellcheck accepts the bash completion" "shellcheck is not installed"
fi
if command -v zsh >/dev/null; then
  out=$(zsh -n "$ZSHC" 2>&1)
  okd $? "zsh -n accepts the zsh completion" "$out"
else
  skip "zsh -n accepts the zsh completion" "zsh is not installed"
fi
if command -v fish >/dev/null; then
  out=$(fish --no-execute "$FISHC" 2>&1)
  okd $? "fish --no-execute accepts the fish completion" "$out"
else
  skip "fish --no-execute accepts the fish completion" "fish is not installed"
fi

for page in "$MAN"/*.1; do
  name=man/${page##*/}
  if ! command -v man >/dev/null; then
    skip "$name renders without warnings" "man is not installed"
    continue
  fi
  out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -E UTF-8 "$page" 2>&1 >/dev/null)
  is "$out" "" "$name renders without warnings"
done

done_testing
