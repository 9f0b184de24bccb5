"""Device commands over the WebSocket, as plain Python (no HTTP here)."""
