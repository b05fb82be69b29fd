package main

import (
	"math"
	"math/rand/v2"
)

// Graph is a road network: a grid of junctions joined by two-way roads of three
// classes, plus a few long highway links. It is generated from a seed so every server
// instance (and every build being compared) answers the same queries with the same work.
type Graph struct {
	W, H  int
	Edges [][]Edge // adjacency list by node id
}

// Road classes, slowest first.
const (
	Residential uint8 = iota
	Arterial
	Highway
)

type Edge struct {
	To     int32
	Length float32 // km
	Class  uint8
	Toll   bool
}

func NewGraph(w, h int, seed uint64) *Graph {
	r := rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
	g := &Graph{W: w, H: h, Edges: make([][]Edge, w*h)}
	link := func(a, b int, length float32, class uint8, toll bool) {
		g.Edges[a] = append(g.Edges[a], Edge{To: int32(b), Length: length, Class: class, Toll: toll})
		g.Edges[b] = append(g.Edges[b], Edge{To: int32(a), Length: length, Class: class, Toll: toll})
	}
	class := func(line int) uint8 {
		if line%10 == 0 {
			return Arterial
		}
		return Residential
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			id := y*w + x
			if x+1 < w {
				link(id, id+1, 0.2+0.8*r.Float32(), class(y), false)
			}
			if y+1 < h {
				link(id, id+w, 0.2+0.8*r.Float32(), class(x), false)
			}
		}
	}
	for i := 0; i < w*h/50; i++ {
		a, b := r.IntN(w*h), r.IntN(w*h)
		ax, ay, bx, by := a%w, a/w, b%w, b/w
		d := math.Abs(float64(ax-bx)) + math.Abs(float64(ay-by))
		link(a, b, float32(d*0.7), Highway, r.IntN(3) == 0)
	}
	return g
}

// Weighting turns a road into a search cost: the routing profile a request asks for.
// Routing engines select it per request, so the relaxation loop calls it through an
// interface; in practice one profile dominates the traffic, which is the call PGO
// devirtualizes and inlines.
type Weighting interface {
	Weight(e *Edge) float64
}

// Fastest minimises travel time (hours) at the class's typical speed.
type Fastest struct{ AvoidTolls bool }

// Shortest minimises distance.
type Shortest struct{}

// Eco minimises fuel: slow roads and highways burn more per km than arterials.
type Eco struct{}

var speedKmh = [3]float64{30, 50, 110}
var fuelPerKm = [3]float64{0.09, 0.06, 0.075}

func (f *Fastest) Weight(e *Edge) float64 {
	t := float64(e.Length) / speedKmh[e.Class]
	if e.Toll && f.AvoidTolls {
		t *= 3
	}
	return t
}
func (*Shortest) Weight(e *Edge) float64 { return float64(e.Length) }
func (*Eco) Weight(e *Edge) float64      { return float64(e.Length) * fuelPerKm[e.Class] }

// WeightingByName returns the profile for a request's "profile" field.
func WeightingByName(name string) (Weighting, bool) {
	switch name {
	case "", "fastest":
		return &Fastest{}, true
	case "fastest-notoll":
		return &Fastest{AvoidTolls: true}, true
	case "shortest":
		return &Shortest{}, true
	case "eco":
		return &Eco{}, true
	}
	return nil, false
}

// Route is the answer to one query.
type Route struct {
	From     int     `json:"from"`
	To       int     `json:"to"`
	Found    bool    `json:"found"`
	Cost     float64 `json:"cost"`
	LengthKm float64 `json:"length_km"`
	Hops     int     `json:"hops"`
	Visited  int     `json:"visited"`
	Path     []int   `json:"path,omitempty"`
	Turns    int     `json:"turns"`
	Highways int     `json:"highways"`
}

// Search holds the per-request scratch state, reused through a sync.Pool by the handler.
type Search struct {
	dist  []float64
	prev  []int32
	via   []int32 // index in Edges[prev] of the edge used to reach the node
	epoch []uint32
	cur   uint32
	q     minHeap
}

func newSearch(n int) *Search {
	return &Search{dist: make([]float64, n), prev: make([]int32, n), via: make([]int32, n), epoch: make([]uint32, n)}
}

// seen reports whether v was reached in this search; the epoch counter avoids clearing
// the arrays between searches.
func (s *Search) seen(v int) bool { return s.epoch[v] == s.cur }

// ShortestPath runs Dijkstra from `from` until `to` is settled.
// REQUIRES: 0 <= from, to < number of nodes.
func (g *Graph) ShortestPath(s *Search, w Weighting, from, to int, withPath bool) Route {
	s.cur++
	s.q = s.q[:0]
	s.epoch[from], s.dist[from], s.prev[from] = s.cur, 0, -1
	s.q.push(item{node: int32(from), dist: 0})
	visited := 0
	for len(s.q) > 0 {
		it := s.q.pop()
		u := int(it.node)
		if it.dist > s.dist[u] {
			continue // a stale entry: u was settled through a shorter path
		}
		visited++
		if u == to {
			break
		}
		for k := range g.Edges[u] {
			e := &g.Edges[u][k]
			v := int(e.To)
			nd := it.dist + w.Weight(e)
			if !s.seen(v) || nd < s.dist[v] {
				s.epoch[v], s.dist[v], s.prev[v], s.via[v] = s.cur, nd, int32(u), int32(k)
				s.q.push(item{node: e.To, dist: nd})
			}
		}
	}
	r := Route{From: from, To: to, Visited: visited}
	if !s.seen(to) {
		return r
	}
	r.Found, r.Cost = true, s.dist[to]
	// Walk back for length, hops, turns and highway edges; keep the path only if asked.
	lastDir := 0
	for v := to; v != from; v = int(s.prev[v]) {
		u := int(s.prev[v])
		e := &g.Edges[u][s.via[v]]
		r.Hops++
		r.LengthKm += float64(e.Length)
		if withPath {
			r.Path = append(r.Path, v)
		}
		if e.Class == Highway {
			r.Highways++
		}
		dir := v - u
		if lastDir != 0 && dir != lastDir {
			r.Turns++
		}
		lastDir = dir
	}
	if withPath {
		r.Path = append(r.Path, from)
		for i, j := 0, len(r.Path)-1; i < j; i, j = i+1, j-1 {
			r.Path[i], r.Path[j] = r.Path[j], r.Path[i]
		}
	}
	return r
}

// item is a priority-queue entry.
type item struct {
	node int32
	dist float64
}

// minHeap is a binary heap of items ordered by dist. push and pop are a little over the
// compiler's default inlining budget: the hot call sites PGO inlines.
type minHeap []item

func (h *minHeap) push(it item) {
	q := append(*h, it)
	i := len(q) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if q[parent].dist <= q[i].dist {
			break
		}
		q[parent], q[i] = q[i], q[parent]
		i = parent
	}
	*h = q
}

func (h *minHeap) pop() item {
	q := *h
	top := q[0]
	n := len(q) - 1
	q[0] = q[n]
	q = q[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && q[r].dist < q[l].dist {
			m = r
		}
		if q[i].dist <= q[m].dist {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}
