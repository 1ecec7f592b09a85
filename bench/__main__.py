"""``python -m bench [load|checkins] [options]``: run the benchmarks, print their tables.

Without a name both run: the busy hour (``load``) and 30,000 check-ins at 10:00
(``checkins``).
"""

import sys

from bench import checkin_burst, load


def main() -> None:
    args = sys.argv[1:]
    if not args:
        load.main([])
        checkin_burst.main(["--count", "30000"])
    elif args[0] == "load":
        load.main(args[1:])
    elif args[0] == "checkins":
        checkin_burst.main(args[1:])
    else:
        print("usage: python -m bench [load|checkins] [options]")
        sys.exit(2)


if __name__ == "__main__":
    main()
