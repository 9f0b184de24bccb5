"""What the pytest plugin's fixtures build on; ``conftest_plugin`` imports it inside fixtures."""
