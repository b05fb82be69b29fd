// Fixture for tests/scenario/scenario_test.cpp (a "gotest" package); never built.
package bench

import "testing"

func BenchmarkNothing(b *testing.B) {
	for i := 0; i < b.N; i++ {
	}
}
