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
