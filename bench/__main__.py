"""``python -m bench [--quick] [--only NAME,…]``: every benchmark, one table, bench/results.json."""
import sys

from bench.run import main

sys.exit(main())
