// Command loadgen drives routesvc instances: it sends a deterministic sequence of
// POST /v1/routes requests, round-robin over the base URLs it is given, from -c
// concurrent workers, until -n requests are done or -duration has passed, and exits
// non-zero if any request failed.
//
//	loadgen [-n 300] [-duration 0] [-c 2] [-batch 4] [-seed 1] URL [URL...]
//
// URLs may also be comma-separated in one argument. The summary line goes to stdout.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 300, "requests to send in total (0: until -duration)")
	duration := flag.Duration("duration", 0, "stop after this long (0: no limit)")
	conc := flag.Int("c", 2, "concurrent workers")
	batch := flag.Int("batch", 4, "queries per request")
	seed := flag.Uint64("seed", 1, "seed of the query sequence")
	withPath := flag.Bool("path", false, "ask for full paths in the answers")
	timeout := flag.Duration("timeout", 30*time.Second, "per-request timeout")
	flag.Parse()
	var urls []string
	for _, a := range flag.Args() {
		for _, u := range strings.Split(a, ",") {
			if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
				urls = append(urls, u)
			}
		}
	}
	if len(urls) == 0 || *conc < 1 || *batch < 1 || (*n <= 0 && *duration <= 0) {
		fmt.Fprintln(os.Stderr, "usage: loadgen [-n N | -duration D] [-c C] [-batch B] [-seed S] URL [URL...]")
		os.Exit(2)
	}
	if err := run(urls, *n, *duration, *conc, *batch, *seed, *withPath, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(urls []string, n int, duration time.Duration, conc, batch int, seed uint64, withPath bool, timeout time.Duration) error {
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc * len(urls)},
	}
	// Learn the network size from the first instance, so queries stay in range.
	nodes, err := graphNodes(client, urls[0])
	if err != nil {
		return err
	}
	var deadline time.Time
	start := time.Now()
	if duration > 0 {
		deadline = start.Add(duration)
	}
	var next atomic.Int64 // index of the next request to send
	var failed atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if (n > 0 && i >= int64(n)) || (!deadline.IsZero() && time.Now().After(deadline)) {
					return
				}
				// Request i's queries depend only on (seed, i): the sequence is the same
				// whatever the concurrency and the number of instances.
				body := requestBody(seed, uint64(i), batch, nodes, withPath)
				if err := post(client, urls[int(i)%len(urls)], body); err != nil {
					failed.Add(1)
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	sent := next.Load()
	if n > 0 && sent > int64(n) {
		sent = int64(n)
	}
	elapsed := time.Since(start)
	fmt.Printf("loadgen: %d requests to %d instance(s) in %.3fs (%.1f req/s), %d failed\n",
		sent, len(urls), elapsed.Seconds(), float64(sent)/elapsed.Seconds(), failed.Load())
	if firstErr != nil {
		return fmt.Errorf("%d of %d requests failed; first: %w", failed.Load(), sent, firstErr)
	}
	return nil
}

func graphNodes(client *http.Client, base string) (int, error) {
	resp, err := client.Get(base + "/v1/graph")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var info struct{ Nodes int }
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s/v1/graph: %s", base, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.Nodes < 2 {
		return 0, fmt.Errorf("%s/v1/graph: bad answer (%v)", base, err)
	}
	return info.Nodes, nil
}

// The routing profiles requested, with the mix a consumer routing API sees: mostly the
// default.
var profiles = []string{"fastest", "fastest", "fastest", "fastest", "fastest", "fastest-notoll", "shortest", "eco"}

func requestBody(seed, i uint64, batch, nodes int, withPath bool) []byte {
	r := rand.New(rand.NewPCG(seed, i))
	type query struct {
		From int `json:"from"`
		To   int `json:"to"`
	}
	req := struct {
		Queries  []query `json:"queries"`
		WithPath bool    `json:"with_path"`
		Profile  string  `json:"profile"`
	}{WithPath: withPath, Profile: profiles[r.IntN(len(profiles))]}
	for q := 0; q < batch; q++ {
		req.Queries = append(req.Queries, query{From: r.IntN(nodes), To: r.IntN(nodes)})
	}
	b, _ := json.Marshal(&req) // cannot fail: plain ints and bools
	return b
}

func post(client *http.Client, base string, body []byte) error {
	resp, err := client.Post(base+"/v1/routes", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/v1/routes: %s: %s", base, resp.Status, bytes.TrimSpace(data))
	}
	var out struct {
		Routes []json.RawMessage `json:"routes"`
	}
	if err := json.Unmarshal(data, &out); err != nil || len(out.Routes) == 0 {
		return fmt.Errorf("%s/v1/routes: bad answer (%v)", base, err)
	}
	return nil
}
