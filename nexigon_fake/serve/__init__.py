"""HTTP and process: the Starlette app, control plane, OpenAPI, in-process transport, CLI."""
