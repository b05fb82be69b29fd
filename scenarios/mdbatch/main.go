// Command mdbatch renders a Markdown corpus to HTML with goldmark, the way a static-site
// or documentation build does: many documents, one converter, output discarded after a
// checksum. It is the harness's batch scenario: its hot path runs through goldmark's
// interface-based parsers, AST walker and node renderers, which PGO inlines and
// devirtualizes.
//
//	mdbatch [-docs 120] [-sections 12] [-passes 3] [-seed 1] [-input FILE.md]... [-cpuprofile FILE]
//
// It prints one line: the number of documents and bytes rendered and an FNV-1a checksum
// of the HTML, so a wrong or skipped rendering shows up as a changed checksum.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/pprof"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

type inputList []string

func (l *inputList) String() string     { return fmt.Sprint(*l) }
func (l *inputList) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var inputs inputList
	docs := flag.Int("docs", 120, "number of generated documents")
	sections := flag.Int("sections", 12, "sections per generated document")
	passes := flag.Int("passes", 3, "times the whole corpus is rendered")
	seed := flag.Uint64("seed", 1, "seed of the generated corpus")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Var(&inputs, "input", "render this Markdown file instead of a generated corpus (repeatable)")
	flag.Parse()
	if err := run(inputs, *docs, *sections, *passes, *seed, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "mdbatch:", err)
		os.Exit(1)
	}
}

func run(inputs []string, docs, sections, passes int, seed uint64, cpuprofile string) error {
	if docs < 1 || sections < 1 || passes < 1 {
		return fmt.Errorf("-docs, -sections and -passes must be positive")
	}
	var corpus [][]byte
	if len(inputs) > 0 {
		for _, path := range inputs {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			corpus = append(corpus, b)
		}
	} else {
		corpus = generateCorpus(seed, docs, sections)
	}

	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Typographer, extension.Footnote),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	var out bytes.Buffer
	h := fnv.New64a()
	inBytes, outBytes := 0, 0
	for p := 0; p < passes; p++ {
		for _, doc := range corpus {
			out.Reset()
			if err := md.Convert(doc, &out); err != nil {
				return err
			}
			inBytes += len(doc)
			outBytes += out.Len()
			if p == 0 {
				h.Write(out.Bytes())
			}
		}
	}
	fmt.Printf("rendered %d documents x %d passes: %d bytes in, %d bytes out, checksum %016x\n",
		len(corpus), passes, inBytes, outBytes, h.Sum64())
	return nil
}
