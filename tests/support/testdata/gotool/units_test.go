package main

import "testing"

var sink []byte

// BenchmarkUnits allocates a fixed amount per op and reports a custom unit, so that the
// per-benchmark results carry B/op, allocs/op (with -test.benchmem) and a
// b.ReportMetric unit besides ns/op.
func BenchmarkUnits(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink = make([]byte, 4096)
	}
	b.ReportMetric(3, "widgets/op")
}
