// Fixture for tests/scenario/scenario_test.cpp (a "tool" package); never built.
package main

func main() {}
