// A tiny program for the harness's integration tests: batch work with -cpuprofile, an
// HTTP server with net/http/pprof, and a load generator.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime/pprof"
	"time"
)

type shape interface{ area() float64 }
type square struct{ s float64 }
type circle struct{ r float64 }

func (q square) area() float64 { return q.s * q.s }
func (c circle) area() float64 { return 3.14159 * c.r * c.r }

// work keeps the CPU busy through an interface call, for about d.
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

// count does a fixed amount of work through the same interface call, n calls: the same
// instructions every run (for the counting-metric tests).
func count(n int) float64 {
	shapes := []shape{square{2}, circle{1}}
	total := 0.0
	for i := 0; i < n; i++ {
		total += shapes[i%2].area()
	}
	return total
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tool batch|count|serve|load ...")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	cpu := fs.String("cpuprofile", "", "write a CPU profile here")
	dur := fs.Duration("d", 300*time.Millisecond, "how long to work")
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	hang := fs.Bool("hang-profile", false, "never answer /debug/pprof/profile")
	fail := fs.Bool("fail", false, "exit with status 3")
	life := fs.Duration("life", 0, "serve: exit with status 4 after this long")
	calls := fs.Int("n", 1000000, "count: interface calls to make")
	fs.Parse(os.Args[2:])
	switch os.Args[1] {
	case "batch":
		if *fail {
			fmt.Fprintln(os.Stderr, "batch: failing as asked")
			os.Exit(3)
		}
		if *cpu != "" {
			f, err := os.Create(*cpu)
			if err != nil {
				panic(err)
			}
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		fmt.Println(work(*dur))
	case "count":
		if *fail {
			fmt.Fprintln(os.Stderr, "count: failing as asked")
			os.Exit(3)
		}
		fmt.Println(count(*calls))
	case "serve":
		http.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintln(w, work(5*time.Millisecond))
		})
		handler := http.Handler(http.DefaultServeMux)
		if *hang {
			handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/debug/pprof/profile" {
					select {}
				}
				http.DefaultServeMux.ServeHTTP(w, r)
			})
		}
		if *life > 0 {
			time.AfterFunc(*life, func() {
				fmt.Fprintln(os.Stderr, "serve: life is over")
				os.Exit(4)
			})
		}
		fmt.Println("listening on", *addr)
		if err := http.ListenAndServe(*addr, handler); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "load":
		end := time.Now().Add(*dur)
		n := 0
		for time.Now().Before(end) {
			for _, u := range fs.Args() {
				resp, err := http.Get(u + "/work")
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				n++
			}
		}
		fmt.Println("requests:", n)
	}
}
