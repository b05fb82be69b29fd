package main

import (
	"testing"
	"time"
)

func BenchmarkWork(b *testing.B) {
	for i := 0; i < b.N; i++ {
		work(time.Millisecond)
	}
}

// A fixed amount of work per op, for the counting-metric tests.
func BenchmarkCount(b *testing.B) {
	for i := 0; i < b.N; i++ {
		count(100000)
	}
}
