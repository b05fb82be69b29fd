package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
)

// The /v1/locate wire format, encoded and decoded by hand as many latency-minded services
// do, one byte at a time through small interfaces (io.ByteScanner in, byteSink out):
// per-byte interface calls that PGO devirtualizes toward *bufio.Reader and *bytes.Buffer
// and inlines with its larger budget for hot call sites.
//
//	request:  {"points":[{"x":12.5,"y":40.25},...]}
//	response: {"answers":[{"zones":[3,17],"deliverable":true,"fee_cents":350},...],"deliverable":1}

// byteSink is what responses are written to (*bytes.Buffer in the server).
type byteSink interface {
	WriteByte(c byte) error
	WriteString(s string) (int, error)
}

var errSyntax = errors.New("malformed JSON")

// decoder parses a LocateRequest from r, reusing its buffers between requests.
type decoder struct {
	r   io.ByteScanner
	key []byte
	num []byte
}

// next returns the next byte that is not JSON whitespace.
func (d *decoder) next() (byte, error) {
	for {
		c, err := d.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, err
		}
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return c, nil
		}
	}
}

func (d *decoder) expect(want byte) error {
	c, err := d.next()
	if err != nil {
		return err
	}
	if c != want {
		return fmt.Errorf("%w: want %q, got %q", errSyntax, want, c)
	}
	return nil
}

// readKey reads `"name":` into d.key (no escapes: every key of the format is plain).
func (d *decoder) readKey() error {
	if err := d.expect('"'); err != nil {
		return err
	}
	d.key = d.key[:0]
	for {
		c, err := d.r.ReadByte()
		if err != nil {
			return io.ErrUnexpectedEOF
		}
		if c == '"' {
			break
		}
		if c == '\\' || c < ' ' || len(d.key) >= 32 {
			return fmt.Errorf("%w: unsupported key", errSyntax)
		}
		d.key = append(d.key, c)
	}
	return d.expect(':')
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// readNumber parses a JSON number. Plain decimals with at most 15 significant digits
// take the exact fast path (integer mantissa / exact power of ten, one correctly
// rounded division); anything else goes through strconv.ParseFloat.
func (d *decoder) readNumber() (float64, error) {
	c, err := d.next()
	if err != nil {
		return 0, err
	}
	d.num = d.num[:0]
	var mant uint64
	digits, frac, dot, neg, simple := 0, 0, false, false, true
	if c == '-' {
		neg = true
		d.num = append(d.num, c)
		if c, err = d.r.ReadByte(); err != nil {
			return 0, io.ErrUnexpectedEOF
		}
	}
	for {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		case c == 'e' || c == 'E' || c == '+' || c == '-':
			simple = false
		default:
			if err := d.r.UnreadByte(); err != nil {
				return 0, err
			}
			return d.finishNumber(mant, digits, frac, neg, simple)
		}
		d.num = append(d.num, c)
		if c, err = d.r.ReadByte(); err != nil {
			if err == io.EOF {
				return d.finishNumber(mant, digits, frac, neg, simple)
			}
			return 0, err
		}
	}
}

func (d *decoder) finishNumber(mant uint64, digits, frac int, neg, simple bool) (float64, error) {
	if digits == 0 {
		return 0, fmt.Errorf("%w: bad number %q", errSyntax, d.num)
	}
	if simple && digits <= 15 {
		v := float64(mant) / pow10[frac]
		if neg {
			v = -v
		}
		return v, nil
	}
	v, err := strconv.ParseFloat(string(d.num), 64)
	if err != nil {
		return 0, fmt.Errorf("%w: bad number %q", errSyntax, d.num)
	}
	return v, nil
}

// readPoint parses {"x":X,"y":Y} (either order, both required).
func (d *decoder) readPoint() (Point, error) {
	var p Point
	if err := d.expect('{'); err != nil {
		return p, err
	}
	seen := 0
	for {
		if err := d.readKey(); err != nil {
			return p, err
		}
		v, err := d.readNumber()
		if err != nil {
			return p, err
		}
		switch string(d.key) {
		case "x":
			p.X, seen = v, seen|1
		case "y":
			p.Y, seen = v, seen|2
		default:
			return p, fmt.Errorf("%w: unknown point field %q", errSyntax, d.key)
		}
		c, err := d.next()
		if err != nil {
			return p, err
		}
		if c == '}' {
			break
		}
		if c != ',' {
			return p, fmt.Errorf("%w: want ',' or '}' in point", errSyntax)
		}
	}
	if seen != 3 {
		return p, fmt.Errorf("%w: point needs x and y", errSyntax)
	}
	return p, nil
}

// decodeRequest parses one request body, appending its points to pts. At most max
// points are accepted.
func (d *decoder) decodeRequest(pts []Point, max int) ([]Point, error) {
	if err := d.expect('{'); err != nil {
		return pts, err
	}
	if err := d.readKey(); err != nil {
		return pts, err
	}
	if string(d.key) != "points" {
		return pts, fmt.Errorf("%w: unknown field %q", errSyntax, d.key)
	}
	if err := d.expect('['); err != nil {
		return pts, err
	}
	c, err := d.next()
	if err != nil {
		return pts, err
	}
	if c != ']' {
		d.r.UnreadByte()
		for {
			if len(pts) == max {
				return pts, fmt.Errorf("more than %d points", max)
			}
			p, err := d.readPoint()
			if err != nil {
				return pts, err
			}
			pts = append(pts, p)
			if c, err = d.next(); err != nil {
				return pts, err
			}
			if c == ']' {
				break
			}
			if c != ',' {
				return pts, fmt.Errorf("%w: want ',' or ']' in points", errSyntax)
			}
		}
	}
	if err := d.expect('}'); err != nil {
		return pts, err
	}
	if _, err := d.next(); err != io.ErrUnexpectedEOF {
		return pts, fmt.Errorf("%w: data after the request object", errSyntax)
	}
	return pts, nil
}

// writeInt writes v in decimal.
func writeInt(w byteSink, v int) {
	if v < 0 {
		w.WriteByte('-')
		v = -v
	}
	var buf [20]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	for _, c := range buf[i:] {
		w.WriteByte(c)
	}
}

// writeAnswer writes one answer object.
func writeAnswer(w byteSink, a *Answer) {
	w.WriteString(`{"zones":[`)
	for i, id := range a.Zones {
		if i > 0 {
			w.WriteByte(',')
		}
		writeInt(w, id)
	}
	if a.Deliverable {
		w.WriteString(`],"deliverable":true,"fee_cents":`)
	} else {
		w.WriteString(`],"deliverable":false,"fee_cents":`)
	}
	writeInt(w, a.FeeCents)
	w.WriteByte('}')
}

// writeResponse writes the whole response, newline-terminated.
func writeResponse(w byteSink, answers []Answer) {
	deliverable := 0
	w.WriteString(`{"answers":[`)
	for i := range answers {
		if i > 0 {
			w.WriteByte(',')
		}
		writeAnswer(w, &answers[i])
		if answers[i].Deliverable {
			deliverable++
		}
	}
	w.WriteString(`],"deliverable":`)
	writeInt(w, deliverable)
	w.WriteString("}\n")
}
