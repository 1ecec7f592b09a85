"""``python -m bench [checkins]``: run the benchmarks and print their tables."""

import sys

from bench import checkin_burst


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] == "checkins":
        checkin_burst.main(args[1:])
    else:
        print("usage: python -m bench [checkins] [options]")
        sys.exit(2)


if __name__ == "__main__":
    main()
