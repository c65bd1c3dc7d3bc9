"""`python3 -m pyjitc cache|profile|run ...` (what the `pyjitc` binary execs)."""
import sys

from .cli import main

sys.exit(main())
