// Fixture for tests/harness/scenario_test.cpp (a "tool" package); never built.
package main

func main() {}
