// Command geofence is a delivery-area service: POST /v1/locate with a JSON batch of
// points answers, for each, the zones it lies in, whether it can be delivered to and the
// fee. It is the harness's HTTP scenario: every request is decoded and encoded by a hand
// written codec through small byte-at-a-time interfaces, and each point is tested against
// the zones through the Shape interface (calls PGO devirtualizes and inlines), behind the
// chi router and a chi middleware; net/http/pprof serves CPU profiles.
//
//	geofence -port 8080 [-addr 127.0.0.1] [-zones 1000] [-seed 1]
//
// Endpoints: GET /healthz (readiness: 200 "ok"), GET /v1/area (area size and zone
// count), POST /v1/locate (Content-Type application/json), /debug/pprof/*. cmd/loadgen
// drives it.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/* on http.DefaultServeMux
	"os"
	"strconv"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

const (
	areaKm    = 100.0
	baseCents = 250
	maxPoints = 1000
)

func main() {
	addr := flag.String("addr", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8080, "port to listen on")
	nzones := flag.Int("zones", 1000, "number of generated zones")
	seed := flag.Uint64("seed", 1, "seed of the generated zones")
	flag.Parse()
	if *nzones < 1 || *nzones > 100000 {
		fmt.Fprintln(os.Stderr, "geofence: -zones must be in 1..100000")
		os.Exit(2)
	}
	ix := NewIndex(GenerateZones(*seed, *nzones, areaKm))
	ln, err := net.Listen("tcp", net.JoinHostPort(*addr, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "geofence:", err)
		os.Exit(1)
	}
	log.Printf("geofence: %d zones, listening on %s", ix.Len(), ln.Addr())
	if err := http.Serve(ln, newRouter(ix)); err != nil {
		fmt.Fprintln(os.Stderr, "geofence:", err)
		os.Exit(1)
	}
}

// requestState is the per-request scratch space, pooled so that a request allocates
// almost nothing.
type requestState struct {
	br      *bufio.Reader
	dec     decoder
	points  []Point
	answers []Answer
	ids     []int
	out     bytes.Buffer
}

var statePool = sync.Pool{New: func() any { return &requestState{br: bufio.NewReaderSize(nil, 4096)} }}

func newRouter(ix *Index) http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	r.Get("/v1/area", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]float64{"size_km": areaKm, "zones": float64(ix.Len())})
	})
	r.With(middleware.AllowContentType("application/json")).Post("/v1/locate", func(w http.ResponseWriter, req *http.Request) {
		st := statePool.Get().(*requestState)
		defer func() { st.br.Reset(nil); statePool.Put(st) }()
		st.br.Reset(http.MaxBytesReader(w, req.Body, 1<<20))
		st.dec.r = st.br
		var err error
		st.points, err = st.dec.decodeRequest(st.points[:0], maxPoints)
		if err == nil && len(st.points) == 0 {
			err = errors.New("no points")
		}
		if err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		st.answers, st.ids = st.answers[:0], st.ids[:0]
		for _, p := range st.points {
			var a Answer
			a, st.ids = ix.Locate(p, baseCents, st.ids)
			st.answers = append(st.answers, a)
		}
		st.out.Reset()
		writeResponse(&st.out, st.answers)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(st.out.Len()))
		w.Write(st.out.Bytes())
	})
	// The profiler lives on the default mux, as in any service that imports net/http/pprof.
	r.Handle("/debug/pprof/*", http.DefaultServeMux)
	return r
}
