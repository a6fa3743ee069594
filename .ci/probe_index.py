"""Exit 0 if a package index answers, 1 if not: `python .ci/probe_index.py URL [TIMEOUT]` (make setup).

One HEAD request for URL/torch/, no retries, a short timeout (5 s by default). Any HTTP
answer counts (the index is there); a DNS failure, refused connection or timeout does not.
The proxy variables (https_proxy, ...) apply as they do for pip.
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request


def answers(url: str, timeout: float = 5.0) -> bool:
    request = urllib.request.Request(url.rstrip("/") + "/torch/", method="HEAD")
    try:
        urllib.request.urlopen(request, timeout=timeout).close()
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if answers(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 5.0) else 1)
