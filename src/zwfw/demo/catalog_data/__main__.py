"""``python -m zwfw.demo.catalog_data``: print the demo catalogue as JSON."""

import json
import sys

from zwfw.demo.catalog_data import build_catalog

json.dump(build_catalog(), sys.stdout, ensure_ascii=False, indent=1)
sys.stdout.write("\n")
