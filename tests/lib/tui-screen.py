# SPDX-License-Identifier: GPL-2.0-or-later
# tui-screen.py: read a `tmux capture-pane -p -e` screen of isoscope top from stdin.
#   selected   print the text of the row drawn as the selection (reverse video, or the
#              selection colours: black on cyan), searched between the column header and the
#              status line
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cells(text):
    """Yield (line_number, first_cell_attrs, plain_text) for every line, following the SGR state,
    which tmux carries over from line to line."""
    state = {"rev": False, "bg": None}
    for n, line in enumerate(text.split("\n")):
        plain, first = [], None
        pos = 0
        for m in SGR.finditer(line):
            chunk = line[pos:m.start()]
            if chunk and first is None:
                first = dict(state)
            plain.append(chunk)
            apply(state, m.group(1))
            pos = m.end()
        chunk = line[pos:]
        if chunk and first is None:
            first = dict(state)
        plain.append(chunk)
        yield n, first or dict(state), "".join(plain)


def apply(state, params):
    codes = [int(c) if c else 0 for c in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            state["rev"], state["bg"] = False, None
        elif c == 7:
            state["rev"] = True
        elif c == 27:
            state["rev"] = False
        elif 40 <= c <= 47:
            state["bg"] = c - 40
        elif c == 49:
            state["bg"] = None
        elif c in (38, 48) and i + 1 < len(codes):
            if codes[i + 1] == 5 and i + 2 < len(codes):
                if c == 48:
                    state["bg"] = codes[i + 2]
                i += 2
            elif codes[i + 1] == 2:
                i += 4
        i += 1


def main():
    text = sys.stdin.read()
    lines = list(cells(text))
    if sys.argv[1:] == ["selected"]:
        # Lines 0-3: header, counts, views, column names; the last two: status and keys.
        last = len([l for l in text.split("\n")]) - 3
        for n, attrs, plain in lines:
            if 4 <= n <= last and (attrs["rev"] or attrs["bg"] == 6):
                print(plain.rstrip())
                return 0
        return 1
    print("usage: tui-screen.py selected", file=sys.stderr)
    return 2


sys.exit(main())
