#!/usr/bin/env python3
"""Contract check of the HTTP API against schemas/openapi.yaml (run by PasserelleServerTests).

Usage: check_openapi.py SPEC.yaml EXCHANGES.json

EXCHANGES.json is a list of recorded exchanges with a live or in-process server:
  {"method": "GET", "path": "/v1/patients/{id}", "status": 200,
   "contentType": "application/json", "body": <parsed JSON or null>}
Checks that every exchange's operation and status are documented, that its content type is one
the operation documents for that status, that every JSON body validates against the documented
schema (JSON Schema 2020-12, as OpenAPI 3.1 uses), and that every documented operation was
exercised at least once. Prints one line per problem; exit status 1 when there is any.
"""
import json
import sys

import jsonschema
import yaml

try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # older jsonschema (e.g. Debian's python3-jsonschema 4.10): RefResolver
    Registry = None


def main() -> int:
    spec_path, exchanges_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    with open(exchanges_path, encoding="utf-8") as handle:
        exchanges = json.load(handle)
    if Registry is not None:
        registry = Registry().with_resource("urn:openapi", Resource.from_contents(spec, default_specification=DRAFT202012))

        def validator_for(schema):
            return jsonschema.Draft202012Validator(_rebase(schema), registry=registry)
    else:
        resolver = jsonschema.RefResolver(base_uri="urn:openapi", referrer=spec, store={"urn:openapi": spec})

        def validator_for(schema):
            return jsonschema.Draft202012Validator(_rebase(schema), resolver=resolver)
    problems = []
    seen = set()
    for exchange in exchanges:
        method, path, status = exchange["method"].lower(), exchange["path"], str(exchange["status"])
        where = f"{exchange['method']} {path} -> {status}"
        operation = spec.get("paths", {}).get(path, {}).get(method)
        if operation is None:
            problems.append(f"{where}: operation not documented")
            continue
        seen.add((path, method))
        response = operation.get("responses", {}).get(status)
        if response is None:
            problems.append(f"{where}: status not documented (documented: {', '.join(operation.get('responses', {}))})")
            continue
        if "$ref" in response:
            name = response["$ref"].split("/")[-1]
            response = spec["components"]["responses"][name]
        content = response.get("content")
        body_type = (exchange.get("contentType") or "").split(";")[0].strip()
        if not content:
            if exchange.get("body") not in (None, ""):
                problems.append(f"{where}: a body was sent but none is documented")
            continue
        if body_type not in content:
            problems.append(f"{where}: content type {body_type!r} not documented ({', '.join(content)})")
            continue
        schema = content[body_type].get("schema")
        body = exchange.get("body")
        if schema is None or body is None or not (body_type.endswith("json")):
            continue
        # Validate against the documented schema, resolving `#/components/...` through the whole document.
        validator = validator_for(schema)
        for error in validator.iter_errors(body):
            location = "/".join(str(part) for part in error.absolute_path)
            problems.append(f"{where}: body at /{location}: {error.message[:200]}")
    for path, item in spec.get("paths", {}).items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete") and (path, method) not in seen:
                problems.append(f"{method.upper()} {path}: documented but never exercised by the contract test")
    for line in problems:
        print(line)
    print(f"{len(exchanges)} exchanges checked against {spec_path}: {len(problems)} problem(s)")
    return 1 if problems else 0


def _rebase(node):
    """Rewrites local `#/...` references to the registry's `urn:openapi#/...`."""
    if isinstance(node, dict):
        return {key: ("urn:openapi" + value if key == "$ref" and isinstance(value, str) and value.startswith("#/") else _rebase(value))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_rebase(value) for value in node]
    return node


if __name__ == "__main__":
    sys.exit(main())
