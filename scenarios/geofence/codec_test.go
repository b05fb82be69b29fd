package main

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

// Guards against the hand-written number parser drifting from strconv: the fast path
// must be exact, the slow path must handle exponents and long mantissas.
func TestReadNumberMatchesStrconv(t *testing.T) {
	inputs := []string{"0", "-0", "12.5", "99.999", "-3.125", "0.001", "123456789012345",
		"1234567890123456789", "1e3", "-2.5E-3", "0.30000000000000004", "71.203", "7.1203e1"}
	for x := 0.0; x < 100; x += 0.0371 {
		inputs = append(inputs, strconv.FormatFloat(x, 'f', 3, 64))
	}
	for _, in := range inputs {
		d := decoder{r: strings.NewReader(in + ",")}
		got, err := d.readNumber()
		want, _ := strconv.ParseFloat(in, 64)
		if err != nil || got != want || math.Signbit(got) != math.Signbit(want) {
			t.Errorf("readNumber(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"-", ".", "1e", "--1", "x"} {
		d := decoder{r: strings.NewReader(bad + ",")}
		if v, err := d.readNumber(); err == nil {
			t.Errorf("readNumber(%q) = %v, want an error", bad, v)
		}
	}
}

// Guards against the decoder accepting malformed requests or dropping points.
func TestDecodeRequest(t *testing.T) {
	d := decoder{r: strings.NewReader(" {\"points\" : [ {\"x\":1,\"y\":2},\n{\"y\":4,\"x\":3} ] }\n")}
	pts, err := d.decodeRequest(nil, 10)
	if err != nil || len(pts) != 2 || pts[0] != (Point{1, 2}) || pts[1] != (Point{3, 4}) {
		t.Fatalf("got %v, %v", pts, err)
	}
	for _, bad := range []string{``, `{`, `{"points":[{"x":1,"y":2}]`, `{"points":[{"x":1,"y":2},]}`,
		`{"points":{}}`, `{"point":[]}`, `{"points":[{"x":"1","y":2}]}`, `{"points":[]} {}`} {
		d := decoder{r: strings.NewReader(bad)}
		if _, err := d.decodeRequest(nil, 10); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	d = decoder{r: strings.NewReader(`{"points":[{"x":1,"y":2},{"x":1,"y":2},{"x":1,"y":2}]}`)}
	if _, err := d.decodeRequest(nil, 2); err == nil {
		t.Errorf("3 points with a limit of 2: want an error")
	}
}

// Guards against invalid or wrong JSON output: the response must decode with
// encoding/json to exactly the answers written, negative and multi-digit numbers too.
func TestWriteResponse(t *testing.T) {
	answers := []Answer{
		{Zones: []int{0, 7, 1234567}, Deliverable: true, FeeCents: 350},
		{Zones: nil, Deliverable: false, FeeCents: 0},
		{Zones: []int{-12}, Deliverable: true, FeeCents: 10},
	}
	var buf bytes.Buffer
	writeResponse(&buf, answers)
	var out struct {
		Answers []struct {
			Zones       []int `json:"zones"`
			Deliverable bool  `json:"deliverable"`
			FeeCents    int   `json:"fee_cents"`
		} `json:"answers"`
		Deliverable int `json:"deliverable"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatalf("%s: %v", buf.Bytes(), err)
	}
	if len(out.Answers) != 3 || out.Deliverable != 2 {
		t.Fatalf("decoded %+v", out)
	}
	for i, a := range answers {
		got := out.Answers[i]
		if len(got.Zones) != len(a.Zones) || got.Deliverable != a.Deliverable || got.FeeCents != a.FeeCents {
			t.Errorf("answer %d: got %+v, want %+v", i, got, a)
		}
		for j := range a.Zones {
			if got.Zones[j] != a.Zones[j] {
				t.Errorf("answer %d zone %d: got %d, want %d", i, j, got.Zones[j], a.Zones[j])
			}
		}
	}
}
