package main

import (
	"math/rand/v2"
	"testing"
)

// Guards against a routing answer that is not a shortest path (a broken heap or a wrong
// relaxation would still return "found" routes), checked against Bellman-Ford.
func TestShortestPathMatchesBellmanFord(t *testing.T) {
	g := NewGraph(12, 9, 3)
	s := newSearch(len(g.Edges))
	for _, c := range []struct {
		name                string
		noHighway, dijkstra bool
	}{{"fastest", false, false}, {"fastest", false, true}, {"fastest-notoll", true, false}, {"shortest", false, false}, {"eco", false, false}, {"eco", true, true}} {
		name := c.name
		plan, _ := g.NewPlan(name, c.noHighway, c.dijkstra, 0)
		w, f := plan.Weighting, plan.Filter
		for from := 0; from < len(g.Edges); from += 17 {
			want := bellmanFord(g, w, f, from)
			for to := 0; to < len(g.Edges); to += 5 {
				p, _ := g.NewPlan(name, c.noHighway, c.dijkstra, to)
				got := g.ShortestPath(s, p, from, to, true)
				if !got.Found || abs(got.Cost-want[to]) > 1e-9 {
					t.Fatalf("%s %d->%d: got %+v, want cost %v", name, from, to, got, want[to])
				}
				if got.Path[0] != from || got.Path[len(got.Path)-1] != to || got.Hops != len(got.Path)-1 {
					t.Fatalf("%s %d->%d: bad path %v (hops %d)", name, from, to, got.Path, got.Hops)
				}
			}
		}
	}
}

func bellmanFord(g *Graph, w Weighting, f EdgeFilter, from int) []float64 {
	d := make([]float64, len(g.Edges))
	for i := range d {
		d[i] = 1e300
	}
	d[from] = 0
	for changed := true; changed; {
		changed = false
		for u := range g.Edges {
			for k := range g.Edges[u] {
				e := &g.Edges[u][k]
				if !f.Accept(e) {
					continue
				}
				if nd := d[u] + w.Weight(e); nd < d[e.To] {
					d[e.To], changed = nd, true
				}
			}
		}
	}
	return d
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func BenchmarkShortestPath(b *testing.B) {
	g := NewGraph(50, 50, 1)
	s := newSearch(len(g.Edges))
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < b.N; i++ {
		to := r.IntN(len(g.Edges))
		p, _ := g.NewPlan(profiles[r.IntN(len(profiles))], r.IntN(8) == 0, false, to)
		g.ShortestPath(s, p, r.IntN(len(g.Edges)), to, false)
	}
}

var profiles = []string{"fastest", "fastest", "fastest", "fastest", "fastest", "fastest-notoll", "shortest", "eco"}
