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

func work(d time.Duration) float64 {
	shapes := []shape{square{2}, circle{1}}
	total := 0.0
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := 0; i < 100000; i++ {
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
	os.Stdout.WriteString(strconv.FormatFloat(work(*d), 'g', -1, 64) + "\n")
}
