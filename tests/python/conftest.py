# The plugin is loaded by the repository's root conftest.py (pytest_plugins may only be
# declared there); run these tests from the root or with -p maillab.pytest_plugin.
