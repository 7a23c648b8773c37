#!/usr/bin/env python3
"""Write conformscan(1) in roff from the built binary's own --help, so the
man page says what the program does, command by command, and cannot drift
from it. Usage: gen-man.py BINARY OUT.1 VERSION"""

import re
import subprocess
import sys


def helptext(binary, path):
    out = subprocess.run([binary, *path, "--help"], capture_output=True, text=True, check=False,
                         env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "100"})
    return out.stdout


def subcommands(text):
    """Names listed under 'Subcommands:' (CLI11's layout)."""
    names, inside = [], False
    for line in text.splitlines():
        if line.strip().lower() == "subcommands:":
            inside = True
            continue
        if inside:
            m = re.match(r"^  (\S+)\s", line + " ")
            if not m or not line.startswith("  "):
                if line.strip():
                    inside = False
                continue
            names.append(m.group(1))
    return names


def roff(text):
    """Plain text as roff: escape backslashes, protect leading dots and quotes."""
    lines = []
    for line in text.rstrip().splitlines():
        line = line.replace("\\", "\\e").replace("-", "\\-")
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def walk(binary, path, sections):
    text = helptext(binary, path)
    sections.append((path, text))
    for name in subcommands(text):
        walk(binary, [*path, name], sections)


def main():
    binary, out, version = sys.argv[1:4]
    sections = []
    walk(binary, [], sections)
    top = sections[0][1]
    head, _, rest = top.partition("Usage:")
    description = head.strip()
    parts = [
        '.TH CONFORMSCAN 1 "" "conformscan %s" "User Commands"' % version,
        ".SH NAME",
        "conformscan \\- security\\-standards conformance self\\-check scanner",
        ".SH SYNOPSIS",
        ".B conformscan",
        "[\\fIOPTIONS\\fR] \\fISUBCOMMAND\\fR ...",
        ".SH DESCRIPTION",
        roff(description),
        ".SH OPTIONS",
        ".nf",
        roff(rest.split("\n", 1)[1].strip() if "\n" in rest else rest),
        ".fi",
        ".SH COMMANDS",
    ]
    for path, text in sections[1:]:
        parts += [".SS %s" % roff("conformscan " + " ".join(path)), ".nf", roff(text), ".fi"]
    parts += [
        ".SH FILES",
        ".TP",
        "/etc/conformscan/conformscan.yaml",
        "the scheduled\\-scan configuration (see \\fBconfig check\\fR)",
        ".TP",
        "/usr/share/conformscan/profiles",
        "the shipped profiles",
        ".TP",
        "/var/lib/conformscan",
        "reports and the scan history (history.sqlite) of the packaged service",
        ".SH SEE ALSO",
        "The README in /usr/share/doc/conformscan, and the example configuration there.",
    ]
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
