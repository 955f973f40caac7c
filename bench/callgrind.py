#!/usr/bin/env python3
"""bench/callgrind.py FILE FUNCTION...: for each FUNCTION, "NAME CALLS
INCLUSIVE_IR" from a callgrind output file: the calls made to it and the
instructions spent inside it and below, summed over every call site
(python3 standard library; the format is valgrind's callgrind format).
The name TOTAL gives "TOTAL 0 IR": every instruction of the file (part)."""
import re
import sys


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    names, want = {}, set(argv[2:])
    calls = {f: 0 for f in want}
    incl = {f: 0 for f in want}
    incl['TOTAL'] = 0
    events = None
    cfn = None
    pending = None		# the function a "calls=" line just named
    with open(argv[1]) as f:
        for line in f:
            if line.startswith('events:'):
                events = line.split()[1:]
                continue
            if line.startswith(('summary:', 'totals:')):
                incl['TOTAL'] = int(line.split()[1])
                continue
            m = re.match(r'fn=\((\d+)\)(?: (.*))?', line)
            if m:
                # fn= and cfn= share one table of compressed names.
                if m.group(2):
                    names[m.group(1)] = m.group(2).strip()
                pending = None
                continue
            m = re.match(r'cfn=\((\d+)\)(?: (.*))?', line)
            if m:
                if m.group(2):
                    names[m.group(1)] = m.group(2).strip()
                cfn = names.get(m.group(1))
                continue
            if line.startswith('cfn='):
                cfn = line[4:].strip()
                continue
            if line.startswith('calls='):
                n = int(line.split()[0][6:])
                if cfn in want:
                    calls[cfn] += n
                    pending = cfn
                continue
            if pending is not None:
                # The cost line of the call: position(s), then Ir first.
                parts = line.split()
                if events and len(parts) > 1:
                    incl[pending] += int(parts[1])
                pending = None
    for fn in argv[2:]:
        print('%s %d %d' % (fn, calls.get(fn, 0), incl[fn]))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
