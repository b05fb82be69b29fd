// Package imgfx is a small image-filter library written the way most Go image code is:
// against the image.Image and draw.Image interfaces, reading pixels with At and
// converting colours with RGBA, so it works for every image type. Each pixel costs
// several interface calls (At, the returned color.Color's RGBA, Set) and At boxes its
// colour; when the profile shows one concrete image type dominating, PGO devirtualizes
// and inlines those calls. It is the harness's `go test -bench` scenario.
//
//	dst := image.NewRGBA(src.Bounds())
//	imgfx.Blur(dst, src, 2)
package imgfx

import (
	"image"
	"image/color"
	"image/draw"
)

// Grayscale writes the luma (ITU-R BT.601 weights) of src into dst.
// REQUIRES: dst covers src.Bounds().
func Grayscale(dst draw.Image, src image.Image) {
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			l, a := luma(src.At(x, y))
			dst.Set(x, y, color.RGBA64{l, l, l, a})
		}
	}
}

func luma(c color.Color) (l, a uint16) {
	r, g, b, a32 := c.RGBA()
	return uint16((19595*r + 38470*g + 7471*b + 1<<15) >> 16), uint16(a32)
}

// Blur writes the mean of each pixel's (2*radius+1)^2 neighbourhood (clipped at the
// edges) into dst.
// REQUIRES: dst covers src.Bounds(), radius >= 0.
func Blur(dst draw.Image, src image.Image, radius int) {
	b := src.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			var sr, sg, sb, sa, n uint32
			for yy := max(y-radius, b.Min.Y); yy <= min(y+radius, b.Max.Y-1); yy++ {
				for xx := max(x-radius, b.Min.X); xx <= min(x+radius, b.Max.X-1); xx++ {
					r, g, bl, a := src.At(xx, yy).RGBA()
					sr, sg, sb, sa, n = sr+r, sg+g, sb+bl, sa+a, n+1
				}
			}
			dst.Set(x, y, color.RGBA64{uint16(sr / n), uint16(sg / n), uint16(sb / n), uint16(sa / n)})
		}
	}
}

// Sobel writes the gradient magnitude of src's luma into dst as an opaque gray image;
// edge pixels repeat their nearest neighbour.
// REQUIRES: dst covers src.Bounds().
func Sobel(dst draw.Image, src image.Image) {
	b := src.Bounds()
	at := func(x, y int) int32 {
		x = min(max(x, b.Min.X), b.Max.X-1)
		y = min(max(y, b.Min.Y), b.Max.Y-1)
		l, _ := luma(src.At(x, y))
		return int32(l >> 8)
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			gx := at(x+1, y-1) + 2*at(x+1, y) + at(x+1, y+1) - at(x-1, y-1) - 2*at(x-1, y) - at(x-1, y+1)
			gy := at(x-1, y+1) + 2*at(x, y+1) + at(x+1, y+1) - at(x-1, y-1) - 2*at(x, y-1) - at(x+1, y-1)
			m := min(abs(gx)+abs(gy), 255)
			dst.Set(x, y, color.Gray{uint8(m)})
		}
	}
}

func abs(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
