package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The corpus is generated from a seed rather than shipped, so the scenario folder stays
// small and every run renders byte-identical input. It mixes the constructs real
// documentation uses (nested lists, emphasis, links, code, tables, task lists) because
// each one goes through a different goldmark parser and renderer behind an interface,
// and that interface dispatch is what PGO devirtualizes and inlines.

var words = strings.Fields(`profile guided optimization compiler inlining budget hot call
site devirtualize interface method receiver escape analysis stack heap allocation garbage
collector runtime scheduler goroutine channel mutex atomic benchmark latency throughput
request handler router middleware template render markdown parser node walker buffer
writer reader token lexer syntax tree visitor table column row cell header footer link
image emphasis strong code block quote list item task done pending merge sample edge
weight graph caller callee frame location mapping function symbol binary build cache`)

type corpusGen struct {
	r *rand.Rand
	b strings.Builder
}

func (g *corpusGen) word() string { return words[g.r.IntN(len(words))] }

// inline writes a run of n words with occasional inline markup.
func (g *corpusGen) inline(n int) {
	for i := 0; i < n; i++ {
		if i > 0 {
			g.b.WriteByte(' ')
		}
		w := g.word()
		switch k := g.r.IntN(40); {
		case k == 0:
			fmt.Fprintf(&g.b, "**%s %s**", w, g.word())
		case k == 1:
			fmt.Fprintf(&g.b, "*%s*", w)
		case k == 2:
			fmt.Fprintf(&g.b, "`%s()`", w)
		case k == 3:
			fmt.Fprintf(&g.b, "[%s](https://example.com/%s/%d)", w, g.word(), g.r.IntN(1000))
		case k == 4:
			fmt.Fprintf(&g.b, "~~%s~~", w)
		case k == 5:
			fmt.Fprintf(&g.b, "https://go.dev/%s", w)
		case k == 6:
			fmt.Fprintf(&g.b, "%s &amp; <%s>", w, g.word())
		default:
			g.b.WriteString(w)
		}
	}
}

func (g *corpusGen) paragraph() {
	lines := 2 + g.r.IntN(4)
	for l := 0; l < lines; l++ {
		g.inline(6 + g.r.IntN(10))
		g.b.WriteByte('\n')
	}
	g.b.WriteByte('\n')
}

func (g *corpusGen) list(depth int) {
	items := 2 + g.r.IntN(4)
	ordered := g.r.IntN(3) == 0
	indent := strings.Repeat("  ", depth*2)
	for i := 0; i < items; i++ {
		g.b.WriteString(indent)
		switch {
		case ordered:
			fmt.Fprintf(&g.b, "%d. ", i+1)
		case g.r.IntN(4) == 0:
			if g.r.IntN(2) == 0 {
				g.b.WriteString("- [x] ")
			} else {
				g.b.WriteString("- [ ] ")
			}
		default:
			g.b.WriteString("- ")
		}
		g.inline(4 + g.r.IntN(8))
		g.b.WriteByte('\n')
		if depth < 2 && g.r.IntN(4) == 0 {
			g.list(depth + 1)
		}
	}
	if depth == 0 {
		g.b.WriteByte('\n')
	}
}

func (g *corpusGen) table() {
	cols := 2 + g.r.IntN(4)
	for c := 0; c < cols; c++ {
		fmt.Fprintf(&g.b, "| %s ", g.word())
	}
	g.b.WriteString("|\n")
	for c := 0; c < cols; c++ {
		g.b.WriteString("|---")
	}
	g.b.WriteString("|\n")
	rows := 2 + g.r.IntN(6)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			g.b.WriteString("| ")
			g.inline(1 + g.r.IntN(3))
			g.b.WriteByte(' ')
		}
		g.b.WriteString("|\n")
	}
	g.b.WriteByte('\n')
}

func (g *corpusGen) codeBlock() {
	g.b.WriteString("```go\n")
	lines := 3 + g.r.IntN(8)
	for l := 0; l < lines; l++ {
		fmt.Fprintf(&g.b, "\t%s := %s(%s, %d)\n", g.word(), g.word(), g.word(), g.r.IntN(100))
	}
	g.b.WriteString("```\n\n")
}

func (g *corpusGen) quote() {
	lines := 1 + g.r.IntN(3)
	for l := 0; l < lines; l++ {
		g.b.WriteString("> ")
		g.inline(5 + g.r.IntN(8))
		g.b.WriteByte('\n')
	}
	g.b.WriteByte('\n')
}

// document returns one Markdown document of roughly `sections` sections.
func (g *corpusGen) document(sections int) []byte {
	g.b.Reset()
	fmt.Fprintf(&g.b, "# %s %s\n\n", g.word(), g.word())
	for s := 0; s < sections; s++ {
		fmt.Fprintf(&g.b, "%s %s %s\n\n", strings.Repeat("#", 2+g.r.IntN(2)), g.word(), g.word())
		blocks := 2 + g.r.IntN(4)
		for k := 0; k < blocks; k++ {
			switch g.r.IntN(10) {
			case 0, 1, 2, 3:
				g.paragraph()
			case 4, 5:
				g.list(0)
			case 6:
				g.table()
			case 7:
				g.codeBlock()
			case 8:
				g.quote()
			default:
				g.b.WriteString("---\n\n")
				g.paragraph()
			}
		}
	}
	return []byte(g.b.String())
}

// generateCorpus returns n deterministic documents for the given seed.
func generateCorpus(seed uint64, n, sections int) [][]byte {
	g := &corpusGen{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
	docs := make([][]byte, n)
	for i := range docs {
		docs[i] = g.document(sections)
	}
	return docs
}
