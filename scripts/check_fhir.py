#!/usr/bin/env python3
"""Independent check of Passerelle's FHIR output with the `fhir.resources` package (R4B models).

Usage: check_fhir.py FILE_OR_DIR...

Every `*.json` file (directories are searched recursively) must hold a FHIR Bundle. The bundle
and each entry's resource are parsed and validated by the pydantic models of
`fhir.resources.R4B` (types, cardinalities, primitive formats such as `instant`, `date`, `id`,
`code`), which share nothing with Passerelle's Swift encoder. Prints one line per file and
exits 1 when any file fails, 2 when the package is missing or no file was given.
Install: pip install 'fhir.resources==7.1.0' (see scripts/install-deps.sh).
"""
import json
import sys
from pathlib import Path

try:
    from fhir.resources.R4B import get_fhir_model_class
    from fhir.resources.R4B.bundle import Bundle
except ImportError as error:  # the test must fail loudly, never pass without checking
    print(f"check_fhir: the Python package fhir.resources (R4B) is not installed: {error}. "
          "Run scripts/install-deps.sh or: python3 -m pip install 'fhir.resources==7.1.0'", file=sys.stderr)
    sys.exit(2)


def check_file(path: Path) -> list[str]:
    errors = []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [f"not JSON: {error}"]
    if data.get("resourceType") != "Bundle":
        return [f"resourceType is {data.get('resourceType')!r}, expected 'Bundle'"]
    try:
        Bundle.model_validate(data) if hasattr(Bundle, "model_validate") else Bundle.parse_obj(data)
    except Exception as error:  # pydantic ValidationError and model errors
        errors.append(f"Bundle: {error}")
    ids = set()
    for index, entry in enumerate(data.get("entry", [])):
        resource = entry.get("resource", {})
        kind = resource.get("resourceType")
        rid = resource.get("id")
        if not entry.get("fullUrl", "").endswith(rid or "\0"):
            errors.append(f"entry[{index}]: fullUrl {entry.get('fullUrl')!r} does not end with the resource id")
        if rid in ids:
            errors.append(f"entry[{index}]: duplicate resource id {rid}")
        ids.add(rid)
        try:
            model = get_fhir_model_class(kind)
            model.model_validate(resource) if hasattr(model, "model_validate") else model.parse_obj(resource)
        except Exception as error:
            errors.append(f"entry[{index}] {kind}: {error}")
    full_urls = {entry.get("fullUrl") for entry in data.get("entry", [])}
    for reference in _references(data):
        if reference.startswith("urn:uuid:") and reference not in full_urls:
            errors.append(f"reference {reference} does not resolve inside the bundle")
    return errors


def _references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("reference", "url") and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def main(argv: list[str]) -> int:
    files = []
    for arg in argv:
        path = Path(arg)
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    if not files:
        print("check_fhir: no bundle to check", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        errors = check_file(path)
        if errors:
            failed += 1
            print(f"{path}: FAILED")
            for error in errors:
                print(f"  {error}")
        else:
            print(f"{path}: ok")
    print(f"{len(files) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
