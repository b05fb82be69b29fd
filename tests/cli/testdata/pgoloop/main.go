// A tiny batch program for the end-to-end tests of `pgo-harness run`: interface-heavy CPU
// work (so PGO has something to devirtualize), a -cpuprofile flag, and switches that make
// it fail in the ways the harness must report. It imports as little as possible because
// every PGO build recompiles its dependencies, the runtime included.
package main

import (
	"flag"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

type shape interface{ area() float64 }
type square struct{ s float64 }
type circle struct{ r float64 }

func (q square) area() float64 { return q.s * q.s }
func (c circle) area() float64 { return 3.14159 * c.r * c.r }

// roundSize is the number of calls in one round of work. The compare end-to-end test
// raises it in a copy of this program to make a deliberately slower build.
const roundSize = 100000

func work(d time.Duration) float64 {
	shapes := []shape{square{2}, circle{1}}
	total := 0.0
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < roundSize; i++ {
			total += shapes[i%2].area()
		}
	}
	return total
}

// fixedWork does n rounds: a fixed amount of work, so that its CPU time shows how fast
// the build is (work(d) takes d whatever the build).
func fixedWork(n int) float64 {
	shapes := []shape{square{2}, circle{1}}
	total := 0.0
	for r := 0; r < n; r++ {
		for i := 0; i < roundSize; i++ {
			total += shapes[i%2].area()
		}
	}
	return total
}

func main() {
	cpu := flag.String("cpuprofile", "", "write a CPU profile here")
	ignore := flag.String("ignore", "", "accepted and ignored (a profile flag that writes nothing)")
	empty := flag.String("emptyprofile", "", "create this file empty instead of a profile")
	d := flag.Duration("d", 200*time.Millisecond, "how long to work")
	rounds := flag.Int("rounds", 0, "do this many rounds of work instead of working for -d")
	fail := flag.Bool("fail", false, "exit with status 1")
	flag.Parse()
	_ = ignore
	if *fail {
		os.Stderr.WriteString("pgoloop: failing as asked\n")
		os.Exit(1)
	}
	if *empty != "" {
		f, err := os.Create(*empty)
		if err != nil {
			panic(err)
		}
		f.Close()
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			panic(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var total float64
	if *rounds > 0 {
		total = fixedWork(*rounds)
	} else {
		total = work(*d)
	}
	os.Stdout.WriteString(strconv.FormatFloat(total, 'g', -1, 64) + "\n")
}
