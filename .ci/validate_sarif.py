#!/usr/bin/env python3
"""Validates SARIF files against a SARIF 2.1.0 JSON schema (jsonschema package).

usage: validate_sarif.py SCHEMA FILE...   exit 0 valid, 1 invalid (errors printed)
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.validators.validator_for(schema)(schema)
    bad = 0
    for path in sys.argv[2:]:
        for e in validator.iter_errors(json.load(open(path))):
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{path}: {where}: {e.message}")
            bad += 1
    sys.exit(1 if bad else 0)


main()
