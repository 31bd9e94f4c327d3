"""Prints one data key of a Kubernetes ConfigMap manifest: configmap-data.py FILE KEY."""
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as handle:
    for document in yaml.safe_load_all(handle):
        if document and document.get("kind") == "ConfigMap":
            value = (document.get("data") or {}).get(sys.argv[2])
            if value is not None:
                sys.stdout.write(value)
                sys.exit(0)
sys.exit(1)
