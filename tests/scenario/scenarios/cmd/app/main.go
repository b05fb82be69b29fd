// Fixture for tests/scenario/scenario_test.cpp: the loader only checks that this package
// directory exists; it is never built.
package main

func main() {}
