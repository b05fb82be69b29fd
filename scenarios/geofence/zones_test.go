package main

import (
	"encoding/json"
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
	all := &Rect{B: Box{0, 0, 10, 10}}
	zones := []Zone{
		{ID: 0, Kind: Coverage, Shape: all},
		{ID: 1, Kind: Surcharge, Fee: 1.5, Shape: &Circle{C: Point{2, 2}, R: 1}},
		{ID: 2, Kind: Surcharge, Fee: 0.5, Shape: &Rect{B: Box{0, 0, 3, 3}}},
		{ID: 3, Kind: NoGo, Shape: &Circle{C: Point{8, 8}, R: 1}},
	}
	if a := Locate(zones, Point{2, 2}, 2.5); !a.Deliverable || a.Fee != 4.5 || len(a.Zones) != 3 {
		t.Errorf("surcharged point: %+v", a)
	}
	if a := Locate(zones, Point{8, 8}, 2.5); a.Deliverable || a.Fee != 0 {
		t.Errorf("no-go point: %+v", a)
	}
	if a := Locate(zones, Point{20, 20}, 2.5); a.Deliverable || len(a.Zones) != 0 {
		t.Errorf("uncovered point: %+v", a)
	}
}

// Guards against the HTTP contract the load generator and the harness rely on: the
// readiness endpoint, one answer per point, bad requests rejected, pprof mounted.
func TestHandler(t *testing.T) {
	srv := httptest.NewServer(newRouter(GenerateZones(1, 200, areaKm)))
	defer srv.Close()
	for _, path := range []string{"/healthz", "/v1/area", "/debug/pprof/"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		resp.Body.Close()
	}
	body := `{"points":[{"X":50,"Y":50},{"X":1,"Y":99},{"X":-5,"Y":-5}]}`
	resp, err := http.Post(srv.URL+"/v1/locate", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("locate: %v %v", resp, err)
	}
	var out LocateResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Answers) != 3 {
		t.Fatalf("locate answer: %+v %v", out, err)
	}
	resp.Body.Close()
	for _, bad := range []string{`{}`, `{"points":[]}`, `{"pts":[{"X":1,"Y":1}]}`, `not json`} {
		resp, err := http.Post(srv.URL+"/v1/locate", "application/json", strings.NewReader(bad))
		if err != nil || resp.StatusCode != 400 {
			t.Errorf("%s: want 400, got %v %v", bad, resp, err)
		}
		resp.Body.Close()
	}
}
