"""Start-up hook of a process a test started with `iam_recording.subprocess_env`: record its AWS calls.

Python imports `sitecustomize` from PYTHONPATH when it starts; only processes
started with that environment (and their children, which inherit it) see this
directory.
"""

import os
import sys

if os.environ.get("PHANANH_IAM_RECORD"):
    sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/, last: shadows nothing
    import iam_recording

    iam_recording.install_in_subprocess()
