"""Pure-Python helpers shared by the demo, the end-to-end tests and benchmarks."""
