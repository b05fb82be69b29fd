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
				link(id, id+1, minGridKm+0.8*r.Float32(), class(y), false)
			}
			if y+1 < h {
				link(id, id+w, minGridKm+0.8*r.Float32(), class(x), false)
			}
		}
	}
	for i := 0; i < w*h/50; i++ {
		a, b := r.IntN(w*h), r.IntN(w*h)
		ax, ay, bx, by := a%w, a/w, b%w, b/w
		d := math.Abs(float64(ax-bx)) + math.Abs(float64(ay-by))
		link(a, b, float32(d*minHighwayKm), Highway, r.IntN(3) == 0)
	}
	return g
}

// Weighting turns a road into a search cost: the routing profile a request asks for.
// Routing engines select it per request, so the relaxation loop calls it through an
// interface; in practice one profile dominates the traffic, which is the call PGO
// devirtualizes and inlines.
type Weighting interface {
	Weight(e *Edge) float64
	// MinPerStep is a lower bound of Weight per grid step of any road (for A*).
	MinPerStep() float64
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

// The bounds follow from NewGraph: grid roads are >= minGridKm long per step, highways
// minHighwayKm per step they span.
const minGridKm, minHighwayKm = 0.2, 0.7

func (*Fastest) MinPerStep() float64 {
	return min(minGridKm/speedKmh[Arterial], minHighwayKm/speedKmh[Highway])
}
func (*Shortest) MinPerStep() float64 { return minGridKm }
func (*Eco) MinPerStep() float64 {
	return min(minGridKm*fuelPerKm[Arterial], minHighwayKm*fuelPerKm[Highway])
}

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

// EdgeFilter says which roads a vehicle may use; like the weighting it is chosen per
// request and called for every road the search looks at.
type EdgeFilter interface {
	Accept(e *Edge) bool
}

// AnyRoad accepts every road.
type AnyRoad struct{}

// NoHighway keeps off highways (bicycles, learners).
type NoHighway struct{}

func (AnyRoad) Accept(*Edge) bool     { return true }
func (NoHighway) Accept(e *Edge) bool { return e.Class != Highway }

// Heuristic is an A* lower bound on the remaining cost from a node to the target; Zero
// turns the search into plain Dijkstra.
type Heuristic interface {
	Estimate(node int) float64
}

// Zero is the trivial lower bound.
type Zero struct{}

func (Zero) Estimate(int) float64 { return 0 }

// GridDistance bounds the remaining cost by the Manhattan distance on the grid times the
// cheapest cost per grid step the weighting can achieve.
type GridDistance struct {
	W, TX, TY int
	PerStep   float64
}

func (h *GridDistance) Estimate(node int) float64 {
	dx, dy := node%h.W-h.TX, node/h.W-h.TY
	if dx < 0 {
		dx = -dx
	}
	if dy < 0 {
		dy = -dy
	}
	return float64(dx+dy) * h.PerStep
}

// Plan is what a query searches with.
type Plan struct {
	Weighting Weighting
	Filter    EdgeFilter
	Heuristic Heuristic
}

// NewPlan builds the plan for a query to `to`: the weighting named by profile, highways
// allowed or not, A* towards the target or plain Dijkstra.
func (g *Graph) NewPlan(profile string, avoidHighways, dijkstra bool, to int) (Plan, bool) {
	w, ok := WeightingByName(profile)
	if !ok {
		return Plan{}, false
	}
	p := Plan{Weighting: w, Filter: AnyRoad{}, Heuristic: Zero{}}
	if avoidHighways {
		p.Filter = NoHighway{}
	}
	if !dijkstra {
		p.Heuristic = &GridDistance{W: g.W, TX: to % g.W, TY: to / g.W, PerStep: w.MinPerStep()}
	}
	return p, true
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
func (g *Graph) ShortestPath(s *Search, p Plan, from, to int, withPath bool) Route {
	w, f, h := p.Weighting, p.Filter, p.Heuristic
	s.cur++
	s.q = s.q[:0]
	s.epoch[from], s.dist[from], s.prev[from] = s.cur, 0, -1
	s.q.push(item{node: int32(from), dist: 0, key: h.Estimate(from)})
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
			if !f.Accept(e) {
				continue
			}
			v := int(e.To)
			nd := it.dist + w.Weight(e)
			if !s.seen(v) || nd < s.dist[v] {
				s.epoch[v], s.dist[v], s.prev[v], s.via[v] = s.cur, nd, int32(u), int32(k)
				s.q.push(item{node: e.To, dist: nd, key: nd + h.Estimate(v)})
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
	dist float64 // cost from the source
	key  float64 // dist + heuristic: the heap order
}

// minHeap is a binary heap of items ordered by key. push and pop are a little over the
// compiler's default inlining budget: the hot call sites PGO inlines.
type minHeap []item

func (h *minHeap) push(it item) {
	q := append(*h, it)
	i := len(q) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if q[parent].key <= q[i].key {
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
		if r := l + 1; r < n && q[r].key < q[l].key {
			m = r
		}
		if q[i].key <= q[m].key {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	*h = q
	return top
}
