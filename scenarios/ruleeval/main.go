// Command ruleeval scores a batch of card transactions against a file of fraud rules,
// the way a rule engine or query filter does: each rule is parsed once into a syntax
// tree of interface nodes and evaluated by walking the tree for every record. It is the
// harness's batch scenario: the hot path is interface calls to tiny Eval methods, which
// PGO devirtualizes and inlines.
//
//	ruleeval -rules rules.txt [-records 40000] [-passes 16] [-seed 7] [-cpuprofile FILE]
//
// It prints how many records each rule matched, the number of records whose score
// reaches the alert threshold, and a checksum of all scores, so a wrong evaluation
// changes the output.
package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"runtime/pprof"
)

func main() {
	rulesPath := flag.String("rules", "rules.txt", "rule file")
	records := flag.Int("records", 40000, "number of generated transactions")
	passes := flag.Int("passes", 16, "times every record is scored")
	seed := flag.Uint64("seed", 7, "seed of the generated transactions")
	threshold := flag.Float64("threshold", 5, "score at which a record raises an alert")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	quiet := flag.Bool("q", false, "print only the summary line")
	flag.Parse()
	if err := run(*rulesPath, *records, *passes, *seed, *threshold, *cpuprofile, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "ruleeval:", err)
		os.Exit(1)
	}
}

func run(rulesPath string, nrec, passes int, seed uint64, threshold float64, cpuprofile string, quiet bool) error {
	if nrec < 1 || passes < 1 {
		return fmt.Errorf("-records and -passes must be positive")
	}
	f, err := os.Open(rulesPath)
	if err != nil {
		return err
	}
	rules, err := ParseRules(f, schema)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", rulesPath, err)
	}
	if len(rules) == 0 {
		return fmt.Errorf("%s: no rules", rulesPath)
	}
	recs := generateRecords(seed, nrec)

	if cpuprofile != "" {
		pf, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	hits := make([]int, len(rules))
	alerts := 0
	h := fnv.New64a()
	var buf [8]byte
	for p := 0; p < passes; p++ {
		for i := range recs {
			score := 0.0
			for j := range rules {
				if rules[j].Expr.Eval(&recs[i]).Truthy() {
					score += rules[j].Weight
					hits[j]++
				}
			}
			if p == 0 {
				if score >= threshold {
					alerts++
				}
				bits := math.Float64bits(score)
				for k := range buf {
					buf[k] = byte(bits >> (8 * k))
				}
				h.Write(buf[:])
			}
		}
	}
	if !quiet {
		for j, r := range rules {
			fmt.Printf("%-24s %8d\n", r.Name, hits[j]/passes)
		}
	}
	fmt.Printf("%d rules x %d records x %d passes: %d alerts, checksum %016x\n",
		len(rules), len(recs), passes, alerts, h.Sum64())
	return nil
}
