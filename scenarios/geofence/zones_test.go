package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Guards against wrong containment tests: each shape is checked on points inside, on
// the boundary side and outside, and the polygon against its own bounding box.
func TestShapesContain(t *testing.T) {
	c := &Circle{C: Point{10, 10}, R: 2}
	r := &Rect{B: Box{0, 0, 4, 2}}
	square := NewPolygon([]Point{{0, 0}, {4, 0}, {4, 4}, {0, 4}})
	tri := NewPolygon([]Point{{0, 0}, {4, 0}, {0, 4}})
	cases := []struct {
		s    Shape
		p    Point
		want bool
	}{
		{c, Point{11, 11}, true}, {c, Point{11.5, 11.5}, false}, {c, Point{12, 10}, true},
		{r, Point{3.9, 1.9}, true}, {r, Point{4.1, 1}, false},
		{square, Point{2, 2}, true}, {square, Point{5, 2}, false},
		{tri, Point{1, 1}, true}, {tri, Point{3, 3}, false},
	}
	for i, cs := range cases {
		if got := cs.s.Contains(cs.p); got != cs.want {
			t.Errorf("case %d: Contains(%v) = %v, want %v", i, cs.p, got, cs.want)
		}
		if cs.want && !cs.s.Bounds().Has(cs.p) {
			t.Errorf("case %d: point inside but outside Bounds", i)
		}
	}
}

// Guards against the delivery decision and fee rules: coverage needed, no-go wins,
// surcharges add up, undeliverable points cost nothing.
func TestLocateRules(t *testing.T) {
	ix := NewIndex([]Zone{
		{ID: 3, Kind: NoGo, Shape: &Circle{C: Point{8, 8}, R: 1}},
		{ID: 1, Kind: Surcharge, FeeCents: 150, Shape: &Circle{C: Point{2, 2}, R: 1}},
		{ID: 0, Kind: Coverage, Shape: &Rect{B: Box{0, 0, 10, 10}}},
		{ID: 2, Kind: Surcharge, FeeCents: 50, Shape: &Rect{B: Box{0, 0, 3, 3}}},
	})
	a, ids := ix.Locate(Point{2, 2}, 250, nil)
	if !a.Deliverable || a.FeeCents != 450 || len(a.Zones) != 3 || len(ids) != 3 {
		t.Errorf("surcharged point: %+v", a)
	}
	b, ids := ix.Locate(Point{8, 8}, 250, ids)
	if b.Deliverable || b.FeeCents != 0 || len(b.Zones) != 2 || len(ids) != 5 {
		t.Errorf("no-go point: %+v", b)
	}
	if len(a.Zones) != 3 {
		t.Errorf("appending the next answer changed the first: %+v", a)
	}
	if c, _ := ix.Locate(Point{20, 20}, 250, ids); c.Deliverable || len(c.Zones) != 0 {
		t.Errorf("uncovered point: %+v", c)
	}
}

// Guards against the sorted scan's early exit skipping zones: the index must find
// exactly the zones a brute-force scan finds.
func TestIndexMatchesBruteForce(t *testing.T) {
	zones := GenerateZones(5, 500, areaKm)
	ix := NewIndex(zones)
	for i := 0; i < 2000; i++ {
		p := Point{float64(i%50) * 2.1, float64(i/50) * 2.6}
		want := map[int]bool{}
		for _, z := range zones {
			if z.Shape.Contains(p) {
				want[z.ID] = true
			}
		}
		a, _ := ix.Locate(p, 0, nil)
		if len(a.Zones) != len(want) {
			t.Fatalf("point %v: index found %v, brute force %v", p, a.Zones, want)
		}
		for _, id := range a.Zones {
			if !want[id] {
				t.Fatalf("point %v: zone %d is not a match", p, id)
			}
		}
	}
}

// Guards against the HTTP contract the load generator and the harness rely on: the
// readiness endpoint, one answer per point in valid JSON, bad requests rejected, pprof
// mounted.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(newRouter(NewIndex(GenerateZones(1, 200, areaKm))))
	defer srv.Close()
	for _, path := range []string{"/healthz", "/v1/area", "/debug/pprof/"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	type answer struct {
		Zones       []int `json:"zones"`
		Deliverable bool  `json:"deliverable"`
		FeeCents    int   `json:"fee_cents"`
	}
	// Twice, so the second request reuses pooled state.
	for round := 0; round < 2; round++ {
		body := `{"points":[{"x":50,"y":50},{"y":99,"x":1.5}, {"x":-5,"y":-5e0}]}`
		resp, err := http.Post(srv.URL+"/v1/locate", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("locate: %v %v", resp, err)
		}
		var out struct {
			Answers     []answer `json:"answers"`
			Deliverable int      `json:"deliverable"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Answers) != 3 {
			t.Fatalf("locate answer: %+v %v", out, err)
		}
		resp.Body.Close()
		if a := out.Answers[2]; a.Deliverable || len(a.Zones) != 0 || a.FeeCents != 0 {
			t.Errorf("point outside the area: %+v", a)
		}
	}
	for _, bad := range []string{`{}`, `{"points":[]}`, `{"pts":[{"x":1,"y":1}]}`, `not json`,
		`{"points":[{"x":1}]}`, `{"points":[{"x":1,"y":1,"z":2}]}`, `{"points":[{"x":1,"y":1}]}x`} {
		resp, err := http.Post(srv.URL+"/v1/locate", "application/json", strings.NewReader(bad))
		if err != nil || resp.StatusCode != 400 {
			t.Errorf("%s: want 400, got %v %v", bad, resp, err)
		}
		resp.Body.Close()
	}
	resp, err := http.Post(srv.URL+"/v1/locate", "text/plain", strings.NewReader(`{"points":[{"x":1,"y":1}]}`))
	if err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain body: want 415, got %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// BenchmarkLocateRequest is one /v1/locate request's work without the network: decode
// a 64-point body, locate every point, encode the answers.
func BenchmarkLocateRequest(b *testing.B) {
	ix := NewIndex(GenerateZones(1, 1000, areaKm))
	var body strings.Builder
	body.WriteString(`{"points":[`)
	for i := 0; i < 64; i++ {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"x":%.3f,"y":%.3f}`, 30+float64(i*7%40), 40+float64(i*13%30))
	}
	body.WriteString(`]}`)
	st := &requestState{br: bufio.NewReader(nil)}
	for b.Loop() {
		st.br.Reset(strings.NewReader(body.String()))
		st.dec.r = st.br
		var err error
		if st.points, err = st.dec.decodeRequest(st.points[:0], maxPoints); err != nil {
			b.Fatal(err)
		}
		st.answers, st.ids = st.answers[:0], st.ids[:0]
		for _, p := range st.points {
			var a Answer
			a, st.ids = ix.Locate(p, baseCents, st.ids)
			st.answers = append(st.answers, a)
		}
		st.out.Reset()
		writeResponse(&st.out, st.answers)
	}
}
