package imgfx

import (
	"image"
	"image/color"
	"testing"
)

// testImage is a deterministic RGBA picture with gradients and hard edges, so every
// filter has something to do.
func testImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := uint8(0)
			if (x/16+y/16)%2 == 0 {
				v = 200
			}
			m.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), v, 255})
		}
	}
	return m
}

// Guards against a wrong luma formula or dropped alpha: checked against hand-computed
// values and against the standard library's own gray conversion.
func TestGrayscale(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3, 1))
	src.SetRGBA(0, 0, color.RGBA{255, 255, 255, 255})
	src.SetRGBA(1, 0, color.RGBA{0, 0, 0, 255})
	src.SetRGBA(2, 0, color.RGBA{255, 0, 0, 255})
	dst := image.NewRGBA(src.Bounds())
	Grayscale(dst, src)
	want := []uint8{255, 0, 76} // 19595/65536*255 = 76.2
	for x, w := range want {
		got := dst.RGBAAt(x, 0)
		if got.R != w || got.G != w || got.B != w || got.A != 255 {
			t.Errorf("pixel %d: got %v, want gray %d", x, got, w)
		}
		std := color.GrayModel.Convert(src.At(x, 0)).(color.Gray)
		if d := int(std.Y) - int(w); d < -1 || d > 1 {
			t.Errorf("pixel %d: stdlib gray %d, ours %d", x, std.Y, w)
		}
	}
}

// Guards against off-by-one neighbourhoods and wrong edge clipping in Blur.
func TestBlur(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 3, 3))
	src.SetGray(1, 1, color.Gray{90}) // one bright pixel in the centre
	dst := image.NewGray(src.Bounds())
	Blur(dst, src, 1)
	if got := dst.GrayAt(1, 1).Y; got != 10 { // 90 / 9
		t.Errorf("centre: got %d, want 10", got)
	}
	if got := dst.GrayAt(0, 0).Y; got != 22 { // 90 / 4 (corner neighbourhood is 2x2)
		t.Errorf("corner: got %d, want 22", got)
	}
	same := image.NewRGBA(image.Rect(0, 0, 20, 20))
	Blur(same, testImage(20, 20), 0) // radius 0 is the identity
	for i, v := range testImage(20, 20).Pix {
		if same.Pix[i] != v {
			t.Fatalf("radius 0 changed byte %d: %d -> %d", i, v, same.Pix[i])
		}
	}
}

// Guards against a Sobel kernel with wrong signs or orientation: a vertical edge gives
// a strong response along it and none in flat regions.
func TestSobel(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 8, 8))
	for y := 0; y < 8; y++ {
		for x := 4; x < 8; x++ {
			src.SetGray(x, y, color.Gray{100})
		}
	}
	dst := image.NewGray(src.Bounds())
	Sobel(dst, src)
	for y := 0; y < 8; y++ {
		if got := dst.GrayAt(3, y).Y; got != 255 { // 4*100 clipped to 255
			t.Errorf("edge (3,%d): got %d, want 255", y, got)
		}
		if got := dst.GrayAt(1, y).Y; got != 0 {
			t.Errorf("flat (1,%d): got %d, want 0", y, got)
		}
	}
}

// The benchmarks run on the image type most programs decode into (*image.RGBA) and
// write into the same type; the profile from them is what PGO specializes for.
func benchFilter(b *testing.B, f func(dst *image.RGBA, src *image.RGBA)) {
	src := testImage(160, 120)
	dst := image.NewRGBA(src.Bounds())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f(dst, src)
	}
}

func BenchmarkGrayscale(b *testing.B) {
	benchFilter(b, func(d, s *image.RGBA) { Grayscale(d, s) })
}

func BenchmarkBlur(b *testing.B) {
	benchFilter(b, func(d, s *image.RGBA) { Blur(d, s, 2) })
}

func BenchmarkSobel(b *testing.B) {
	benchFilter(b, func(d, s *image.RGBA) { Sobel(d, s) })
}
