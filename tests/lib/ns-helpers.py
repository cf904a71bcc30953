# SPDX-License-Identifier: GPL-2.0-or-later
# ns-helpers.py: read `isoscope ls -J` / `lsns -J` output for the shell system tests.
"""Usage: python3 ns-helpers.py COMMAND FILE [ARGS...]

  valid FILE                    exit 0 when FILE is {"namespaces": [...]} JSON
  inodes FILE                   print every namespace inode, one per line
  rows FILE NS                  print how many rows describe namespace NS
  field FILE NS FIELD           print FIELD of namespace NS ("null" for null, lists as JSON)
  has-holder FILE NS HOLDER     exit 0 when HOLDER is one of NS's holders
  holders FILE NS               print NS's holders separated by spaces
  parent FILE NS                print the ns of the row NS is nested under ("-" at the top)

Rows nested under "children" (the default tree output) are flattened.  Exit status 1 means the
namespace (or holder) is not there, 2 a usage or JSON error, 3 a missing field.
"""

import json
import sys


def flatten(rows, parent=None):
    for row in rows:
        row["__parent"] = parent
        yield row
        yield from flatten(row.get("children") or [], row.get("ns"))


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("namespaces"), list):
        raise ValueError("no \"namespaces\" array")
    return list(flatten(doc["namespaces"]))


def find(rows, ns):
    return [r for r in rows if str(r.get("ns")) == ns]


def show(value):
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path, args = argv[0], argv[1], argv[2:]
    try:
        rows = load(path)
    except (OSError, ValueError) as e:
        print(f"ns-helpers.py: {path}: {e}", file=sys.stderr)
        return 2

    if cmd == "valid":
        return 0
    if cmd == "inodes":
        for r in rows:
            print(r.get("ns"))
        return 0
    if cmd == "rows" and len(args) == 1:
        print(len(find(rows, args[0])))
        return 0
    if cmd == "parent" and len(args) == 1:
        found = find(rows, args[0])
        if not found:
            return 1
        print(show(found[0]["__parent"]) if found[0]["__parent"] is not None else "-")
        return 0
    if cmd in ("field", "has-holder", "holders") and args:
        found = find(rows, args[0])
        if not found:
            return 1
        row = found[0]
        if cmd == "field" and len(args) == 2:
            if args[1] not in row:
                return 3
            print(show(row[args[1]]))
            return 0
        holders = row.get("holders")
        if not isinstance(holders, list):
            return 3
        if cmd == "holders" and len(args) == 1:
            print(" ".join(str(h) for h in holders))
            return 0
        if cmd == "has-holder" and len(args) == 2:
            return 0 if args[1] in holders else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
