// Command geofence is a delivery-area service: POST /v1/locate with a JSON batch of
// points answers, for each, the zones it lies in, whether it can be delivered to and the
// fee. It is the harness's HTTP scenario: every request decodes JSON, tests each point
// against every zone through the Shape interface (calls PGO devirtualizes and inlines)
// and encodes JSON, behind the chi router; net/http/pprof serves CPU profiles.
//
//	geofence -port 8080 [-addr 127.0.0.1] [-zones 800] [-seed 1]
//
// Endpoints: GET /healthz (readiness: 200 "ok"), GET /v1/area (area size and zone
// count), POST /v1/locate, /debug/pprof/*. cmd/loadgen drives it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/* on http.DefaultServeMux
	"os"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// LocateRequest is the body of POST /v1/locate.
type LocateRequest struct {
	Points []Point `json:"points"`
}

// LocateResponse is its answer, one entry per point, in order.
type LocateResponse struct {
	Answers     []Answer `json:"answers"`
	Deliverable int      `json:"deliverable"`
}

const (
	areaKm    = 100.0
	baseFee   = 2.5
	maxPoints = 1000
)

func main() {
	addr := flag.String("addr", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8080, "port to listen on")
	nzones := flag.Int("zones", 800, "number of generated zones")
	seed := flag.Uint64("seed", 1, "seed of the generated zones")
	flag.Parse()
	if *nzones < 1 || *nzones > 100000 {
		fmt.Fprintln(os.Stderr, "geofence: -zones must be in 1..100000")
		os.Exit(2)
	}
	zones := GenerateZones(*seed, *nzones, areaKm)
	ln, err := net.Listen("tcp", net.JoinHostPort(*addr, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "geofence:", err)
		os.Exit(1)
	}
	log.Printf("geofence: %d zones, listening on %s", len(zones), ln.Addr())
	if err := http.Serve(ln, newRouter(zones)); err != nil {
		fmt.Fprintln(os.Stderr, "geofence:", err)
		os.Exit(1)
	}
}

func newRouter(zones []Zone) http.Handler {
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	r.Get("/v1/area", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]float64{"size_km": areaKm, "zones": float64(len(zones))})
	})
	r.Post("/v1/locate", func(w http.ResponseWriter, req *http.Request) {
		var in LocateRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		if len(in.Points) == 0 || len(in.Points) > maxPoints {
			http.Error(w, fmt.Sprintf("bad request: want 1..%d points", maxPoints), http.StatusBadRequest)
			return
		}
		out := LocateResponse{Answers: make([]Answer, len(in.Points))}
		for i, p := range in.Points {
			a := Locate(zones, p, baseFee)
			out.Answers[i] = a
			if a.Deliverable {
				out.Deliverable++
			}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(&out)
	})
	// The profiler lives on the default mux, as in any service that imports net/http/pprof.
	r.Handle("/debug/pprof/*", http.DefaultServeMux)
	return r
}
