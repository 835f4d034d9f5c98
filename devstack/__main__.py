"""`python -m devstack --stage dev [--stage hue]`: what `make run` starts."""

import os
import sys

from devstack.stack import main

code = main()
# Everything started is stopped and every file is closed by now; skip the interpreter's
# teardown of moto's in-memory AWS, which takes seconds and frees nothing worth freeing.
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
