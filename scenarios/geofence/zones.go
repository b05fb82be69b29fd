package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// Zones are the geofences of a delivery service (coverage areas, surcharge areas,
// no-go areas) in a local planar frame of kilometres. Each zone's geometry is a Shape:
// most are circles around depots, some rectangles, a few polygons. The Index keeps the
// zones sorted by their west edge, so locating a point scans zones until one starts
// east of it, asking each shape for its bounding box through the interface: the hot,
// tiny interface calls that PGO devirtualizes toward *Circle and inlines.

type Point struct{ X, Y float64 }

type Box struct{ MinX, MinY, MaxX, MaxY float64 }

func (b Box) Has(p Point) bool {
	return p.X >= b.MinX && p.X <= b.MaxX && p.Y >= b.MinY && p.Y <= b.MaxY
}

type Shape interface {
	Bounds() Box
	Contains(p Point) bool
}

type Circle struct {
	C Point
	R float64
}

func (c *Circle) Bounds() Box { return Box{c.C.X - c.R, c.C.Y - c.R, c.C.X + c.R, c.C.Y + c.R} }
func (c *Circle) Contains(p Point) bool {
	dx, dy := p.X-c.C.X, p.Y-c.C.Y
	return dx*dx+dy*dy <= c.R*c.R
}

type Rect struct{ B Box }

func (r *Rect) Bounds() Box           { return r.B }
func (r *Rect) Contains(p Point) bool { return r.B.Has(p) }

// Polygon is a simple polygon; Contains is the even-odd ray-casting test.
type Polygon struct {
	V   []Point
	box Box
}

func NewPolygon(v []Point) *Polygon {
	b := Box{v[0].X, v[0].Y, v[0].X, v[0].Y}
	for _, p := range v[1:] {
		b.MinX, b.MinY = min(b.MinX, p.X), min(b.MinY, p.Y)
		b.MaxX, b.MaxY = max(b.MaxX, p.X), max(b.MaxY, p.Y)
	}
	return &Polygon{V: v, box: b}
}

func (pg *Polygon) Bounds() Box { return pg.box }
func (pg *Polygon) Contains(p Point) bool {
	in := false
	for i, j := 0, len(pg.V)-1; i < len(pg.V); j, i = i, i+1 {
		a, b := pg.V[i], pg.V[j]
		if (a.Y > p.Y) != (b.Y > p.Y) && p.X < (b.X-a.X)*(p.Y-a.Y)/(b.Y-a.Y)+a.X {
			in = !in
		}
	}
	return in
}

// Zone kinds.
const (
	Coverage  = "coverage"  // deliveries possible
	Surcharge = "surcharge" // extra fee
	NoGo      = "nogo"      // deliveries refused
)

type Zone struct {
	ID       int
	Name     string
	Kind     string
	FeeCents int // surcharge zones: added to the base fee
	Shape    Shape
}

// GenerateZones returns n zones over a size x size km area, deterministically for seed.
func GenerateZones(seed uint64, n int, size float64) []Zone {
	r := rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))
	zones := make([]Zone, n)
	for i := range zones {
		c := Point{r.Float64() * size, r.Float64() * size}
		z := Zone{ID: i}
		switch k := r.IntN(50); {
		case k < 45:
			z.Shape = &Circle{C: c, R: size * (0.01 + 0.05*r.Float64())}
		case k < 49:
			w, h := size*(0.02+0.08*r.Float64()), size*(0.02+0.08*r.Float64())
			z.Shape = &Rect{B: Box{c.X, c.Y, c.X + w, c.Y + h}}
		default:
			// A star-shaped polygon around c, so it is simple.
			var v []Point
			for a := 0; a < 8; a++ {
				rad := size * (0.02 + 0.06*r.Float64())
				v = append(v, Point{c.X + rad*cos8[a], c.Y + rad*sin8[a]})
			}
			z.Shape = NewPolygon(v)
		}
		switch k := r.IntN(10); {
		case k < 6:
			z.Kind = Coverage
		case k < 9:
			z.Kind, z.FeeCents = Surcharge, 50*(1+r.IntN(5))
		default:
			z.Kind = NoGo
		}
		z.Name = fmt.Sprintf("%s-%04d", z.Kind, i)
		zones[i] = z
	}
	return zones
}

var cos8 = [8]float64{1, 0.7071067811865476, 0, -0.7071067811865476, -1, -0.7071067811865476, 0, 0.7071067811865476}
var sin8 = [8]float64{0, 0.7071067811865476, 1, 0.7071067811865476, 0, -0.7071067811865476, -1, -0.7071067811865476}

// Index answers point queries over a fixed set of zones.
type Index struct {
	zones []Zone // sorted by Shape.Bounds().MinX
}

// NewIndex sorts a copy of zones by west edge.
func NewIndex(zones []Zone) *Index {
	z := append([]Zone(nil), zones...)
	sort.SliceStable(z, func(i, j int) bool { return z[i].Shape.Bounds().MinX < z[j].Shape.Bounds().MinX })
	return &Index{zones: z}
}

func (ix *Index) Len() int { return len(ix.zones) }

// Answer is what the service says about one point. Zones lists the IDs of the zones
// containing it, in index order.
type Answer struct {
	Zones       []int
	Deliverable bool
	FeeCents    int
}

// Locate answers one point: deliverable when inside some coverage zone and no no-go
// zone; the fee is the base fee plus every surcharge that applies (0 when not
// deliverable). The IDs are appended to ids, and Answer.Zones is the appended part.
func (ix *Index) Locate(p Point, baseCents int, ids []int) (Answer, []int) {
	q := query{p: p, ids: ids, start: len(ids), fee: baseCents}
	for i := range ix.zones {
		if !q.visit(&ix.zones[i]) {
			break // every later zone starts further east
		}
	}
	return q.answer()
}

// query is the state of one Locate scan.
type query struct {
	p                Point
	ids              []int
	start, fee       int
	covered, refused bool
	visited, matched int
}

// visit tests one zone and records it if it contains the point. It returns false once
// the zone starts east of the point: the index is sorted by west edge.
func (q *query) visit(z *Zone) bool {
	b := z.Shape.Bounds()
	if b.MinX > q.p.X {
		return false
	}
	if !b.Has(q.p) || !z.Shape.Contains(q.p) {
		return true
	}
	q.ids = append(q.ids, z.ID)
	switch z.Kind {
	case Coverage:
		q.covered = true
	case Surcharge:
		q.fee += z.FeeCents
	case NoGo:
		q.refused = true
	}
	return true
}

func (q *query) answer() (Answer, []int) {
	a := Answer{Zones: q.ids[q.start:len(q.ids):len(q.ids)], FeeCents: q.fee}
	a.Deliverable = q.covered && !q.refused
	if !a.Deliverable {
		a.FeeCents = 0
	}
	return a, q.ids
}
