package main

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkTestdata reads its input by a path relative to the package directory, as
// benchmarks commonly do: it only works when the test binary runs where `go test` would
// run it.
func BenchmarkTestdata(b *testing.B) {
	data, err := os.ReadFile("testdata/words.txt")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if bytes.Count(data, []byte("\n")) != 4 {
			b.Fatal("testdata/words.txt: want 4 lines")
		}
	}
}
