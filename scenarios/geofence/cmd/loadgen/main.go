// Command loadgen drives geofence instances: it sends a deterministic sequence of
// POST /v1/locate requests, round-robin over the base URLs it is given, from -c
// concurrent workers, until -n requests are done or -duration has passed, and exits
// non-zero if any request failed.
//
//	loadgen [-n 400] [-duration 0] [-c 2] [-points 64] [-seed 1] URL [URL...]
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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	n := flag.Int("n", 400, "requests to send in total (0: until -duration)")
	duration := flag.Duration("duration", 0, "stop after this long (0: no limit)")
	conc := flag.Int("c", 2, "concurrent workers")
	points := flag.Int("points", 64, "points per request")
	seed := flag.Uint64("seed", 1, "seed of the point sequence")
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
	if len(urls) == 0 || *conc < 1 || *points < 1 || (*n <= 0 && *duration <= 0) {
		fmt.Fprintln(os.Stderr, "usage: loadgen [-n N | -duration D] [-c C] [-points P] [-seed S] URL [URL...]")
		os.Exit(2)
	}
	if err := run(urls, *n, *duration, *conc, *points, *seed, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(urls []string, n int, duration time.Duration, conc, points int, seed uint64, timeout time.Duration) error {
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxIdleConns: conc * len(urls)},
	}
	// Learn the area from the first instance, so points fall inside it.
	size, err := areaSize(client, urls[0])
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
				// Request i's points depend only on (seed, i): the sequence is the same
				// whatever the concurrency and the number of instances.
				body := requestBody(seed, uint64(i), points, size)
				if err := post(client, urls[int(i)%len(urls)], body, points); err != nil {
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

func areaSize(client *http.Client, base string) (float64, error) {
	resp, err := client.Get(base + "/v1/area")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s/v1/area: %s", base, resp.Status)
	}
	var info struct {
		SizeKm float64 `json:"size_km"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.SizeKm <= 0 {
		return 0, fmt.Errorf("%s/v1/area: bad answer (%v)", base, err)
	}
	return info.SizeKm, nil
}

// requestBody returns request i: points clustered around a few hot spots, as orders
// cluster around city centres, plus uniform noise; coordinates in km to the metre.
func requestBody(seed, i uint64, points int, size float64) []byte {
	r := rand.New(rand.NewPCG(seed, i))
	cx, cy := size*(0.2+0.6*r.Float64()), size*(0.2+0.6*r.Float64())
	b := append(make([]byte, 0, 32*points), `{"points":[`...)
	for p := 0; p < points; p++ {
		x, y := r.Float64()*size, r.Float64()*size
		if r.IntN(4) != 0 {
			x, y = cx+r.NormFloat64()*size/20, cy+r.NormFloat64()*size/20
		}
		if p > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"x":`...)
		b = strconv.AppendFloat(b, x, 'f', 3, 64)
		b = append(b, `,"y":`...)
		b = strconv.AppendFloat(b, y, 'f', 3, 64)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func post(client *http.Client, base string, body []byte, points int) error {
	resp, err := client.Post(base+"/v1/locate", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s/v1/locate: %s: %s", base, resp.Status, bytes.TrimSpace(data))
	}
	var out struct {
		Answers []json.RawMessage `json:"answers"`
	}
	if err := json.Unmarshal(data, &out); err != nil || len(out.Answers) != points {
		return fmt.Errorf("%s/v1/locate: bad answer: %d answers for %d points (%v)", base, len(out.Answers), points, err)
	}
	return nil
}
