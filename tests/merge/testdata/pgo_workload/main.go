// pgo_workload: a small CPU-bound program that writes a fresh CPU profile, used by the
// PGO view and trimmer integration tests (a profile of the current Go toolchain, with
// Function.start_line and inline frames, unlike the older test profiles).
package main

import (
	"flag"
	"log"
	"os"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
)

type point struct{ x, y int }

func (p point) dist2(q point) int {
	dx, dy := p.x-q.x, p.y-q.y
	return dx*dx + dy*dy
}

func nearest(ps []point, q point) int {
	best, bestD := 0, int(^uint(0)>>1)
	for i, p := range ps {
		if d := p.dist2(q); d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

func hashWords(words []string) uint64 {
	var h uint64 = 14695981039346656037
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			h ^= uint64(w[i])
			h *= 1099511628211
		}
	}
	return h
}

func sortWords(words []string) {
	sort.Slice(words, func(i, j int) bool { return strings.Compare(words[i], words[j]) < 0 })
}

func work(deadline time.Time) uint64 {
	var acc uint64
	seed := uint64(1)
	next := func() uint64 {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return seed
	}
	for time.Now().Before(deadline) {
		ps := make([]point, 2000)
		for i := range ps {
			ps[i] = point{int(next() % 1000), int(next() % 1000)}
		}
		for i := 0; i < 200; i++ {
			acc += uint64(nearest(ps, point{int(next() % 1000), int(next() % 1000)}))
		}
		words := make([]string, 3000)
		for i := range words {
			words[i] = strings.Repeat(string(rune('a'+next()%26)), int(1+next()%8))
		}
		sortWords(words)
		acc += hashWords(words)
	}
	return acc
}

func main() {
	out := flag.String("cpuprofile", "", "write a CPU profile to this file")
	dur := flag.Duration("duration", time.Second, "how long to work")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	acc := work(time.Now().Add(*dur))
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	if acc == 42 {
		os.Exit(3) // keeps acc alive
	}
}
