// Command routesvc is a small routing service: POST /v1/routes with a JSON batch of
// (from, to) junction pairs answers each with a shortest path over a generated road
// network. It is the harness's HTTP scenario: every request decodes JSON, runs Dijkstra
// with the routing profile the request names
// (an interface call per road, which PGO devirtualizes) and a binary heap and encodes JSON,
// behind the chi router; net/http/pprof serves CPU profiles on /debug/pprof/.
//
//	routesvc -port 8080 [-addr 127.0.0.1] [-grid 120] [-seed 1]
//
// Endpoints: GET /healthz (readiness: 200 "ok" once the graph is built),
// POST /v1/routes, GET /v1/graph (size of the network), /debug/pprof/*.
// cmd/loadgen drives it.
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
	"sync"

	"github.com/go-chi/chi/v5"
)

// Request is the body of POST /v1/routes.
type Request struct {
	Queries []struct {
		From int `json:"from"`
		To   int `json:"to"`
	} `json:"queries"`
	WithPath bool   `json:"with_path"`
	Profile  string `json:"profile"` // fastest (default), fastest-notoll, shortest, eco
	// Road and search options.
	AvoidHighways bool `json:"avoid_highways"`
	Dijkstra      bool `json:"dijkstra"` // plain Dijkstra instead of A*
}

// Response is its answer.
type Response struct {
	Routes    []Route `json:"routes"`
	TotalCost float64 `json:"total_cost"`
}

const maxQueries = 64

func main() {
	addr := flag.String("addr", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8080, "port to listen on")
	grid := flag.Int("grid", 120, "the road network is a GRID x GRID grid")
	seed := flag.Uint64("seed", 1, "seed of the road network")
	flag.Parse()
	if *grid < 2 || *grid > 2000 {
		fmt.Fprintln(os.Stderr, "routesvc: -grid must be in 2..2000")
		os.Exit(2)
	}
	g := NewGraph(*grid, *grid, *seed)
	ln, err := net.Listen("tcp", net.JoinHostPort(*addr, strconv.Itoa(*port)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "routesvc:", err)
		os.Exit(1)
	}
	log.Printf("routesvc: %dx%d network, listening on %s", *grid, *grid, ln.Addr())
	if err := http.Serve(ln, newRouter(g)); err != nil {
		fmt.Fprintln(os.Stderr, "routesvc:", err)
		os.Exit(1)
	}
}

func newRouter(g *Graph) http.Handler {
	searches := sync.Pool{New: func() any { return newSearch(len(g.Edges)) }}
	r := chi.NewRouter()
	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	r.Get("/v1/graph", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]int{"width": g.W, "height": g.H, "nodes": len(g.Edges)})
	})
	r.Post("/v1/routes", func(w http.ResponseWriter, req *http.Request) {
		var in Request
		dec := json.NewDecoder(http.MaxBytesReader(w, req.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		if len(in.Queries) == 0 || len(in.Queries) > maxQueries {
			http.Error(w, fmt.Sprintf("bad request: want 1..%d queries", maxQueries), http.StatusBadRequest)
			return
		}
		n := len(g.Edges)
		for _, q := range in.Queries {
			if q.From < 0 || q.From >= n || q.To < 0 || q.To >= n {
				http.Error(w, fmt.Sprintf("bad request: junctions are 0..%d", n-1), http.StatusBadRequest)
				return
			}
		}
		if _, ok := WeightingByName(in.Profile); !ok {
			http.Error(w, fmt.Sprintf("bad request: unknown profile %q", in.Profile), http.StatusBadRequest)
			return
		}
		s := searches.Get().(*Search)
		defer searches.Put(s)
		out := Response{Routes: make([]Route, 0, len(in.Queries))}
		for _, q := range in.Queries {
			plan, _ := g.NewPlan(in.Profile, in.AvoidHighways, in.Dijkstra, q.To)
			rt := g.ShortestPath(s, plan, q.From, q.To, in.WithPath)
			out.Routes = append(out.Routes, rt)
			out.TotalCost += rt.Cost
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(&out)
	})
	// The profiler lives on the default mux, as in any service that imports net/http/pprof.
	r.Handle("/debug/pprof/*", http.DefaultServeMux)
	return r
}
